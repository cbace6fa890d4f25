// libFuzzer target for the TLS message codec (common/tls). The input goes to
// every parser: the record framing, the handshake assembler (in pieces whose
// sizes the input chooses), every message body and every extension body.
// Whatever parses must encode back to exactly the input (the codec is
// strict, so parse and encode are inverses) and the encoding must parse again
// to the same bytes; failures must be TlsDecode or TlsIllegalParameter.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>

#include "common/tls/codec.h"
#include "common/tls/extension_rules.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/messages12.h"
#include "common/tls/record.h"

namespace {

using namespace setls;
using namespace setls::tls;

void require(bool ok) {
  if (!ok) abort();
}

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// Parse, re-encode, compare, parse again. Returns the parsed value's success.
template <class T>
bool round_trip(ByteView in, T* out = nullptr) {
  Result<T> v = decode<T>(in);
  if (!v) {
    require(v.status() == Status::TlsDecode || v.status() == Status::TlsIllegalParameter);
    return false;
  }
  Bytes encoded;
  Writer w(encoded);
  v->encode(w);
  require(w.ok());
  require(same(encoded, in));
  Result<T> again = decode<T>(encoded);
  require(again.ok());
  Bytes twice;
  Writer w2(twice);
  again->encode(w2);
  require(w2.ok() && same(twice, encoded));
  if (out) *out = *v;
  return true;
}

void extension_body(uint16_t type, ByteView data) {
  switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::ServerName:
      round_trip<ServerNameClient>(data);
      round_trip<ServerNameAck>(data);
      break;
    case ExtensionType::MaxFragmentLength: round_trip<MaxFragmentLength>(data); break;
    case ExtensionType::SupportedGroups: round_trip<SupportedGroups>(data); break;
    case ExtensionType::EcPointFormats: round_trip<EcPointFormats>(data); break;
    case ExtensionType::SignatureAlgorithms: round_trip<SignatureAlgorithms>(data); break;
    case ExtensionType::SignatureAlgorithmsCert: round_trip<SignatureAlgorithmsCert>(data); break;
    case ExtensionType::Alpn:
      round_trip<AlpnProtocols>(data);
      round_trip<AlpnSelected>(data);
      break;
    case ExtensionType::ExtendedMasterSecret: round_trip<ExtendedMasterSecret>(data); break;
    case ExtensionType::RecordSizeLimit: round_trip<RecordSizeLimit>(data); break;
    case ExtensionType::SessionTicket: round_trip<SessionTicket>(data); break;
    case ExtensionType::PreSharedKey: {
      PreSharedKeyClient psk;
      if (round_trip<PreSharedKeyClient>(data, &psk)) require(psk.binders_size() <= data.size());
      round_trip<PreSharedKeyServer>(data);
      break;
    }
    case ExtensionType::EarlyData:
      round_trip<EarlyDataIndication>(data);
      round_trip<MaxEarlyDataSize>(data);
      break;
    case ExtensionType::SupportedVersions:
      round_trip<SupportedVersionsClient>(data);
      round_trip<SupportedVersionsServer>(data);
      break;
    case ExtensionType::Cookie: round_trip<Cookie>(data); break;
    case ExtensionType::PskKeyExchangeModes: round_trip<PskKeyExchangeModes>(data); break;
    case ExtensionType::PostHandshakeAuth: round_trip<PostHandshakeAuth>(data); break;
    case ExtensionType::KeyShare:
      round_trip<KeyShareClient>(data);
      round_trip<KeyShareServer>(data);
      round_trip<KeyShareHelloRetry>(data);
      break;
    case ExtensionType::RenegotiationInfo: round_trip<RenegotiationInfo>(data); break;
    default: break;
  }
}

void extensions(const ExtensionList& list, const ExtensionList& offered) {
  for (const Extension& e : list) extension_body(e.type, e.data);
  for (ExtensionContext c : {ExtensionContext::ClientHello, ExtensionContext::ServerHello,
                             ExtensionContext::HelloRetryRequest, ExtensionContext::EncryptedExtensions,
                             ExtensionContext::Certificate, ExtensionContext::CertificateRequest,
                             ExtensionContext::NewSessionTicket, ExtensionContext::ServerHello12}) {
    Outcome o = check_extensions(c, list, offered);
    require(o.ok() || o.status() == Status::TlsIllegalParameter || o.status() == Status::TlsUnsupportedExtension);
  }
}

// Every message parser on one body; the deeper parts of what parses too.
void message_bodies(ByteView body) {
  ClientHello ch;
  if (round_trip<ClientHello>(body, &ch)) extensions(ch.extensions, ch.extensions);
  ServerHello sh;
  if (round_trip<ServerHello>(body, &sh)) {
    extensions(sh.extensions, ch.extensions);
    (void)sh.is_hello_retry_request();
  }
  EncryptedExtensions ee;
  if (round_trip<EncryptedExtensions>(body, &ee)) extensions(ee.extensions, {});
  CertificateRequest13 cr;
  if (round_trip<CertificateRequest13>(body, &cr)) extensions(cr.extensions, {});
  Certificate13 ct;
  if (round_trip<Certificate13>(body, &ct))
    for (const CertificateEntry& e : ct.entries) extensions(e.extensions, {});
  NewSessionTicket13 nst;
  if (round_trip<NewSessionTicket13>(body, &nst)) extensions(nst.extensions, {});
  round_trip<CertificateVerify>(body);
  round_trip<Finished>(body);
  round_trip<KeyUpdate>(body);
  round_trip<CertificateRequest12>(body);
  round_trip<Certificate12>(body);
  round_trip<NewSessionTicket12>(body);
  ServerKeyExchangeEcdhe ske;
  if (round_trip<ServerKeyExchangeEcdhe>(body, &ske)) {
    Bytes params;
    Writer w(params);
    ske.encode_params(w);
    require(w.ok() && same(params, ske.params));
  }
  round_trip<ServerHelloDone>(body);
  round_trip<ClientKeyExchangeEcdhe>(body);
  round_trip<Alert>(body);
}

void records(ByteView in) {
  for (size_t limit : {kMaxPlaintext, kMaxCiphertext13, kMaxCiphertext12, size_t{64}}) {
    ByteView rest = in;
    while (!rest.empty()) {
      Result<RecordFrame> f = frame_record(rest, limit);
      if (!f) {
        require(f.status() == Status::TlsUnexpectedMessage || f.status() == Status::TlsRecordOverflow);
        break;
      }
      if (!f->complete()) {
        require(f->missing > 0);
        break;
      }
      require(f->size == kRecordHeaderSize + f->fragment.size() && f->size <= rest.size());
      require(f->fragment.size() <= limit);
      Bytes header;
      Writer w(header);
      write_record_header(w, f->header);
      require(same(header, rest.first(kRecordHeaderSize)));
      rest = rest.subspan(f->size);
    }
  }
  Result<RecordHeader> h = parse_record_header(in);
  require(h.ok() || h.status() == Status::TlsDecode || h.status() == Status::TlsUnexpectedMessage);
}

// The input as a handshake stream, fed in pieces: the first byte picks the
// piece size and the message limit.
void assembler(ByteView in) {
  Reader r(in);
  uint8_t control = 0;
  if (!r.u8(control)) return;
  size_t piece = 1 + control % 64;
  size_t limit = (control & 0x80) ? 64 : 4096;
  ByteView stream = r.rest();
  HandshakeAssembler a(limit);
  size_t consumed = 0;
  for (size_t at = 0; at < stream.size(); at += piece) {
    ByteView fragment = stream.subspan(at, std::min(piece, stream.size() - at));
    Outcome o = a.feed(fragment);
    if (!o) {
      require(o.status() == Status::TlsMessageTooLarge);
      return;
    }
    while (auto m = a.next()) {
      require(m->body.size() <= limit);
      require(same(m->raw, stream.subspan(consumed, m->raw.size())));
      consumed += m->raw.size();
      Result<HandshakeMessage> again = parse_handshake(m->raw);
      require(again.ok() && again->type == m->type && same(again->body, m->body));
      message_bodies(m->body);
      if (m->type == HandshakeType::ClientHello) (void)truncated_client_hello_size(m->raw);
    }
  }
  require(a.empty() == (consumed == stream.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  records(in);
  message_bodies(in);
  for (const auto& rule : extension_rules()) extension_body(static_cast<uint16_t>(rule.type), in);
  assembler(in);
  Result<size_t> t = truncated_client_hello_size(in);
  if (t.ok()) require(*t < size);
  return 0;
}
