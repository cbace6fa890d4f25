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
// How long the chip keeps a TLS 1.2 session for resumption: RFC 5246 §F.1.4
// suggests at most 24 hours; a ticket's shorter lifetime hint wins.
constexpr uint32_t kMaxSessionLifetime12 = 24 * 3600;

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

// RFC 5077 §3.3: after our flight (or the resumed ServerHello), before the
// server's change_cipher_spec, and only if the ServerHello promised it. It
// is part of the transcript; its ticket is kept only once Finished verified.
Outcome on_new_session_ticket12(TlsSession& s, const tls::HandshakeMessage& m) {
  SETLS_TRY_ASSIGN(auto nst, server_message<tls::NewSessionTicket12>(m));
  s.new_ticket.assign(nst.ticket.begin(), nst.ticket.end());
  s.ticket_lifetime_hint = nst.lifetime_hint;
  s.ticket_received = true;
  s.transcript.add(m.raw);
  return {};
}

// The session the server Finished just proved becomes a cache entry: by
// its new ticket, else by its session id, else — resumed by a ticket and
// given no new one — by the same ticket, which RFC 5077 §3.4 lets the
// client use again (until its original lifetime ends; the summary's ticket
// is then empty: the host presents the one it just sent). The host gets
// the id and what to present; the master secret stays here (TicketEntry).
void store_session12(TlsSession& s, ChipServices& chip) {
  TicketEntry entry;
  entry.issued_ms = s.params.unix_time_ms;
  if (!s.new_ticket.empty()) {
    entry.lifetime_s = s.ticket_lifetime_hint == 0 ? kMaxSessionLifetime12
                                                   : std::min(s.ticket_lifetime_hint, kMaxSessionLifetime12);
    s.stored_identity = std::move(s.new_ticket);
    entry.ticket_hash = digest(HashAlg::Sha256, s.stored_identity);
  } else if (!s.server_session_id.empty()) {
    entry.lifetime_s = kMaxSessionLifetime12;
    entry.session_id = true;
    s.stored_identity = std::move(s.server_session_id);
    entry.ticket_hash = digest(HashAlg::Sha256, s.stored_identity);
  } else if (s.resumed_ticket && !s.ticket_expected) {
    entry.ticket_hash = s.resumed_ticket->ticket_hash;
    entry.issued_ms = s.resumed_ticket->issued_ms;
    entry.lifetime_s = s.resumed_ticket->lifetime_s;
  } else {
    return;  // the server offered no way back (or an empty ticket: "none after all")
  }
  entry.version = tls::kTls12;
  entry.suite = static_cast<uint16_t>(s.suite->id);
  entry.server_name = ticket_name(s.params.name);
  entry.secret = s.master12.clone();
  entry.extended_master_secret = true;  // the only kind the chip runs
  s.stored_by_session_id = entry.session_id;
  s.stored_entry = chip.tickets().store(std::move(entry));
}

Outcome on_server_finished12(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out) {
  SETLS_TRY_ASSIGN(auto fin, server_message<tls::Finished>(m));
  Digest th = s.transcript.current(s.suite->hash);
  Secret expected = tls12::finished_verify_data(s.suite->hash, s.master12.view(), /*server=*/true, th.view());
  if (!ct_equal(fin.verify_data, expected.view())) return Status::FinishedInvalid;
  s.transcript.add(m.raw);
  // Abbreviated handshake (RFC 5246 §7.3): the server finished first; ours follows.
  if (s.resumed) SETLS_TRY(send_resumed_finished12(s, out));
  store_session12(s, chip);
  s.state = TlsState::Connected;
  return {};
}

// RFC 5246 §7.4.1.3 and RFC 5077 §3.4: the server resumes by echoing the
// session id we sent (the server's own, or the random one beside a
// ticket). Keys come from the stored master secret and the new randoms;
// the server's NewSessionTicket (if promised), change_cipher_spec and
// Finished come next, and no certificate: the original handshake
// authenticated the server, and the entry is bound to its name.
Outcome resume_session12(TlsSession& s, const tls::SuiteInfo& suite) {
  s.resumed = true;
  s.master12 = std::move(s.resume12->master);
  if (!s.resume12->by_session_id) s.resumed_ticket = std::move(s.resume12);
  s.resume12.reset();
  tls12::KeyBlock keys = tls12::key_block(suite, s.master12.view(), s.offer.random, s.server_random);
  SETLS_TRY(install_keys12(s.hs_read, suite, keys.server.view(), 0));
  SETLS_TRY(install_keys12(s.app_write, suite, keys.client.view(), 0));
  s.client_key_block = std::move(keys.client);
  s.server_key_block = std::move(keys.server);
  s.state = TlsState::WaitChangeCipherSpec12;
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
  ByteView sent = s.offer.session_id_bytes();
  bool echoed = std::equal(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end(), sent.begin(), sent.end());
  // Without a session to resume our session id is fresh random: a server
  // that "resumes" it is lying.
  if (echoed && !s.resume12) return Status::ServerSessionIdMismatch;
  if (echoed) {
    // The session's own suite (RFC 5246 §7.4.1.3), and an EMS session only
    // with EMS again (RFC 7627 §5.3: abort, never fall back).
    if (sh.cipher_suite != s.resume12->suite) return Error{Status::ServerResumptionSuite, sh.cipher_suite};
    if (!sh.extensions.contains(tls::ExtensionType::ExtendedMasterSecret))
      return Status::ServerResumptionWithoutEms;
  }
  SETLS_TRY(check_hello12_extensions(s, sh));
  SETLS_TRY_ASSIGN(auto ticket_ext, server_extension<tls::SessionTicket>(sh.extensions));
  if (ticket_ext && !ticket_ext->ticket.empty()) return Status::ServerIllegalParameter;  // RFC 5077 §3.2: empty

  s.version = tls::kTls12;
  SETLS_TRY(apply_record_limits(s, sh.extensions));
  s.transcript.add(m.raw);  // both hashes keep running (Transcript::current(alg))
  s.suite = suite;
  s.server_random = sh.random;
  s.shares.clear();  // TLS 1.3 key shares and PSK are of no use now
  s.psk.reset();
  s.ticket_expected = ticket_ext.has_value();
  // A ticket resumption echoes our random id: that is no session id of the server's.
  if (!(echoed && !s.resume12->by_session_id))
    s.server_session_id.assign(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end());
  if (echoed) return resume_session12(s, *suite);
  s.resume12.reset();  // the server chose a full handshake: the old session is not used
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
    case TlsState::WaitChangeCipherSpec12:
      if (m.type != HandshakeType::NewSessionTicket || !s.ticket_expected || s.ticket_received) break;
      return on_new_session_ticket12(s, m);
    case TlsState::WaitFinished12:
      if (m.type != HandshakeType::Finished) break;
      return on_server_finished12(s, chip, m, out);
    default: break;
  }
  // A HelloRequest during the handshake is ignored by RFC 5246 §7.4.1.1;
  // the chip, which never renegotiates, refuses it like anything unexpected.
  return m.type == HandshakeType::HelloRequest ? Status::ServerRenegotiation : Status::ServerUnexpectedMessage;
}

Outcome on_record12(TlsSession& s, ChipServices& chip, const tls::RecordFrame& f, ByteView record, Bytes& out) {
  if (f.header.type == tls::ContentType::ChangeCipherSpec) {
    // Once, after our flight (or the resumed ServerHello) and the promised
    // NewSessionTicket, and not inside a handshake message.
    if (s.state != TlsState::WaitChangeCipherSpec12 || f.fragment.size() != 1 || f.fragment[0] != 1 ||
        !s.assembler.empty() || s.ticket_expected != s.ticket_received)
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
