#include "host/tls/engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

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

constexpr size_t kHeader = 5;

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

ClientEngine::~ClientEngine() {
  end_session();
  wipe(buf_);  // it held plaintext
  wipe(app_spill_);
}

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
      (void)seal_record(ContentType::Alert, body, sizeof body, true);
    }
    error_ = e;
    state_ = State::Failed;
  }
  end_session();
  wipe_received();
  return e;
}

ClientEngine::Want ClientEngine::want() const {
  if (!output().empty()) return Want::Send;
  if (!application_data().empty()) return Want::Read;
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

// ---- the buffer ----
//
// Received bytes go in at in_hi_, up to rx_limit_ or to the records waiting
// to be sent; records are opened where they lie, so application data is a
// window [app_lo_, app_hi_) in front of what is left to process. Sealed
// records go after the received bytes. Nothing is ever allocated for a
// record: only a caller that does not drain the engine (the convenience
// calls) makes the side vectors grow.

size_t ClientEngine::output_room() const {
  if (!out_spill_.empty()) return 0;  // records must leave in order
  size_t start = out_hi_ > out_lo_ ? out_hi_ : in_hi_;
  return buf_.size() > start ? buf_.size() - start : 0;
}

void ClientEngine::queue_output_view(ByteView records) {
  if (records.empty()) return;
  if (output_room() >= records.size()) {
    if (out_hi_ == out_lo_) out_lo_ = out_hi_ = in_hi_;
    std::memcpy(buf_.data() + out_hi_, records.data(), records.size());
    out_hi_ += records.size();
  } else {
    append(out_spill_, records);
  }
}

void ClientEngine::queue_output(Bytes&& records) {
  if (records.empty()) return;
  // A flight larger than the buffer keeps the chip's vector rather than a copy.
  if (output_room() < records.size() && out_spill_.empty()) {
    out_spill_ = std::move(records);
    out_spill_pos_ = 0;
    return;
  }
  queue_output_view(records);
  Bytes().swap(records);  // copied: its memory goes back now
}

void ClientEngine::spill_output() {
  if (out_hi_ == out_lo_) return;
  Bytes all(buf_.begin() + static_cast<long>(out_lo_), buf_.begin() + static_cast<long>(out_hi_));
  all.insert(all.end(), out_spill_.begin() + static_cast<long>(out_spill_pos_), out_spill_.end());
  out_spill_ = std::move(all);
  out_spill_pos_ = 0;
  out_lo_ = out_hi_ = 0;
}

void ClientEngine::compact() {
  if (app_lo_ != app_hi_) return;  // the application still reads in front of the input
  app_lo_ = app_hi_ = 0;
  if (in_lo_ == in_hi_) {
    in_lo_ = in_hi_ = 0;
    // A buffer that grew for a handshake record shrinks back once empty.
    size_t normal = rx_limit_ + kControlReserve;
    if (buf_.size() > normal && state_ != State::Handshaking && out_hi_ == out_lo_) {
      wipe(buf_);
      Bytes(normal).swap(buf_);
      out_lo_ = out_hi_ = 0;
    }
  } else if (in_lo_ > 0) {
    // A partial record behind the one just used: at most one read's worth.
    std::memmove(buf_.data(), buf_.data() + in_lo_, in_hi_ - in_lo_);
    in_hi_ -= in_lo_;
    in_lo_ = 0;
  }
}

Outcome ClientEngine::fit_record(size_t record_size) {
  // RFC 8449 §4: unprotected handshake records (a TLS 1.2 server's
  // Certificate) are not bound by record_size_limit. Only then the buffer
  // grows, once, to hold one; everything protected must fit as announced.
  if (state_ != State::Handshaking) return Error{Status::TlsRecordOverflow, static_cast<uint32_t>(record_size)};
  compact();
  if (in_lo_ != 0) return Status::Internal;
  Bytes bigger(record_size + kControlReserve);
  size_t used = std::max(in_hi_, out_hi_);
  std::memcpy(bigger.data(), buf_.data(), used);
  wipe(buf_);
  buf_ = std::move(bigger);
  rx_limit_ = record_size;
  return {};
}

void ClientEngine::wipe_received() {
  // Everything but records still to be sent (an alert, close_notify).
  if (out_hi_ > out_lo_) {
    wipe(buf_.data(), out_lo_);
    wipe(buf_.data() + out_hi_, buf_.size() - out_hi_);
  } else {
    wipe(buf_.data(), buf_.size());
  }
  app_lo_ = app_hi_ = in_lo_ = in_hi_ = 0;
  wipe(app_spill_);
  app_spill_pos_ = 0;
  post_handshake_.reset();
}

std::span<uint8_t> ClientEngine::receive_window() {
  if (state_ == State::Idle || state_ == State::Failed || peer_closed_) return {};
  size_t end = out_hi_ > out_lo_ ? out_lo_ : rx_limit_;
  if (end <= in_hi_) return {};
  return std::span<uint8_t>(buf_).subspan(in_hi_, end - in_hi_);
}

Outcome ClientEngine::received(size_t n) {
  if (state_ == State::Failed) return error_;
  if (state_ == State::Idle) return Status::TlsWrongState;
  if (n > receive_window().size()) return Status::BadArgument;
  in_hi_ += n;
  return process();
}

Outcome ClientEngine::process() {
  Outcome o;
  if (state_ == State::Handshaking) o = handshake_step();
  if (o && (state_ == State::Established || state_ == State::Closed) && in_lo_ < in_hi_ && app_lo_ == app_hi_)
    o = config_.record_mode == bus::RecordMode::Host ? records_host_mode() : records_chip_mode();
  compact();
  return o;
}

ByteView ClientEngine::output() const {
  if (out_hi_ > out_lo_) return ByteView(buf_).subspan(out_lo_, out_hi_ - out_lo_);
  return ByteView(out_spill_).subspan(out_spill_pos_);
}

void ClientEngine::output_sent(size_t n) {
  if (out_hi_ > out_lo_) {
    out_lo_ += std::min(n, out_hi_ - out_lo_);
    if (out_lo_ == out_hi_) out_lo_ = out_hi_ = 0;
    return;
  }
  out_spill_pos_ += std::min(n, out_spill_.size() - out_spill_pos_);
  if (out_spill_pos_ == out_spill_.size()) {
    Bytes().swap(out_spill_);  // the exception, not kept
    out_spill_pos_ = 0;
  }
}

ByteView ClientEngine::application_data() const {
  if (app_spill_pos_ < app_spill_.size()) return ByteView(app_spill_).subspan(app_spill_pos_);
  return ByteView(buf_).subspan(app_lo_, app_hi_ - app_lo_);
}

Outcome ClientEngine::application_data_read(size_t n) {
  if (app_spill_pos_ < app_spill_.size()) {
    app_spill_pos_ += std::min(n, app_spill_.size() - app_spill_pos_);
    if (app_spill_pos_ == app_spill_.size()) {
      wipe(app_spill_);
      Bytes().swap(app_spill_);
      app_spill_pos_ = 0;
    }
    return {};
  }
  app_lo_ += std::min(n, app_hi_ - app_lo_);
  if (app_lo_ != app_hi_) return {};
  // The records queued behind it can be opened now.
  if (state_ == State::Failed) return error_;
  return process();
}

Result<size_t> ClientEngine::read(std::span<uint8_t> out) {
  size_t total = 0;
  while (total < out.size()) {
    ByteView data = application_data();
    if (data.empty()) break;
    size_t n = std::min(data.size(), out.size() - total);
    std::memcpy(out.data() + total, data.data(), n);
    total += n;
    Outcome o = application_data_read(n);
    if (!o && total == 0) return o.error();
    if (!o) break;  // the data before the failure is still the application's
  }
  return total;
}

// ---- handshake ----

void ClientEngine::queue_plaintext_handshake(ContentType type, uint16_t version, ByteView message) {
  for (size_t at = 0; at < message.size(); at += kMaxPlaintext) {
    size_t n = std::min(kMaxPlaintext, message.size() - at);
    uint8_t header[kHeader] = {static_cast<uint8_t>(type), static_cast<uint8_t>(version >> 8),
                               static_cast<uint8_t>(version), static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
    if (output_room() >= kHeader + n) {
      queue_output_view(ByteView(header, kHeader));
      queue_output_view(message.subspan(at, n));
    } else {
      append(out_spill_, ByteView(header, kHeader));
      append(out_spill_, message.subspan(at, n));
    }
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

  // The one buffer of the connection (offer() checks the size).
  rx_limit_ = config_.receive_buffer + kRecordOverhead;

  auto started = start_session(now);
  // The chip no longer holds the session the ticket names: it was power
  // cycled, evicted the entry, or the ticket was already used. That is no
  // attack (the chip refused before doing anything), so a full handshake
  // instead, which verifies the server in full; the caller sees it in
  // resumption_refused() and in a summary without kResumed.
  if (!started && resuming_ && started.status() == Status::TicketInvalid) {
    resuming_ = false;
    resumption_refused_ = true;
    started = start_session(now);
  }
  if (!started) return fail(started.error());
  buf_.assign(rx_limit_ + kControlReserve, 0);
  handle_ = started->handle;
  session_open_ = true;
  state_ = State::Handshaking;
  // The first ClientHello record says TLS 1.0 for old middleboxes (RFC 8446 §5.1).
  queue_plaintext_handshake(ContentType::Handshake, kTls10, started->client_hello);
  return {};
}

Result<bus::TlsStartResponse> ClientEngine::start_session(uint64_t now) {
  auto hello_offer = offer({}, {});
  if (!hello_offer) return hello_offer.error();
  auto hello = client_hello_template(*hello_offer);
  if (!hello) return hello.error();

  bus::TlsStartRequest request;
  request.mode = config_.record_mode;
  request.unix_time_ms = now;
  request.resume_id = resuming_ ? config_.resume->chip_entry : 0;
  request.client_hello = std::move(*hello);
  bool is_ip = hello_offer->server_name.empty();
  request.name_kind = is_ip ? bus::NameKind::Ip : bus::NameKind::Dns;
  if (is_ip) {
    auto ip = parse_ip_address(config_.server_name);
    if (!ip) return Error{Status::BadServerName, 0};
    request.name.assign(ip->begin(), ip->end());
  } else {
    request.name = config_.server_name;
  }
  ++chip_calls_;
  return chip_.tls_start(request);
}

Outcome ClientEngine::receive(ByteView data) {
  if (state_ == State::Failed) return error_;
  if (state_ == State::Idle) return Status::TlsWrongState;
  if (state_ == State::Closed && peer_closed_) return Status::TlsClosed;
  // Each turn copies some bytes or makes room; room always comes back once
  // output and application data are set aside, so this ends.
  while (!data.empty()) {
    if (state_ == State::Failed) return error_;
    if (peer_closed_) return {};  // nothing is read after close_notify
    std::span<uint8_t> window = receive_window();
    if (window.empty()) {
      if (out_hi_ > out_lo_) {
        spill_output();
      } else if (app_lo_ != app_hi_) {
        append(app_spill_, ByteView(buf_).subspan(app_lo_, app_hi_ - app_lo_));
        wipe(buf_.data() + app_lo_, app_hi_ - app_lo_);
        app_lo_ = app_hi_;
        SETLS_TRY(process());
      } else {
        return fail(Error{Status::Internal, 0});  // a full buffer process() did not refuse
      }
      continue;
    }
    size_t n = std::min(window.size(), data.size());
    std::memcpy(window.data(), data.data(), n);
    data = data.subspan(n);
    SETLS_TRY(received(n));
  }
  return {};
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

Result<size_t> ClientEngine::complete_records(size_t max_bytes) {
  // Protected records must fit the buffer as announced; during the
  // handshake any record up to the protocol's maximum is framed.
  size_t max_fragment = state_ == State::Handshaking ? kMaxCiphertext13 : rx_limit_ - kHeader;
  size_t at = in_lo_;
  while (at < in_hi_) {
    auto frame = frame_record(ByteView(buf_).subspan(at, in_hi_ - at), max_fragment);
    if (!frame) return frame.error();
    if (!frame->complete()) {
      // The first record does not fit where it is: make room.
      size_t need = in_hi_ - at + frame->missing;
      if (at == in_lo_ && need > rx_limit_) {
        SETLS_TRY(fit_record(need));  // it moved the input: count again next time
        return size_t{0};
      }
      break;
    }
    if (at - in_lo_ + frame->size > max_bytes && at > in_lo_) break;
    at += frame->size;
  }
  return at - in_lo_;
}

Outcome ClientEngine::handshake_step() {
  while (state_ == State::Handshaking) {
    auto whole = complete_records(kMaxRecordsPerCall);
    if (!whole) return fail(whole.error());
    if (*whole == 0) return {};  // wait for the rest of a record

    ++chip_calls_;
    auto answer = chip_.tls_handshake(handle_, pending_input().first(*whole));
    if (!answer) {
      session_open_ = false;  // the chip ended the session on its error
      return fail(answer.error());
    }
    if (answer->consumed > *whole) return fail(Error{Status::MalformedPayload, 0});
    in_lo_ += answer->consumed;
    queue_output(std::move(answer->output));

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
  queue_plaintext_handshake(ContentType::ChangeCipherSpec, kTls12, kCcs);
  queue_plaintext_handshake(ContentType::Handshake, kTls12, *second);
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
    Outcome w = init_key(write_, *done.client_key);
    Outcome r = init_key(read_, *done.server_key);
    if (!w) return fail(w.error());
    if (!r) return fail(r.error());
  }
  // Protected records are held to the announced limit again, whatever the
  // handshake's unprotected records needed (fit_record).
  rx_limit_ = std::min(rx_limit_, config_.receive_buffer + kRecordOverhead);
  state_ = State::Established;
  return {};
}

// ---- host record mode ----

Outcome ClientEngine::records_host_mode() {
  // One application record at a time: its plaintext stays where it was
  // opened until the application has read it.
  while (in_lo_ < in_hi_ && app_lo_ == app_hi_ && state_ != State::Failed && !peer_closed_) {
    auto frame = frame_record(pending_input(), rx_limit_ - kHeader);
    if (!frame) return fail(frame.error());
    if (!frame->complete()) return {};  // process() moves it to the front
    // No plaintext records after the handshake; TLS 1.2 shows the real type outside.
    bool tls12_type = summary_.version == kTls12 &&
                      (frame->header.type == ContentType::Alert || frame->header.type == ContentType::Handshake);
    if (frame->header.type != ContentType::ApplicationData && !tls12_type)
      return fail(Error{Status::TlsUnexpectedMessage, static_cast<uint32_t>(frame->header.type)});

    std::span<uint8_t> record(buf_.data() + in_lo_, frame->size);
    auto opened = read_.open(record);
    if (!opened) return fail(opened.error());
    in_lo_ += frame->size;
    if (opened->plaintext.size() > config_.receive_buffer)
      return fail(Error{Status::TlsRecordOverflow, static_cast<uint32_t>(opened->plaintext.size())});

    switch (opened->type) {
      case ContentType::ApplicationData:
        app_lo_ = static_cast<size_t>(opened->plaintext.data() - buf_.data());
        app_hi_ = app_lo_ + opened->plaintext.size();
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
  if (answer->server_key) SETLS_TRY(init_key(read_, *answer->server_key));
  if (answer->client_key && !send_closed_) {
    // Our KeyUpdate goes out under the old key; everything after under the new.
    // (After our close_notify nothing more is sent: RFC 8446 §4.6.3 asks for
    // it only before our next application data, which never comes.)
    SETLS_TRY(seal_host(ContentType::Handshake, answer->message));
    SETLS_TRY(init_key(write_, *answer->client_key));
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

bool ClientEngine::share_cipher_context() const {
  // STYLE.md rule 3: a host that asked for small records is short of
  // memory; one context for both directions saves about 1.1 KB (OpenSSL 3's
  // AES-GCM) for a key schedule each time the direction changes.
  return config_.receive_buffer < kMaxPlaintext;
}

Outcome ClientEngine::init_key(RecordProtection& rp, bus::TrafficKey& key) {
  const SuiteInfo* suite = find_suite(summary_.suite);
  Outcome o = Status::TlsHandshakeFailure;
  if (suite != nullptr) {
    o = share_cipher_context() ? rp.init(summary_.version, *suite, key.key, key.iv, key.sequence, cipher_context_)
                               : rp.init(summary_.version, *suite, key.key, key.iv, key.sequence);
  }
  wipe(key.key);
  wipe(key.iv);
  return o;
}

size_t ClientEngine::send_fragment_limit() const {
  size_t limit = summary_.peer_record_limit ? summary_.peer_record_limit : kMaxPlaintext;
  return std::min(limit, kMaxPlaintext);
}

Result<size_t> ClientEngine::seal_record(ContentType type, ByteView plaintext, size_t max, bool may_spill) {
  size_t overhead = write_.overhead();
  size_t room = output_room();
  // Application data leaves the control reserve free.
  if (!may_spill) room = room > kControlReserve ? room - kControlReserve : 0;
  size_t n = std::min(plaintext.size(), max);
  if (room > overhead && (room - overhead >= n || !may_spill)) {
    n = std::min(n, room - overhead);
    if (n == 0 && !plaintext.empty()) return size_t{0};
    if (out_hi_ == out_lo_) out_lo_ = out_hi_ = in_hi_;
    auto sealed = write_.seal_into(type, plaintext.first(n), std::span<uint8_t>(buf_).subspan(out_hi_));
    if (!sealed) return sealed.error();
    out_hi_ += *sealed;
    return n;
  }
  if (!may_spill) return size_t{0};
  SETLS_TRY(write_.seal(type, plaintext.first(n), out_spill_));
  return n;
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
  auto sealed = seal_record(ContentType::Handshake, update->message_or_record, kMaxPlaintext, true);
  if (!sealed) return fail(sealed.error());
  return init_key(write_, *update->client_key);
}

Outcome ClientEngine::seal_host(ContentType type, ByteView plaintext) {
  size_t limit = send_fragment_limit();
  size_t at = 0;
  do {
    // Keep one record in reserve for the KeyUpdate that replaces the key.
    if (write_.remaining() <= 1) SETLS_TRY(rotate_client_key());
    auto sealed = seal_record(type, plaintext.subspan(at), limit, true);
    if (!sealed) return fail(sealed.error());
    at += *sealed;
  } while (at < plaintext.size());
  return {};
}

// ---- chip record mode ----

Outcome ClientEngine::records_chip_mode() {
  while (in_lo_ < in_hi_ && app_lo_ == app_hi_ && state_ != State::Failed && !peer_closed_) {
    auto whole = complete_records(kMaxRecordsPerCall);
    if (!whole) return fail(whole.error());
    if (*whole == 0) return {};
    ++chip_calls_;
    size_t at = in_lo_;
    auto answer = chip_.tls_record_in(handle_, pending_input().first(*whole));
    if (!answer) {
      session_open_ = false;
      return fail(answer.error());
    }
    if (answer->consumed > *whole) return fail(Error{Status::MalformedPayload, 0});
    in_lo_ += answer->consumed;
    // The plaintext is smaller than the records it came from: it takes their place.
    size_t n = answer->application_data.size();
    if (n > answer->consumed) return fail(Error{Status::MalformedPayload, 0});
    if (n > 0) {
      std::memcpy(buf_.data() + at, answer->application_data.data(), n);
      wipe(answer->application_data);
      app_lo_ = at;
      app_hi_ = at + n;
    }
    queue_output(std::move(answer->output));
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

Result<size_t> ClientEngine::send_some(ByteView plaintext) {
  if (state_ == State::Failed) return error_;
  if (!may_send()) return send_closed_ ? Status::TlsClosed : Status::TlsWrongState;
  if (config_.record_mode == bus::RecordMode::Chip) {
    // The chip seals; its records take the buffer's room or wait aside.
    if (!output().empty() || plaintext.empty()) return size_t{0};
    size_t n = std::min(kMaxSealPerCall, plaintext.size());
    SETLS_TRY(send(plaintext.first(n)));
    return n;
  }
  size_t limit = send_fragment_limit();
  size_t at = 0;
  while (at < plaintext.size()) {
    if (write_.remaining() <= 1) SETLS_TRY(rotate_client_key());
    auto sealed = seal_record(ContentType::ApplicationData, plaintext.subspan(at), limit, false);
    if (!sealed) {
      (void)fail(sealed.error());
      return sealed.error();
    }
    if (*sealed == 0) break;
    at += *sealed;
  }
  return at;
}

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
    queue_output(std::move(*sealed));
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
    queue_output(std::move(update->message_or_record));
    return {};
  }
  if (!update->client_key) return fail(Error{Status::MalformedPayload, 0});
  auto sealed = seal_record(ContentType::Handshake, update->message_or_record, kMaxPlaintext, true);
  if (!sealed) return fail(sealed.error());
  return init_key(write_, *update->client_key);
}

Outcome ClientEngine::queue_close_notify() {
  static constexpr uint8_t kCloseNotify[] = {static_cast<uint8_t>(AlertLevel::Warning),
                                             static_cast<uint8_t>(AlertDescription::CloseNotify)};
  if (config_.record_mode == bus::RecordMode::Host) {
    auto sealed = seal_record(ContentType::Alert, kCloseNotify, sizeof kCloseNotify, true);
    if (!sealed) return fail(sealed.error());
  } else {
    ++chip_calls_;
    auto sealed = chip_.tls_seal(handle_, kCloseNotify, static_cast<uint8_t>(ContentType::Alert));
    if (!sealed) {
      session_open_ = false;
      return fail(sealed.error());
    }
    queue_output(std::move(*sealed));
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
  // What was received is over; close_notify may still wait to be sent.
  wipe_received();
  return {};
}

Bytes ClientEngine::take_output() {
  Bytes out;
  for (ByteView v = output(); !v.empty(); v = output()) {
    append(out, v);
    output_sent(v.size());
  }
  return out;
}

Bytes ClientEngine::take_application_data() {
  Bytes all;
  for (int guard = 0; guard < 1 << 20; ++guard) {
    ByteView data = application_data();
    if (data.empty()) break;
    all.insert(all.end(), data.begin(), data.end());
    if (!application_data_read(data.size())) break;  // the failure shows in state()
  }
  return all;
}

std::vector<ResumptionTicket> ClientEngine::take_tickets() { return std::exchange(tickets_, {}); }

}  // namespace setls::host
