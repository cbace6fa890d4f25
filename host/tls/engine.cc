#include "host/tls/engine.h"

#include <algorithm>
#include <chrono>

#include "common/secure/secret.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "host/io/address.h"

namespace setls::host {

using namespace setls::tls;

namespace {

// A chip call carries at most 64 KiB; server flights are sent in pieces of
// whole records that stay well under it.
constexpr size_t kMaxRecordsPerCall = 48 * 1024;
// Plaintext handed to the chip per TlsSeal call (it splits into records).
constexpr size_t kMaxSealPerCall = 32 * 1024;
// A TLS 1.2 session's lifetime is the chip's to enforce (at most 24 h,
// docs/chip-tls.md); the host only stops offering it after that.
constexpr uint32_t kSessionLifetime12 = 24 * 3600;

Status alert_status(uint8_t description) {
  return description == static_cast<uint8_t>(AlertDescription::CloseNotify) ? Status::TlsClosed
                                                                             : Status::TlsPeerAlert;
}

void append_record(Bytes& out, ContentType type, uint16_t version, ByteView fragment) {
  Writer w(out);
  write_record_header(w, RecordHeader{type, version, static_cast<uint16_t>(fragment.size())});
  w.bytes(fragment);
}

Outcome init_key(RecordProtection& rp, const bus::TlsSummary& summary, bus::TrafficKey& key) {
  const SuiteInfo* suite = find_suite(summary.suite);
  if (suite == nullptr) return Status::TlsHandshakeFailure;
  Outcome o = rp.init(summary.version, *suite, key.key, key.iv, key.sequence);
  wipe(key.key);
  wipe(key.iv);
  return o;
}

}  // namespace

uint64_t ClientConfig::now_ms() const {
  if (clock_ms) return clock_ms();
  using namespace std::chrono;
  return static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

const char* state_name(ClientEngine::State s) {
  switch (s) {
    case ClientEngine::State::Idle: return "idle";
    case ClientEngine::State::Handshaking: return "handshaking";
    case ClientEngine::State::Established: return "established";
    case ClientEngine::State::Closed: return "closed";
    case ClientEngine::State::Failed: return "failed";
  }
  return "unknown";
}

ClientEngine::ClientEngine(ChipDriver& chip, ClientConfig config) : chip_(chip), config_(std::move(config)) {}

ClientEngine::~ClientEngine() { end_session(); }

void ClientEngine::end_session() {
  if (session_open_) {
    (void)chip_.tls_end(handle_);  // the chip also wipes it when the link drops
    ++chip_calls_;
    session_open_ = false;
  }
}

namespace {
// The alert that tells the server why we stop (RFC 8446 §6.2).
std::optional<AlertDescription> alert_for(Status s) {
  switch (s) {
    case Status::TlsBadRecordMac: return AlertDescription::BadRecordMac;
    case Status::TlsRecordOverflow: return AlertDescription::RecordOverflow;
    case Status::TlsDecode: return AlertDescription::DecodeError;
    case Status::TlsUnexpectedMessage: return AlertDescription::UnexpectedMessage;
    case Status::TlsIllegalParameter: return AlertDescription::IllegalParameter;
    case Status::TlsPeerAlert:
    case Status::TlsClosed: return std::nullopt;  // the peer already knows
    default: return AlertDescription::InternalError;
  }
}
}  // namespace

Outcome ClientEngine::fail(const Error& e) {
  if (state_ != State::Failed) {
    // Once keys are on the host we can still say why; in chip record mode
    // the chip ended the session with the error, and the connection just closes.
    auto alert = alert_for(e.status);
    if (alert && write_.ready() && !send_closed_ && (state_ == State::Established || state_ == State::Closed)) {
      const uint8_t body[] = {static_cast<uint8_t>(AlertLevel::Fatal), static_cast<uint8_t>(*alert)};
      (void)write_.seal(ContentType::Alert, body, output_);
    }
    error_ = e;
    state_ = State::Failed;
  }
  end_session();
  return e;
}

ClientEngine::Want ClientEngine::want() const {
  if (!output_.empty()) return Want::Send;
  if (!app_in_.empty()) return Want::Read;
  if (state_ == State::Handshaking || (state_ == State::Established && !peer_closed_)) return Want::Receive;
  return Want::Nothing;
}

Result<HelloOffer> ClientEngine::offer(std::vector<uint16_t> share_groups, ByteView cookie) const {
  HelloOffer o;
  o.versions = config_.versions.empty() ? std::vector<uint16_t>{kTls13, kTls12} : config_.versions;
  bool tls12 = std::find(o.versions.begin(), o.versions.end(), kTls12) != o.versions.end();
  bool tls13 = std::find(o.versions.begin(), o.versions.end(), kTls13) != o.versions.end();
  if (config_.suites.empty()) {
    if (tls13) o.suites.assign(default_suites13().begin(), default_suites13().end());
    if (tls12) o.suites.insert(o.suites.end(), default_suites12().begin(), default_suites12().end());
  } else {
    o.suites = config_.suites;
  }
  if (config_.groups.empty()) {
    auto d = default_groups();
    o.groups.assign(d.begin(), d.end());
  } else {
    o.groups = config_.groups;
  }
  o.share_groups = share_groups.empty() ? std::vector<uint16_t>{o.groups.front()} : std::move(share_groups);
  // SNI carries DNS names only (RFC 6066 §3); the chip knows the IP either way.
  if (!parse_ip_address(config_.server_name)) o.server_name = config_.server_name;
  o.alpn = config_.alpn;
  if (config_.receive_buffer < RecordSizeLimit::kMin || config_.receive_buffer > kMaxPlaintext)
    return Status::BadArgument;
  // RFC 8449 §4: in TLS 1.3 the limit counts the inner content type byte,
  // in TLS 1.2 it does not; one value serves both when both are offered.
  if (config_.receive_buffer < kMaxPlaintext)
    o.record_size_limit = static_cast<uint16_t>(config_.receive_buffer + (tls12 ? 0 : 1));
  // For TLS 1.2 servers without record_size_limit (OpenSSL 3.0): the largest
  // max_fragment_length that fits the buffer (RFC 6066 §4: 512..4096).
  for (uint8_t code = 4; tls12 && code >= 1 && config_.receive_buffer < kMaxPlaintext; --code) {
    if ((size_t{1} << (8 + code)) <= config_.receive_buffer) {
      o.max_fragment_length = code;
      break;
    }
  }
  o.cookie.assign(cookie.begin(), cookie.end());
  if (resuming_ && config_.resume->version == kTls12) {
    (config_.resume->session_id ? o.session_id12 : o.session_ticket12) = config_.resume->ticket;
  } else if (resuming_) {
    const ResumptionTicket& t = *config_.resume;
    const SuiteInfo* suite = find_suite(t.suite);
    if (suite == nullptr) return Status::BadArgument;
    o.ticket = t.ticket;
    o.ticket_hash = suite->hash;
  }
  return o;
}

void ClientEngine::queue_plaintext_handshake(ByteView message) {
  // The first ClientHello record says TLS 1.0 for old middleboxes (RFC 8446 §5.1).
  for (size_t at = 0; at < message.size(); at += kMaxPlaintext) {
    size_t n = std::min(kMaxPlaintext, message.size() - at);
    append_record(output_, ContentType::Handshake, kTls10, message.subspan(at, n));
  }
}

Outcome ClientEngine::start() {
  if (state_ != State::Idle) return Status::TlsWrongState;
  if (config_.server_name.empty()) return fail(Error{Status::BadServerName, 0});
  uint64_t now = config_.now_ms();
  bool version_offered = config_.versions.empty() ||
                         std::find(config_.versions.begin(), config_.versions.end(),
                                   config_.resume ? config_.resume->version : 0) != config_.versions.end();
  resuming_ = config_.resume && config_.resume->server_name == config_.server_name &&
              !config_.resume->expired(now) && version_offered;

  auto hello_offer = offer({}, {});
  if (!hello_offer) return fail(hello_offer.error());
  auto hello = client_hello_template(*hello_offer);
  if (!hello) return fail(hello.error());

  bus::TlsStartRequest request;
  request.mode = config_.record_mode;
  request.unix_time_ms = now;
  request.resume_id = resuming_ ? config_.resume->chip_entry : 0;
  request.client_hello = std::move(*hello);
  bool is_ip = hello_offer->server_name.empty();
  request.name_kind = is_ip ? bus::NameKind::Ip : bus::NameKind::Dns;
  if (is_ip) {
    auto ip = parse_ip_address(config_.server_name);
    if (!ip) return fail(Error{Status::BadServerName, 0});
    request.name.assign(ip->begin(), ip->end());
  } else {
    request.name = config_.server_name;
  }

  ++chip_calls_;
  auto started = chip_.tls_start(request);
  if (!started) return fail(started.error());
  handle_ = started->handle;
  session_open_ = true;
  state_ = State::Handshaking;
  queue_plaintext_handshake(started->client_hello);
  return {};
}

Outcome ClientEngine::receive(ByteView data) {
  if (state_ == State::Failed) return error_;
  if (state_ == State::Idle) return Status::TlsWrongState;
  if (state_ == State::Closed && peer_closed_) return Status::TlsClosed;
  input_.insert(input_.end(), data.begin(), data.end());

  Outcome o;
  if (state_ == State::Handshaking) o = handshake_step();
  if (o && (state_ == State::Established || state_ == State::Closed) && input_pos_ < input_.size())
    o = config_.record_mode == bus::RecordMode::Host ? records_host_mode() : records_chip_mode();

  // Drop what was consumed; keep a partial record for the next read.
  input_.erase(input_.begin(), input_.begin() + static_cast<long>(input_pos_));
  input_pos_ = 0;
  return o;
}

void ClientEngine::receive_eof() {
  if (state_ == State::Handshaking) {
    (void)fail(Error{Status::TlsHandshakeFailure, 0});
  } else if (state_ == State::Established || state_ == State::Closed) {
    // A TCP close without close_notify may be a truncation attack: tell the
    // application rather than pretend the stream ended cleanly.
    if (!peer_closed_) (void)fail(Error{Status::TlsClosed, 1});
  }
}

Result<size_t> ClientEngine::complete_records(size_t max_bytes) const {
  size_t at = input_pos_;
  while (at < input_.size()) {
    auto frame = frame_record(ByteView(input_).subspan(at), kMaxCiphertext13);
    if (!frame) return frame.error();
    if (!frame->complete()) break;
    if (at - input_pos_ + frame->size > max_bytes && at > input_pos_) break;
    at += frame->size;
  }
  return at - input_pos_;
}

Outcome ClientEngine::handshake_step() {
  while (state_ == State::Handshaking) {
    auto whole = complete_records(kMaxRecordsPerCall);
    if (!whole) return fail(whole.error());
    if (*whole == 0) return {};  // wait for the rest of a record

    ++chip_calls_;
    auto answer = chip_.tls_handshake(handle_, ByteView(input_).subspan(input_pos_, *whole));
    if (!answer) {
      session_open_ = false;  // the chip ended the session on its error
      return fail(answer.error());
    }
    if (answer->consumed > *whole) return fail(Error{Status::MalformedPayload, 0});
    input_pos_ += answer->consumed;
    output_.insert(output_.end(), answer->output.begin(), answer->output.end());

    switch (answer->progress) {
      case bus::HandshakeProgress::NeedMore:
        if (answer->consumed == 0) return {};
        break;
      case bus::HandshakeProgress::Retry:
        SETLS_TRY(retry(*answer));
        break;
      case bus::HandshakeProgress::Done:
        return establish(*answer);
    }
  }
  return {};
}

Outcome ClientEngine::retry(const bus::TlsHandshakeResponse& hrr) {
  auto hello_offer = offer({hrr.retry_group}, hrr.retry_cookie);
  if (!hello_offer) return fail(hello_offer.error());
  auto hello = client_hello_template(*hello_offer);
  if (!hello) return fail(hello.error());
  ++chip_calls_;
  auto second = chip_.tls_retry(handle_, *hello);
  if (!second) {
    session_open_ = false;
    return fail(second.error());
  }
  // RFC 8446 §D.4: the compatibility change_cipher_spec goes before the
  // second ClientHello.
  static constexpr uint8_t kCcs[] = {1};
  append_record(output_, ContentType::ChangeCipherSpec, kTls12, kCcs);
  for (size_t at = 0; at < second->size(); at += kMaxPlaintext) {
    size_t n = std::min(kMaxPlaintext, second->size() - at);
    append_record(output_, ContentType::Handshake, kTls12, ByteView(*second).subspan(at, n));
  }
  return {};
}

Outcome ClientEngine::establish(bus::TlsHandshakeResponse& done) {
  if (!done.summary) return fail(Error{Status::MalformedPayload, 0});
  summary_ = std::move(*done.summary);
  // TLS 1.2: the session is resumable once the server Finished verified.
  // No ticket named: the server kept the one we resumed with (RFC 5077 §3.4).
  if (summary_.resume_id != 0 && !summary_.session_ticket.empty()) {
    tickets_.push_back(ResumptionTicket{summary_.resume_id, summary_.suite, config_.server_name,
                                        summary_.session_ticket, kSessionLifetime12, config_.now_ms(), kTls12,
                                        (summary_.flags & bus::TlsSummary::kSessionId) != 0});
  } else if (summary_.resume_id != 0 && resuming_ && config_.resume->version == kTls12 &&
             (summary_.flags & bus::TlsSummary::kResumed) != 0) {
    ResumptionTicket again = *config_.resume;
    again.chip_entry = summary_.resume_id;
    tickets_.push_back(std::move(again));
  }
  if (config_.record_mode == bus::RecordMode::Host) {
    if (!done.client_key || !done.server_key) return fail(Error{Status::MalformedPayload, 0});
    Outcome w = init_key(write_, summary_, *done.client_key);
    Outcome r = init_key(read_, summary_, *done.server_key);
    if (!w) return fail(w.error());
    if (!r) return fail(r.error());
  }
  state_ = State::Established;
  return {};
}

// ---- host record mode ----

Outcome ClientEngine::records_host_mode() {
  while (input_pos_ < input_.size() && state_ != State::Failed && !peer_closed_) {
    auto frame = frame_record(ByteView(input_).subspan(input_pos_), kMaxCiphertext13);
    if (!frame) return fail(frame.error());
    if (!frame->complete()) return {};
    // No plaintext records after the handshake; TLS 1.2 shows the real type outside.
    bool tls12_type = summary_.version == kTls12 &&
                      (frame->header.type == ContentType::Alert || frame->header.type == ContentType::Handshake);
    if (frame->header.type != ContentType::ApplicationData && !tls12_type)
      return fail(Error{Status::TlsUnexpectedMessage, static_cast<uint32_t>(frame->header.type)});

    std::span<uint8_t> record(input_.data() + input_pos_, frame->size);
    auto opened = read_.open(record);
    if (!opened) return fail(opened.error());
    input_pos_ += frame->size;
    if (opened->plaintext.size() > config_.receive_buffer)
      return fail(Error{Status::TlsRecordOverflow, static_cast<uint32_t>(opened->plaintext.size())});

    switch (opened->type) {
      case ContentType::ApplicationData:
        app_in_.insert(app_in_.end(), opened->plaintext.begin(), opened->plaintext.end());
        break;
      case ContentType::Handshake: {
        Outcome fed = post_handshake_.feed(opened->plaintext);
        if (!fed) return fail(fed.error());
        while (auto m = post_handshake_.next()) SETLS_TRY(post_handshake_message(*m));
        break;
      }
      case ContentType::Alert:
        SETLS_TRY(take_alert(opened->plaintext));
        break;
      default:
        return fail(Error{Status::TlsUnexpectedMessage, static_cast<uint32_t>(opened->type)});
    }
    wipe(record.data(), record.size());  // plaintext was decrypted in place
  }
  return {};
}

Outcome ClientEngine::post_handshake_message(const HandshakeMessage& m) {
  // TLS 1.2: a HelloRequest is all a server may send now, and it is refused.
  if (summary_.version == kTls12)
    return fail(Error{m.type == HandshakeType::HelloRequest ? Status::ServerRenegotiation : Status::TlsUnexpectedMessage,
                      static_cast<uint32_t>(m.type)});
  if (m.type != HandshakeType::NewSessionTicket && m.type != HandshakeType::KeyUpdate)
    return fail(Error{Status::TlsUnexpectedMessage, static_cast<uint32_t>(m.type)});
  // A KeyUpdate changes keys: it must end its record (RFC 8446 §5.1).
  if (m.type == HandshakeType::KeyUpdate && !post_handshake_.empty())
    return fail(Error{Status::TlsUnexpectedMessage, static_cast<uint32_t>(m.type)});
  ++chip_calls_;
  auto answer = chip_.tls_post_handshake(handle_, m.raw);
  if (!answer) {
    session_open_ = false;
    return fail(answer.error());
  }
  if (answer->ticket) {
    tickets_.push_back(ResumptionTicket{answer->ticket->id, summary_.suite, config_.server_name,
                                        std::move(answer->ticket->ticket), answer->ticket->lifetime,
                                        config_.now_ms()});
  }
  if (answer->server_key) SETLS_TRY(init_key(read_, summary_, *answer->server_key));
  if (answer->client_key && !send_closed_) {
    // Our KeyUpdate goes out under the old key; everything after under the new.
    // (After our close_notify nothing more is sent: RFC 8446 §4.6.3 asks for
    // it only before our next application data, which never comes.)
    SETLS_TRY(seal_host(ContentType::Handshake, answer->message));
    SETLS_TRY(init_key(write_, summary_, *answer->client_key));
  }
  return {};
}

Outcome ClientEngine::take_alert(ByteView fragment) {
  auto alert = decode<Alert>(fragment);
  if (!alert) return fail(alert.error());
  if (alert->description == static_cast<uint8_t>(AlertDescription::CloseNotify)) {
    peer_closed_ = true;
    if (state_ == State::Established) state_ = State::Closed;
    return {};
  }
  // RFC 8446 §6: every other alert ends the connection, whatever its level.
  return fail(Error{alert_status(alert->description), alert->description});
}

size_t ClientEngine::send_fragment_limit() const {
  size_t limit = summary_.peer_record_limit ? summary_.peer_record_limit : kMaxPlaintext;
  return std::min(limit, kMaxPlaintext);
}

Outcome ClientEngine::rotate_client_key() {
  // TLS 1.2 cannot replace a key: the connection ends at the AEAD limit.
  if (summary_.version != kTls13) return fail(Error{Status::TlsRecordOverflow, 0});
  ++chip_calls_;
  auto update = chip_.tls_key_update(handle_, false);
  if (!update) {
    session_open_ = false;
    return fail(update.error());
  }
  if (!update->client_key) return fail(Error{Status::MalformedPayload, 0});
  // The KeyUpdate message itself still goes under the old key.
  if (write_.remaining() == 0) return fail(Error{Status::Internal, 0});
  Bytes record;
  SETLS_TRY(write_.seal(ContentType::Handshake, update->message_or_record, record));
  output_.insert(output_.end(), record.begin(), record.end());
  return init_key(write_, summary_, *update->client_key);
}

Outcome ClientEngine::seal_host(ContentType type, ByteView plaintext) {
  size_t limit = send_fragment_limit();
  size_t at = 0;
  do {
    // Keep one record in reserve for the KeyUpdate that replaces the key.
    if (write_.remaining() <= 1) SETLS_TRY(rotate_client_key());
    size_t n = std::min(limit, plaintext.size() - at);
    Outcome sealed = write_.seal(type, plaintext.subspan(at, n), output_);
    if (!sealed) return fail(sealed.error());
    at += n;
  } while (at < plaintext.size());
  return {};
}

// ---- chip record mode ----

Outcome ClientEngine::records_chip_mode() {
  while (input_pos_ < input_.size() && state_ != State::Failed && !peer_closed_) {
    auto whole = complete_records(kMaxRecordsPerCall);
    if (!whole) return fail(whole.error());
    if (*whole == 0) return {};
    ++chip_calls_;
    auto answer = chip_.tls_record_in(handle_, ByteView(input_).subspan(input_pos_, *whole));
    if (!answer) {
      session_open_ = false;
      return fail(answer.error());
    }
    if (answer->consumed > *whole) return fail(Error{Status::MalformedPayload, 0});
    input_pos_ += answer->consumed;
    app_in_.insert(app_in_.end(), answer->application_data.begin(), answer->application_data.end());
    wipe(answer->application_data);
    output_.insert(output_.end(), answer->output.begin(), answer->output.end());
    for (auto& t : answer->tickets)
      tickets_.push_back(ResumptionTicket{t.id, summary_.suite, config_.server_name, std::move(t.ticket),
                                          t.lifetime, config_.now_ms()});
    if (answer->alert == static_cast<uint8_t>(AlertDescription::CloseNotify)) {
      peer_closed_ = true;
      if (state_ == State::Established) state_ = State::Closed;
    } else if (answer->alert != 0xFF) {
      session_open_ = false;
      return fail(Error{Status::TlsPeerAlert, answer->alert});
    }
    if (answer->consumed == 0) return {};
  }
  return {};
}

// ---- application side ----

Outcome ClientEngine::send(ByteView plaintext) {
  if (state_ == State::Failed) return error_;
  if (!may_send()) return send_closed_ ? Status::TlsClosed : Status::TlsWrongState;
  if (config_.record_mode == bus::RecordMode::Host) return seal_host(ContentType::ApplicationData, plaintext);
  size_t at = 0;
  do {
    size_t n = std::min(kMaxSealPerCall, plaintext.size() - at);
    ++chip_calls_;
    auto sealed = chip_.tls_seal(handle_, plaintext.subspan(at, n));
    if (!sealed) {
      session_open_ = false;
      return fail(sealed.error());
    }
    output_.insert(output_.end(), sealed->begin(), sealed->end());
    at += n;
  } while (at < plaintext.size());
  return {};
}

Outcome ClientEngine::key_update(bool request_peer_update) {
  if (state_ != State::Established || send_closed_ || summary_.version != kTls13) return Status::TlsWrongState;
  ++chip_calls_;
  auto update = chip_.tls_key_update(handle_, request_peer_update);
  if (!update) {
    session_open_ = false;
    return fail(update.error());
  }
  if (config_.record_mode == bus::RecordMode::Chip) {
    output_.insert(output_.end(), update->message_or_record.begin(), update->message_or_record.end());
    return {};
  }
  if (!update->client_key) return fail(Error{Status::MalformedPayload, 0});
  Bytes record;
  Outcome sealed = write_.seal(ContentType::Handshake, update->message_or_record, record);
  if (!sealed) return fail(sealed.error());
  output_.insert(output_.end(), record.begin(), record.end());
  return init_key(write_, summary_, *update->client_key);
}

Outcome ClientEngine::queue_close_notify() {
  static constexpr uint8_t kCloseNotify[] = {static_cast<uint8_t>(AlertLevel::Warning),
                                             static_cast<uint8_t>(AlertDescription::CloseNotify)};
  if (config_.record_mode == bus::RecordMode::Host) {
    Outcome o = write_.seal(ContentType::Alert, kCloseNotify, output_);
    if (!o) return fail(o.error());
  } else {
    ++chip_calls_;
    auto sealed = chip_.tls_seal(handle_, kCloseNotify, static_cast<uint8_t>(ContentType::Alert));
    if (!sealed) {
      session_open_ = false;
      return fail(sealed.error());
    }
    output_.insert(output_.end(), sealed->begin(), sealed->end());
  }
  send_closed_ = true;
  return {};
}

bool ClientEngine::may_send() const {
  // After the peer's close_notify our half stays open until close().
  return !send_closed_ && (state_ == State::Established || (state_ == State::Closed && session_open_));
}

Outcome ClientEngine::close_send() {
  if (state_ == State::Failed) return error_;
  if (send_closed_) return {};
  if (!may_send()) return Status::TlsWrongState;
  return queue_close_notify();
}

Outcome ClientEngine::close() {
  if (may_send()) {
    Outcome o = queue_close_notify();
    if (!o) return o;
  }
  if (state_ == State::Established) state_ = State::Closed;
  end_session();
  return {};
}

Bytes ClientEngine::take_output() { return std::exchange(output_, Bytes{}); }
Bytes ClientEngine::take_application_data() { return std::exchange(app_in_, Bytes{}); }
std::vector<ResumptionTicket> ClientEngine::take_tickets() { return std::exchange(tickets_, {}); }

}  // namespace setls::host
