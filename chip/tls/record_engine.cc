#include "chip/tls/record_engine.h"

#include <algorithm>

#include "chip/tls/post_handshake.h"
#include "chip/tls/record_keys.h"
#include "common/bus/frame.h"
#include "common/tls/record.h"

namespace setls::chip {

namespace {

// A response carries at most this many tickets; a server flooding tickets
// gets the rest ignored (a client may ignore tickets, RFC 8446 §4.6.1).
constexpr size_t kMaxTicketsPerAnswer = 16;
// Overhead of one TLS 1.3 record: header, inner content type, AEAD tag.
constexpr size_t kRecordOverhead = tls::kRecordHeaderSize + 1 + 16;
constexpr uint8_t kUserCanceled = 90;

Outcome check_chip_connected(const TlsSession& s) {
  if (s.params.mode != bus::RecordMode::Chip) return Status::SessionState;
  if (s.state != TlsState::Connected) return Status::HandshakeIncomplete;
  return {};
}

// Our KeyUpdate, sealed under the current key; then the next key.
Outcome update_write_key(TlsSession& s, bool request_peer_update, Bytes& out) {
  SETLS_TRY(s.app_write.seal(tls::ContentType::Handshake, key_update_message(request_peer_update), out));
  advance_secret(*s.suite, s.client_app);
  SETLS_TRY(install_keys(s.app_write, *s.suite, s.client_app.view()));
  s.records_since_update = 0;
  return {};
}

bool key_worn(const TlsSession& s, uint64_t rekey_records) {
  // Two records left: this one, and the KeyUpdate itself.
  return s.app_write.remaining() <= 2 || (rekey_records != 0 && s.records_since_update >= rekey_records);
}

Outcome on_server_handshake(TlsSession& s, ChipServices& chip, ByteView fragment, bus::TlsRecordInResponse& out) {
  Outcome fed = s.assembler.feed(fragment);
  if (!fed) return server_fault(fed.status());
  while (auto m = s.assembler.next()) {
    SETLS_TRY_ASSIGN(PostHandshakeEvent event, on_post_handshake(s, chip, *m));
    if (event.ticket && out.tickets.size() < kMaxTicketsPerAnswer) out.tickets.push_back(std::move(*event.ticket));
    if (!event.server_key_updated) continue;
    // KeyUpdate changes the server's key: it must end its record (§5.1).
    if (!s.assembler.empty()) return Status::ServerKeyChangeStraddle;
    SETLS_TRY(install_keys(s.app_read, *s.suite, s.server_app.view()));
    if (event.update_requested && !s.write_closed) SETLS_TRY(update_write_key(s, false, out.output));
  }
  return {};
}

// One protected record from the server.
Outcome on_record(TlsSession& s, ChipServices& chip, ByteView record, bus::TlsRecordInResponse& out) {
  SecretBytes copy;  // application plaintext: wiped on every path
  std::span<uint8_t> buf = copy.reset(record.size());
  std::copy(record.begin(), record.end(), buf.begin());
  auto opened = s.app_read.open(buf);
  if (!opened) return server_fault(opened.status());
  if (opened->plaintext.size() > s.inbound_limit) return Status::ServerRecordOverflow;
  switch (opened->type) {
    case tls::ContentType::ApplicationData:
      // Handshake messages may not be interleaved with other records (§5.1).
      if (s.assembler.partial_pending()) return Status::ServerUnexpectedMessage;
      append(out.application_data, opened->plaintext);
      break;
    case tls::ContentType::Handshake: SETLS_TRY(on_server_handshake(s, chip, opened->plaintext, out)); break;
    case tls::ContentType::Alert: {
      auto alert = tls::decode<tls::Alert>(opened->plaintext);
      if (!alert) return server_fault(alert.status());
      if (alert->description == kUserCanceled) break;  // a close_notify follows
      out.alert = alert->description;
      if (alert->description == static_cast<uint8_t>(tls::AlertDescription::CloseNotify)) s.peer_closed = true;
      else s.fatal = true;  // every other alert is fatal in TLS 1.3 (§6), and in 1.2 for us
      break;
    }
    default: return Status::ServerUnexpectedMessage;
  }
  return {};
}

}  // namespace

Result<bus::TlsRecordInResponse> chip_records_in(TlsSession& s, ChipServices& chip, ByteView data) {
  SETLS_TRY(check_chip_connected(s));
  bus::TlsRecordInResponse out;
  size_t consumed = 0;
  while (consumed < data.size() && !s.peer_closed && !s.fatal) {
    auto frame = tls::frame_record(data.subspan(consumed), tls::kMaxCiphertext13);
    if (!frame) return server_fault(frame.status());
    if (!frame->complete()) break;
    // Everything after the handshake is protected; change_cipher_spec is
    // over. TLS 1.2 records keep their real content type outside.
    bool tls12_type = s.version == tls::kTls12 && (frame->header.type == tls::ContentType::Alert ||
                                                    frame->header.type == tls::ContentType::Handshake);
    if (frame->header.type != tls::ContentType::ApplicationData && !tls12_type)
      return Status::ServerUnexpectedMessage;
    SETLS_TRY(on_record(s, chip, data.subspan(consumed, frame->size), out));
    consumed += frame->size;
  }
  out.consumed = static_cast<uint32_t>(consumed);
  return out;
}

Result<Bytes> chip_seal(TlsSession& s, uint8_t content_type, ByteView plaintext, uint64_t rekey_records) {
  SETLS_TRY(check_chip_connected(s));
  if (s.write_closed) return Status::SessionState;
  auto type = static_cast<tls::ContentType>(content_type);
  if (type == tls::ContentType::Alert) {
    if (!tls::decode<tls::Alert>(plaintext)) return Status::BadArgument;
  } else if (type != tls::ContentType::ApplicationData) {
    return Status::BadArgument;  // handshake messages are the chip's to make
  }
  size_t limit = s.outbound_limit();
  size_t records = (plaintext.size() + limit - 1) / limit;
  // Two KeyUpdate records at most could join them; the answer must fit one transfer.
  size_t overhead = std::max(kRecordOverhead, s.app_write.overhead());
  if (plaintext.size() + (records + 2) * overhead > bus::kMaxTransfer) return Status::BadArgument;

  Bytes out;
  ByteView rest = plaintext;
  while (!rest.empty()) {
    // TLS 1.2 cannot replace a key (no KeyUpdate, no renegotiation): seal()
    // refuses once the AEAD limit is reached.
    if (s.version == tls::kTls13 && key_worn(s, rekey_records)) SETLS_TRY(update_write_key(s, false, out));
    size_t n = std::min(rest.size(), limit);
    SETLS_TRY(s.app_write.seal(type, rest.first(n), out));
    ++s.records_since_update;
    rest = rest.subspan(n);
  }
  if (type == tls::ContentType::Alert) s.write_closed = true;
  return out;
}

Result<bus::TlsKeyUpdateResponse> chip_key_update(TlsSession& s, bool request_peer_update) {
  SETLS_TRY(check_chip_connected(s));
  if (s.version != tls::kTls13) return Status::SessionState;
  if (s.write_closed) return Status::SessionState;
  bus::TlsKeyUpdateResponse out;
  SETLS_TRY(update_write_key(s, request_peer_update, out.message_or_record));
  return out;
}

}  // namespace setls::chip
