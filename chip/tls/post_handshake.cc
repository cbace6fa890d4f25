#include "chip/tls/post_handshake.h"

#include "chip/tls/key_schedule13.h"
#include "chip/tls/record_keys.h"
#include "common/tls/extension_rules.h"

namespace setls::chip {

namespace {

constexpr uint32_t kMaxTicketLifetime = 7 * 24 * 3600;  // RFC 8446 §4.6.1

Result<PostHandshakeEvent> on_ticket(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m) {
  auto nst = tls::decode<tls::NewSessionTicket13>(m.body);
  if (!nst) return server_fault(nst.status());
  if (nst->lifetime > kMaxTicketLifetime) return Status::ServerIllegalParameter;
  if (!tls::check_extensions(tls::ExtensionContext::NewSessionTicket, nst->extensions, {}))
    return Status::ServerExtensionMisplaced;
  PostHandshakeEvent event;
  if (nst->lifetime == 0) return event;  // "discard immediately"

  TicketEntry entry;
  entry.version = tls::kTls13;
  entry.suite = static_cast<uint16_t>(s.suite->id);
  entry.server_name = ticket_name(s.params.name);
  entry.secret = tls13::resumption_psk(s.suite->hash, s.resumption_master.view(), nst->nonce);
  entry.ticket_hash = digest(HashAlg::Sha256, nst->ticket);
  entry.issued_ms = s.params.unix_time_ms;
  entry.lifetime_s = nst->lifetime;
  entry.age_add = nst->age_add;
  bus::TlsTicket ticket;
  ticket.id = chip.tickets().store(std::move(entry));
  ticket.lifetime = nst->lifetime;
  ticket.ticket.assign(nst->ticket.begin(), nst->ticket.end());
  event.ticket = std::move(ticket);
  return event;
}

Result<PostHandshakeEvent> on_key_update(TlsSession& s, const tls::HandshakeMessage& m) {
  auto ku = tls::decode<tls::KeyUpdate>(m.body);
  if (!ku) return server_fault(ku.status());
  advance_secret(*s.suite, s.server_app);
  PostHandshakeEvent event;
  event.server_key_updated = true;
  event.update_requested = ku->request_update == tls::KeyUpdate::kUpdateRequested;
  return event;
}

bool connected_in(const TlsSession& s, bus::RecordMode mode) {
  return s.state == TlsState::Connected && s.params.mode == mode;
}

}  // namespace

Result<PostHandshakeEvent> on_post_handshake(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m) {
  if (s.version == tls::kTls12) {
    // The only handshake message a TLS 1.2 server may send now is a
    // HelloRequest, and the chip never renegotiates (RFC 5746 §4.2 allows a
    // refusal; a fatal one leaves no half-renegotiated state to reason about).
    return m.type == tls::HandshakeType::HelloRequest ? Status::ServerRenegotiation : Status::ServerUnexpectedMessage;
  }
  switch (m.type) {
    case tls::HandshakeType::NewSessionTicket: return on_ticket(s, chip, m);
    case tls::HandshakeType::KeyUpdate: return on_key_update(s, m);
    default: return Status::ServerUnexpectedMessage;
  }
}

Result<bus::TlsPostHandshakeResponse> host_post_handshake(TlsSession& s, ChipServices& chip, ByteView message) {
  if (!connected_in(s, bus::RecordMode::Host)) return Status::SessionState;
  auto m = tls::parse_handshake(message);
  if (!m) return server_fault(m.status());
  SETLS_TRY_ASSIGN(PostHandshakeEvent event, on_post_handshake(s, chip, *m));
  bus::TlsPostHandshakeResponse out;
  out.ticket = std::move(event.ticket);
  if (event.server_key_updated) out.server_key = release_keys(*s.suite, s.server_app.view());
  if (event.update_requested) {
    out.message = key_update_message(false);
    advance_secret(*s.suite, s.client_app);
    out.client_key = release_keys(*s.suite, s.client_app.view());
  }
  return out;
}

Result<bus::TlsKeyUpdateResponse> host_key_update(TlsSession& s, bool request_peer_update) {
  if (!connected_in(s, bus::RecordMode::Host)) return Status::SessionState;
  bus::TlsKeyUpdateResponse out;
  out.message_or_record = key_update_message(request_peer_update);
  advance_secret(*s.suite, s.client_app);
  out.client_key = release_keys(*s.suite, s.client_app.view());
  return out;
}

}  // namespace setls::chip
