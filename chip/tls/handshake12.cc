#include "chip/tls/handshake12.h"

#include <algorithm>

#include "chip/tls/client_flight12.h"
#include "chip/tls/handshake_records.h"
#include "chip/tls/key_schedule12.h"
#include "chip/tls/record_keys.h"
#include "chip/tls/server_chain.h"
#include "common/tls/extension_rules.h"
#include "common/tls/messages12.h"

namespace setls::chip {

namespace {

using tls::HandshakeType;

constexpr uint8_t kEcdsaSign = 64;  // ClientCertificateType (RFC 8422 §5.5)

// RFC 8446 §4.1.3: a TLS 1.3 server that negotiates an older version marks
// its random; seeing the mark after offering 1.3 means someone removed it.
bool downgrade_sentinel(const tls::Random& random) {
  auto tail = random.end() - 8;
  return std::equal(tail, random.end(), tls::kDowngradeTls12) || std::equal(tail, random.end(), tls::kDowngradeTls11);
}

Outcome check_hello12_extensions(TlsSession& s, const tls::ServerHello& sh) {
  Outcome placed = tls::check_extensions(tls::ExtensionContext::ServerHello12, sh.extensions,
                                         tls::ExtensionList(s.offer.extensions));
  if (!placed)
    return placed.status() == Status::TlsUnsupportedExtension ? Status::ServerExtensionNotOffered
                                                               : Status::ServerExtensionMisplaced;
  // RFC 7627 §5.2: the chip never runs a session whose master secret does
  // not cover the handshake.
  if (!sh.extensions.contains(tls::ExtensionType::ExtendedMasterSecret)) return Status::ServerNoExtendedMasterSecret;
  SETLS_TRY_ASSIGN(auto reneg, server_extension<tls::RenegotiationInfo>(sh.extensions));
  if (reneg && !reneg->renegotiated_connection.empty()) return Status::ServerIllegalParameter;  // RFC 5746 §3.4
  SETLS_TRY_ASSIGN(auto formats, server_extension<tls::EcPointFormats>(sh.extensions));
  if (formats && std::find(formats->formats.begin(), formats->formats.end(), tls::EcPointFormats::kUncompressed) ==
                     formats->formats.end())
    return Status::ServerIllegalParameter;  // RFC 8422 §5.2

  SETLS_TRY_ASSIGN(auto alpn, server_extension<tls::AlpnSelected>(sh.extensions));
  if (alpn) {
    bool offered = std::any_of(s.offer.alpn.begin(), s.offer.alpn.end(), [&](const Bytes& p) {
      return std::equal(p.begin(), p.end(), alpn->protocol.begin(), alpn->protocol.end());
    });
    if (!offered) return Status::ServerAlpnNotOffered;
    s.alpn.assign(alpn->protocol.begin(), alpn->protocol.end());
  }
  return {};
}

// ---- server messages

Outcome on_certificate12(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto cert, server_message<tls::Certificate12>(m));
  if (cert.certificates.empty()) return Status::ServerDecodeError;  // ECDHE_ECDSA needs one
  std::vector<ByteView> presented;
  for (const tls::Asn1Cert& c : cert.certificates) {
    if (presented.size() > x509::kMaxPresentedCertificates) return Status::ChainTooLong;
    presented.push_back(c.der);
  }
  SETLS_TRY(accept_server_chain(s, chip, presented));
  s.transcript.add(m.raw);
  s.state = TlsState::WaitServerKeyExchange12;
  return {};
}

Outcome on_server_key_exchange(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto ske, server_message<tls::ServerKeyExchangeEcdhe>(m));
  if (!s.offer.offers_group(ske.named_curve) || !tls::group_allowed(ske.named_curve))
    return Error{Status::ServerGroupNotOffered, ske.named_curve};
  auto peer = EcKey::from_public_point(*tls::group_curve(ske.named_curve), ske.public_point);
  if (!peer) return Status::ServerKeyShareInvalid;
  // Only the leaf of the chain the chip verified may sign (invariant 3),
  // with a scheme we offered and that its curve signs with.
  Curve curve = s.server_key->curve();
  if (!s.offer.offers_scheme(ske.scheme) || !tls::handshake_scheme_allowed(ske.scheme) ||
      tls::scheme_curve(ske.scheme) != curve)
    return Error{Status::ServerSignatureScheme, ske.scheme};  // the detail names it (0x0203: ecdsa_sha1)
  Bytes signed_content(s.offer.random.begin(), s.offer.random.end());
  append(signed_content, s.server_random);
  append(signed_content, ske.params);
  if (!s.server_key->verify(curve_hash(curve), signed_content, ske.signature))
    return Status::ServerKeyExchangeSignature;
  s.server_ephemeral = std::move(*peer);
  s.group = ske.named_curve;
  s.transcript.add(m.raw);
  s.state = TlsState::WaitRequestOrDone12;
  return {};
}

Outcome on_certificate_request12(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto cr, server_message<tls::CertificateRequest12>(m));
  s.cert_requested = true;
  // Our key can answer only if the server takes ECDSA certificates; its
  // schemes decide which one (client_flight12.cc), else an empty Certificate.
  if (std::find(cr.certificate_types.begin(), cr.certificate_types.end(), kEcdsaSign) != cr.certificate_types.end())
    s.request_schemes.assign(cr.signature_algorithms.begin(), cr.signature_algorithms.end());
  s.transcript.add(m.raw);
  s.state = TlsState::WaitServerHelloDone12;
  return {};
}

Outcome on_server_hello_done(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out) {
  SETLS_TRY(server_message<tls::ServerHelloDone>(m));
  s.transcript.add(m.raw);
  SETLS_TRY(send_client_flight12(s, chip, out));
  s.state = TlsState::WaitChangeCipherSpec12;
  return {};
}

Outcome on_server_finished12(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto fin, server_message<tls::Finished>(m));
  Digest th = s.transcript.current(s.suite->hash);
  Secret expected = tls12::finished_verify_data(s.suite->hash, s.master12.view(), /*server=*/true, th.view());
  if (!ct_equal(fin.verify_data, expected.view())) return Status::FinishedInvalid;
  s.transcript.add(m.raw);
  s.state = TlsState::Connected;
  return {};
}

}  // namespace

Outcome on_server_hello12(TlsSession& s, const tls::ServerHello& sh, const tls::HandshakeMessage& m) {
  // After a HelloRetryRequest the version is 1.3 (RFC 8446 §4.1.4).
  if (s.retried) return Status::ServerVersion;
  if (sh.legacy_version < tls::kTls12) return Status::ServerOldVersion;
  if (sh.legacy_version != tls::kTls12 || !s.offer.offers_version(tls::kTls12) || sh.is_hello_retry_request())
    return Status::ServerVersion;
  if (s.offer.offers_version(tls::kTls13) && downgrade_sentinel(sh.random)) return Status::Downgrade;
  const tls::SuiteInfo* suite = tls::find_suite(sh.cipher_suite);
  if (!s.offer.offers_suite(sh.cipher_suite) || suite == nullptr || suite->version != tls::kTls12)
    return Status::ServerSuiteNotOffered;
  // Our session id is fresh random: a server that "resumes" it is lying.
  if (std::equal(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end(), s.offer.session_id.begin(),
                 s.offer.session_id.end()))
    return Status::ServerSessionIdMismatch;
  SETLS_TRY(check_hello12_extensions(s, sh));

  s.version = tls::kTls12;
  SETLS_TRY(apply_record_limits(s, sh.extensions));
  s.transcript.add(m.raw);  // both hashes keep running (Transcript::current(alg))
  s.suite = suite;
  s.server_random = sh.random;
  s.shares.clear();  // TLS 1.3 key shares and PSK are of no use now
  s.psk.reset();
  s.state = TlsState::WaitCertificate12;
  return {};
}

Outcome on_message12(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out) {
  switch (s.state) {
    case TlsState::WaitCertificate12:
      if (m.type != HandshakeType::Certificate) break;
      return on_certificate12(s, chip, m);
    case TlsState::WaitServerKeyExchange12:
      if (m.type != HandshakeType::ServerKeyExchange) break;
      return on_server_key_exchange(s, m);
    case TlsState::WaitRequestOrDone12:
      if (m.type == HandshakeType::CertificateRequest) return on_certificate_request12(s, m);
      if (m.type != HandshakeType::ServerHelloDone) break;
      return on_server_hello_done(s, chip, m, out);
    case TlsState::WaitServerHelloDone12:
      if (m.type != HandshakeType::ServerHelloDone) break;
      return on_server_hello_done(s, chip, m, out);
    case TlsState::WaitFinished12:
      if (m.type != HandshakeType::Finished) break;
      return on_server_finished12(s, m);
    default: break;
  }
  // A HelloRequest during the handshake is ignored by RFC 5246 §7.4.1.1;
  // the chip, which never renegotiates, refuses it like anything unexpected.
  return m.type == HandshakeType::HelloRequest ? Status::ServerRenegotiation : Status::ServerUnexpectedMessage;
}

Outcome on_record12(TlsSession& s, ChipServices& chip, const tls::RecordFrame& f, ByteView record, Bytes& out) {
  if (f.header.type == tls::ContentType::ChangeCipherSpec) {
    // Once, after our flight, and not inside a handshake message.
    if (s.state != TlsState::WaitChangeCipherSpec12 || f.fragment.size() != 1 || f.fragment[0] != 1 ||
        !s.assembler.empty())
      return Status::ServerUnexpectedMessage;
    s.state = TlsState::WaitFinished12;
    return {};
  }
  if (s.state != TlsState::WaitFinished12) {
    if (f.fragment.size() > tls::kMaxPlaintext) return Status::ServerRecordOverflow;
    if (f.header.type == tls::ContentType::Alert) return alert_received(f.fragment);
    if (f.header.type != tls::ContentType::Handshake) return Status::ServerUnexpectedMessage;
    return feed_handshake(s, chip, f.fragment, out);
  }
  SecretBytes copy;  // the server's Finished, decrypted in place
  std::span<uint8_t> buf = copy.reset(record.size());
  std::copy(record.begin(), record.end(), buf.begin());
  auto opened = s.hs_read.open(buf);
  if (!opened) return server_fault(opened.status());
  if (opened->plaintext.size() > s.inbound_limit) return Status::ServerRecordOverflow;
  if (opened->type == tls::ContentType::Alert) return alert_received(opened->plaintext);
  if (opened->type != tls::ContentType::Handshake) return Status::ServerUnexpectedMessage;
  return feed_handshake(s, chip, opened->plaintext, out);
}

}  // namespace setls::chip
