#include "chip/tls/handshake13.h"

#include <algorithm>

#include "chip/tls/client_flight.h"
#include "chip/tls/handshake12.h"
#include "chip/tls/handshake_records.h"
#include "chip/tls/key_schedule13.h"
#include "chip/tls/key_share.h"
#include "chip/tls/record_keys.h"
#include "chip/tls/server_chain.h"
#include "common/tls/extension_rules.h"
#include "common/tls/record.h"

namespace setls::chip {

namespace {

using tls::ExtensionContext;
using tls::HandshakeType;

// ---- helpers: parse a server message, judge its extensions

// RFC 8446 §4.2: allowed in this message, and only what the client offered.
Outcome check_server_extensions(ExtensionContext context, const tls::ExtensionList& got, const Offer& offer) {
  Outcome o = tls::check_extensions(context, got, tls::ExtensionList(offer.extensions));
  if (o) return {};
  return o.status() == Status::TlsUnsupportedExtension ? Status::ServerExtensionNotOffered
                                                       : Status::ServerExtensionMisplaced;
}

// ---- ServerHello and HelloRetryRequest (plaintext)

// What ServerHello and HelloRetryRequest share (RFC 8446 §4.1.3, §4.1.4).
Outcome check_hello_common(const TlsSession& s, const tls::ServerHello& h, ExtensionContext context) {
  // Version first: a TLS 1.2 server's extensions would otherwise be blamed.
  SETLS_TRY_ASSIGN(auto version, server_extension<tls::SupportedVersionsServer>(h.extensions));
  if (h.legacy_version != tls::kTls12 || !version || version->selected_version != tls::kTls13)
    return Status::ServerVersion;
  ByteView sent = s.offer.session_id_bytes();
  if (!std::equal(h.legacy_session_id_echo.begin(), h.legacy_session_id_echo.end(), sent.begin(), sent.end()))
    return Status::ServerSessionIdMismatch;
  if (!s.offer.offers_suite(h.cipher_suite) || tls::find_suite(h.cipher_suite) == nullptr)
    return Status::ServerSuiteNotOffered;
  return check_server_extensions(context, h.extensions, s.offer);
}

Outcome on_hello_retry(TlsSession& s, const tls::ServerHello& hrr, const tls::HandshakeMessage& m) {
  if (s.retried) return Status::ServerUnexpectedMessage;  // RFC 8446 §4.1.4: at most one
  SETLS_TRY(check_hello_common(s, hrr, ExtensionContext::HelloRetryRequest));
  SETLS_TRY_ASSIGN(auto group, server_extension<tls::KeyShareHelloRetry>(hrr.extensions));
  SETLS_TRY_ASSIGN(auto cookie, server_extension<tls::Cookie>(hrr.extensions));
  if (group) {
    uint16_t g = group->selected_group;
    bool shared = std::any_of(s.shares.begin(), s.shares.end(), [g](const KeyShare& k) { return k.group == g; });
    if (!s.offer.offers_group(g) || shared) return Status::ServerRetryInvalid;
  }
  if (!group && !cookie) return Status::ServerRetryInvalid;  // it would change nothing

  // The transcript restarts as message_hash(ClientHello1) ‖ HelloRetryRequest (§4.4.1).
  s.transcript.choose(tls::find_suite(hrr.cipher_suite)->hash);
  s.transcript.replace_with_message_hash();
  s.transcript.add(m.raw);
  s.retried = true;
  s.retry_suite = hrr.cipher_suite;
  s.retry_group = group ? group->selected_group : 0;
  if (cookie) s.retry_cookie.assign(cookie->cookie.begin(), cookie->cookie.end());
  s.state = TlsState::WaitRetryHello;
  return {};
}

// The PSK the server selected, if any (RFC 8446 §4.2.11).
Result<bool> psk_accepted(const TlsSession& s, const tls::ServerHello& sh, const tls::SuiteInfo& suite) {
  SETLS_TRY_ASSIGN(auto selected, server_extension<tls::PreSharedKeyServer>(sh.extensions));
  if (!selected) return false;
  // One identity offered; its hash must be the suite's.
  if (!s.psk || selected->selected_identity != 0 || s.psk->hash != suite.hash) return Status::ServerPskInvalid;
  return true;
}

Outcome on_server_hello(TlsSession& s, const tls::ServerHello& sh, const tls::HandshakeMessage& m) {
  SETLS_TRY(check_hello_common(s, sh, ExtensionContext::ServerHello));
  if (s.retried && sh.cipher_suite != s.retry_suite) return Status::ServerRetryMismatch;
  const tls::SuiteInfo* suite = tls::find_suite(sh.cipher_suite);

  // psk_dhe_ke is the only mode offered: a key share is mandatory.
  SETLS_TRY_ASSIGN(auto share, server_extension<tls::KeyShareServer>(sh.extensions));
  if (!share) return Status::ServerIllegalParameter;
  uint16_t group = share->share.group;
  auto mine = std::find_if(s.shares.begin(), s.shares.end(), [group](const KeyShare& k) { return k.group == group; });
  if (mine == s.shares.end()) return Status::ServerGroupNotOffered;
  if (s.retried && s.retry_group != 0 && group != s.retry_group) return Status::ServerRetryMismatch;
  auto shared = key_share_secret(mine->key, group, share->share.key_exchange);
  if (!shared) return shared.error();
  SETLS_TRY_ASSIGN(bool resumed, psk_accepted(s, sh, *suite));

  if (!s.transcript.chosen()) s.transcript.choose(suite->hash);
  s.transcript.add(m.raw);

  tls13::EarlySecret early = resumed ? tls13::EarlySecret::from_psk(suite->hash, s.psk->psk.view())
                                     : tls13::EarlySecret::without_psk(suite->hash);
  tls13::HandshakeSecret hs = std::move(early).to_handshake(shared->view());
  Digest th = s.transcript.current();
  s.client_hs = hs.client_traffic(th.view());
  s.server_hs = hs.server_traffic(th.view());
  s.master.emplace(std::move(hs).to_master());
  SETLS_TRY(install_keys(s.hs_read, *suite, s.server_hs.view()));

  s.suite = suite;
  s.group = group;
  s.resumed = resumed;
  s.shares.clear();  // the ephemeral keys are done
  s.psk.reset();
  s.resume12.reset();  // a TLS 1.2 session is never resumed as TLS 1.3
  s.state = TlsState::WaitEncryptedExtensions;
  return {};
}

Outcome on_hello(TlsSession& s, const tls::HandshakeMessage& m) {
  if (m.type != HandshakeType::ServerHello) return Status::ServerUnexpectedMessage;
  SETLS_TRY_ASSIGN(auto hello, server_message<tls::ServerHello>(m));
  // Without supported_versions the server speaks TLS 1.2 or older (RFC 8446 §4.1.3).
  if (!hello.extensions.contains(tls::ExtensionType::SupportedVersions)) return on_server_hello12(s, hello, m);
  if (!s.offer.offers_version(tls::kTls13)) return Status::ServerVersion;
  return hello.is_hello_retry_request() ? on_hello_retry(s, hello, m) : on_server_hello(s, hello, m);
}

// ---- encrypted handshake messages

Outcome on_encrypted_extensions(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto ee, server_message<tls::EncryptedExtensions>(m));
  SETLS_TRY(check_server_extensions(ExtensionContext::EncryptedExtensions, ee.extensions, s.offer));
  SETLS_TRY_ASSIGN(auto alpn, server_extension<tls::AlpnSelected>(ee.extensions));
  if (alpn) {
    bool offered = std::any_of(s.offer.alpn.begin(), s.offer.alpn.end(), [&](const Bytes& p) {
      return std::equal(p.begin(), p.end(), alpn->protocol.begin(), alpn->protocol.end());
    });
    if (!offered) return Status::ServerAlpnNotOffered;
    s.alpn.assign(alpn->protocol.begin(), alpn->protocol.end());
  }
  SETLS_TRY(apply_record_limits(s, ee.extensions));
  s.transcript.add(m.raw);
  // A server resuming with a PSK authenticates by it: no certificate (§4.3.2, §4.4.2).
  s.state = s.resumed ? TlsState::WaitFinished : TlsState::WaitCertificateOrRequest;
  return {};
}

Outcome on_certificate_request(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto cr, server_message<tls::CertificateRequest13>(m));
  // An empty context during the handshake (§4.3.2); post-handshake auth is not offered.
  if (!cr.context.empty()) return Status::ServerIllegalParameter;
  SETLS_TRY(check_server_extensions(ExtensionContext::CertificateRequest, cr.extensions, s.offer));
  SETLS_TRY_ASSIGN(auto algs, server_extension<tls::SignatureAlgorithms>(cr.extensions));
  if (!algs) return Status::ServerDecodeError;  // mandatory (missing_extension)
  s.request_schemes.assign(algs->schemes.begin(), algs->schemes.end());
  s.cert_requested = true;
  s.transcript.add(m.raw);
  s.state = TlsState::WaitCertificate;
  return {};
}

Outcome on_certificate(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto cert, server_message<tls::Certificate13>(m));
  if (!cert.context.empty()) return Status::ServerIllegalParameter;
  if (cert.entries.empty()) return Status::ServerDecodeError;  // §4.4.2.4: decode_error
  std::vector<ByteView> presented;
  for (const tls::CertificateEntry& e : cert.entries) {
    if (presented.size() > x509::kMaxPresentedCertificates) return Status::ChainTooLong;
    SETLS_TRY(check_server_extensions(ExtensionContext::Certificate, e.extensions, s.offer));
    presented.push_back(e.cert_data);
  }
  SETLS_TRY(accept_server_chain(s, chip, presented));
  s.transcript.add(m.raw);
  s.state = TlsState::WaitCertificateVerify;
  return {};
}

Outcome on_certificate_verify(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto cv, server_message<tls::CertificateVerify>(m));
  // The scheme must be one we offered and the one the verified leaf's curve signs with.
  Curve curve = s.server_key->curve();
  if (!s.offer.offers_scheme(cv.scheme) || !tls::handshake_scheme_allowed(cv.scheme) ||
      tls::scheme_curve(cv.scheme) != curve)
    return Status::ServerSignatureScheme;
  Digest th = s.transcript.current();
  Bytes content = certificate_verify_content(/*server=*/true, th.view());
  if (!s.server_key->verify(curve_hash(curve), content, cv.signature)) return Status::SignatureInvalid;
  s.transcript.add(m.raw);
  s.state = TlsState::WaitFinished;
  return {};
}

Outcome on_server_finished(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out) {
  SETLS_TRY_ASSIGN(auto fin, server_message<tls::Finished>(m));
  Digest th = s.transcript.current();
  Secret expected = tls13::finished_mac(s.suite->hash, s.server_hs.view(), th.view());
  if (!ct_equal(fin.verify_data, expected.view())) return Status::FinishedInvalid;
  s.transcript.add(m.raw);

  // Application secrets hash up to the server Finished (§7.1); the client
  // flight comes after them, the resumption secret after the client Finished.
  Digest th_server = s.transcript.current();
  s.client_app = s.master->client_traffic(th_server.view());
  s.server_app = s.master->server_traffic(th_server.view());
  SETLS_TRY(send_client_flight(s, chip, out));
  Digest th_client = s.transcript.current();
  s.resumption_master = s.master->resumption_master(th_client.view());
  s.state = TlsState::Connected;
  return {};
}

Outcome on_message(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out) {
  switch (s.state) {
    case TlsState::WaitServerHello: return on_hello(s, m);
    case TlsState::WaitEncryptedExtensions:
      if (m.type != HandshakeType::EncryptedExtensions) break;
      return on_encrypted_extensions(s, m);
    case TlsState::WaitCertificateOrRequest:
      if (m.type == HandshakeType::CertificateRequest) return on_certificate_request(s, m);
      if (m.type != HandshakeType::Certificate) break;
      return on_certificate(s, chip, m);
    case TlsState::WaitCertificate:
      if (m.type != HandshakeType::Certificate) break;
      return on_certificate(s, chip, m);
    case TlsState::WaitCertificateVerify:
      if (m.type != HandshakeType::CertificateVerify) break;
      return on_certificate_verify(s, m);
    case TlsState::WaitFinished:
      if (m.type != HandshakeType::Finished) break;
      return on_server_finished(s, chip, m, out);
    default: break;  // WaitRetryHello, Connected; the TLS 1.2 states are handshake12.cc's
  }
  return Status::ServerUnexpectedMessage;
}

// Before ServerHello an alert answers our offer. The chip offers only strong
// parameters, so handshake_failure and protocol_version say that the server
// wants a weak one: name that rather than just the alert.
Error alert_before_hello(ByteView fragment) {
  Error e = alert_received(fragment);
  if (e.status != Status::ServerAlert) return e;
  switch (static_cast<tls::AlertDescription>(e.detail)) {
    case tls::AlertDescription::HandshakeFailure:
    case tls::AlertDescription::InsufficientSecurity: return Error{Status::ServerRefusedStrongParameters, e.detail};
    case tls::AlertDescription::ProtocolVersion: return Error{Status::ServerNoCommonVersion, e.detail};
    default: return e;
  }
}

Outcome on_record(TlsSession& s, ChipServices& chip, const tls::RecordFrame& f, ByteView record, Bytes& out) {
  if (s.version == tls::kTls12) return on_record12(s, chip, f, record, out);
  switch (f.header.type) {
    case tls::ContentType::ChangeCipherSpec:
      // §5: one byte 0x01, ignored before the server Finished; we take one.
      if (s.ccs_seen || f.fragment.size() != 1 || f.fragment[0] != 1) return Status::ServerUnexpectedMessage;
      s.ccs_seen = true;
      return {};
    case tls::ContentType::Alert: return s.state == TlsState::WaitServerHello ? alert_before_hello(f.fragment)
                                                                              : alert_received(f.fragment);
    case tls::ContentType::Handshake:
      if (s.state != TlsState::WaitServerHello) return Status::ServerUnexpectedMessage;  // must be encrypted now
      if (f.fragment.size() > tls::kMaxPlaintext) return Status::ServerRecordOverflow;
      return feed_handshake(s, chip, f.fragment, out);
    case tls::ContentType::ApplicationData: {
      if (s.state == TlsState::WaitServerHello) return Status::ServerUnexpectedMessage;  // no keys yet
      Bytes copy(record.begin(), record.end());
      auto opened = s.hs_read.open(copy);
      if (!opened) return server_fault(opened.status());
      if (opened->plaintext.size() > s.inbound_limit) return Status::ServerRecordOverflow;
      if (opened->type == tls::ContentType::Alert) return alert_received(opened->plaintext);
      if (opened->type != tls::ContentType::Handshake) return Status::ServerUnexpectedMessage;
      return feed_handshake(s, chip, opened->plaintext, out);
    }
    default: return Status::ServerUnexpectedMessage;
  }
}

bool handshaking(TlsState st) { return st != TlsState::WaitRetryHello && st != TlsState::Connected; }

}  // namespace

// ---- shared with the TLS 1.2 engine (handshake_records.h)

Error alert_received(ByteView fragment) {
  auto alert = tls::decode<tls::Alert>(fragment);
  if (!alert) return Error{server_fault(alert.status()), 0};
  return Error{Status::ServerAlert, alert->description};
}

Outcome feed_handshake(TlsSession& s, ChipServices& chip, ByteView fragment, Bytes& out) {
  Outcome fed = s.assembler.feed(fragment);
  if (!fed) return server_fault(fed.status());
  while (auto m = s.assembler.next()) {
    bool plaintext = s.state == TlsState::WaitServerHello;
    SETLS_TRY(s.version == tls::kTls12 ? on_message12(s, chip, *m, out) : on_message(s, chip, *m, out));
    // ServerHello and Finished change the keys, and nothing may follow a
    // HelloRetryRequest: each must end its record (§5.1). A TLS 1.2
    // ServerHello changes no key: Certificate may follow in its record.
    bool boundary = (plaintext && s.version == tls::kTls13) || s.state == TlsState::Connected;
    if (boundary && !s.assembler.empty()) return Status::ServerKeyChangeStraddle;
    if (s.state == TlsState::WaitRetryHello || s.state == TlsState::Connected) break;
  }
  return {};
}

Outcome apply_record_limits(TlsSession& s, const tls::ExtensionList& extensions) {
  SETLS_TRY_ASSIGN(auto limit, server_extension<tls::RecordSizeLimit>(extensions));
  SETLS_TRY_ASSIGN(auto mfl, server_extension<tls::MaxFragmentLength>(extensions));
  if (limit && mfl) return Status::ServerIllegalParameter;
  if (limit) {
    // RFC 8449 §4: in TLS 1.3 the limit counts the inner content type byte; in 1.2 it does not.
    size_t type_byte = s.version == tls::kTls13 ? 1 : 0;
    s.peer_record_limit = static_cast<uint16_t>(std::min<size_t>(limit->limit - type_byte, tls::kMaxPlaintext));
    // Our own limit binds the server from now on.
    s.inbound_limit = std::min<size_t>(s.offer.record_size_limit - type_byte, tls::kMaxPlaintext);
  }
  if (mfl) {
    if (mfl->code != s.offer.max_fragment_length) return Status::ServerIllegalParameter;
    s.peer_record_limit = static_cast<uint16_t>(mfl->bytes());
    s.inbound_limit = mfl->bytes();
  }
  return {};
}

Result<HandshakeStep> handshake_server_bytes(TlsSession& s, ChipServices& chip, ByteView data) {
  if (!handshaking(s.state)) return Status::SessionState;
  HandshakeStep step;
  while (step.consumed < data.size()) {
    auto frame = tls::frame_record(data.subspan(step.consumed), tls::kMaxCiphertext13);
    if (!frame) return server_fault(frame.status());
    if (!frame->complete()) break;
    SETLS_TRY(on_record(s, chip, *frame, data.subspan(step.consumed, frame->size), step.output));
    step.consumed += frame->size;
    if (s.state == TlsState::WaitRetryHello) {
      step.progress = bus::HandshakeProgress::Retry;
      return step;
    }
    if (s.state == TlsState::Connected && s.version == tls::kTls12) {
      // The Finished records took sequence 0 of both keys (client_flight12.h).
      if (s.params.mode == bus::RecordMode::Chip) {
        s.app_read = std::move(s.hs_read);
        s.client_key_block.clear();
        s.server_key_block.clear();
      } else {
        s.app_write = tls::RecordProtection();  // the host seals with the keys TlsHandshake releases
      }
      s.drop_handshake_secrets();
      step.progress = bus::HandshakeProgress::Done;
      return step;
    }
    if (s.state == TlsState::Connected) {
      s.drop_handshake_secrets();
      if (s.params.mode == bus::RecordMode::Chip) {
        SETLS_TRY(install_keys(s.app_read, *s.suite, s.server_app.view()));
        SETLS_TRY(install_keys(s.app_write, *s.suite, s.client_app.view()));
      }
      step.progress = bus::HandshakeProgress::Done;
      return step;
    }
  }
  return step;
}

bus::TlsSummary handshake_summary(const TlsSession& s) {
  bus::TlsSummary out;
  out.version = s.version;
  if (s.version == tls::kTls12) out.flags |= bus::TlsSummary::kExtendedMasterSecret;  // always required
  out.suite = s.suite ? static_cast<uint16_t>(s.suite->id) : 0;
  out.group = s.group;
  if (s.client_authenticated) out.flags |= bus::TlsSummary::kClientAuthenticated;
  if (s.resumed) out.flags |= bus::TlsSummary::kResumed;
  if (s.cert_requested) out.flags |= bus::TlsSummary::kServerRequestedCert;
  out.alpn = s.alpn;
  out.peer_record_limit = s.peer_record_limit;
  out.chain_subjects = s.subjects;
  // TLS 1.2: the cache entry the server Finished made resumable (1.3 tickets come later).
  out.resume_id = s.stored_entry;
  out.session_ticket = s.stored_identity;
  if (s.stored_by_session_id) out.flags |= bus::TlsSummary::kSessionId;
  return out;
}

}  // namespace setls::chip
