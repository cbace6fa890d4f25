#include "host/tunnel/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace setls::host::tunnel {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Reads per event and side: then the loop serves other connections.
constexpr int kReadsPerEvent = 4;

std::chrono::milliseconds since(Clock::time_point from, Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - from);
}

Error errno_error(Status s, int e) { return Error{s, static_cast<uint32_t>(e)}; }

int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

// A failed stream ends with RST, not FIN: the application must not take a
// cut connection for a complete one.
void close_with_reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

bool hangup(uint32_t events) { return (events & (EPOLLHUP | EPOLLERR)) != 0; }

}  // namespace

Connection::Connection(uint64_t id, int app_fd, std::string app_peer, std::string server, std::string server_name,
                       const Limits& limits, Clock::time_point now)
    : limits_(limits), app_fd_(app_fd), accepted_(now), phase_since_(now), last_activity_(now) {
  report_.id = id;
  report_.app_peer = std::move(app_peer);
  report_.server = std::move(server);
  report_.server_name = std::move(server_name);
}

Connection::~Connection() {
  if (app_fd_ >= 0) ::close(app_fd_);
  if (server_fd_ >= 0) ::close(server_fd_);
}

// ---- connecting ----

void Connection::connect(std::span<const Endpoint> endpoints, Clock::time_point now) {
  endpoints_ = endpoints;
  phase_since_ = now;
  try_next_endpoint(now);
}

void Connection::try_next_endpoint(Clock::time_point now) {
  if (server_fd_ >= 0) {
    ::close(server_fd_);
    server_fd_ = -1;
  }
  while (next_endpoint_ < endpoints_.size()) {
    const Endpoint& e = endpoints_[next_endpoint_++];
    int fd = ::socket(e.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      connect_errno_ = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // handshake flights and MQTT packets are small
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&e.addr), e.len) == 0 || errno == EINPROGRESS) {
      server_fd_ = fd;  // EPOLLOUT says when it is up (at once if it already is)
      return;
    }
    connect_errno_ = errno;
    ::close(fd);
  }
  finish(CloseReason::ServerUnreachable, errno_error(Status::ConnectFailed, connect_errno_), now);
}

Outcome Connection::start_tls(ChipDriver& chip, ClientConfig config, Clock::time_point now) {
  if (phase_ != Phase::WaitingForSlot) return Status::TlsWrongState;
  report_.record_mode = config.record_mode == bus::RecordMode::Host ? "host" : "chip";
  tls_.reset();
  tls_.emplace(chip, std::move(config));
  Outcome o = tls_->start();
  if (!o) {
    tls_.reset();
    return o;
  }
  started_ = true;
  report_.slot_wait = since(phase_since_, now);
  phase_ = Phase::Handshaking;
  phase_since_ = now;
  last_activity_ = now;
  collect_engine_output();
  progress(now);
  return {};
}

void Connection::abandon(CloseReason reason, const Error& error, Clock::time_point now) {
  finish(reason, error, now);
}

// ---- events ----

void Connection::on_app(uint32_t events, Clock::time_point now) {
  if (phase_ == Phase::Done || app_fd_ < 0) return;
  read_app(events, now);
  progress(now);
}

void Connection::on_server(uint32_t events, Clock::time_point now) {
  if (phase_ == Phase::Done || server_fd_ < 0) return;
  if (phase_ == Phase::Connecting) {
    int err = socket_error(server_fd_);
    if (err != 0) {
      connect_errno_ = err;
      try_next_endpoint(now);
    } else if ((events & EPOLLOUT) != 0) {
      phase_ = Phase::WaitingForSlot;
      phase_since_ = now;
      last_activity_ = now;
    }
    return;
  }
  if (phase_ == Phase::WaitingForSlot) {
    // We asked for no event: the server reset or closed before our ClientHello.
    int err = socket_error(server_fd_);
    finish(CloseReason::ServerIoError, errno_error(Status::IoError, err != 0 ? err : ECONNRESET), now);
    return;
  }
  read_server(events, now);
  progress(now);
}

void Connection::on_deadline(Clock::time_point now) {
  switch (phase_) {
    case Phase::Connecting:
      finish(CloseReason::ServerUnreachable, errno_error(Status::Timeout, ETIMEDOUT), now);
      break;
    case Phase::WaitingForSlot:
      finish(CloseReason::NoSessionSlot, Error{Status::SessionsFull, 0}, now);
      break;
    case Phase::Handshaking:
      finish(CloseReason::HandshakeTimeout, Error{Status::Timeout, 0}, now);
      break;
    case Phase::Open:
      if (stopping_) finish(CloseReason::Shutdown, Error{Status::Ok, 0}, now);
      else finish(CloseReason::HalfCloseTimeout, Error{Status::Timeout, 0}, now);
      break;
    case Phase::Done:
      break;
  }
}

void Connection::stop(Clock::time_point now) {
  if (phase_ == Phase::Done) return;
  if (phase_ != Phase::Open) {
    finish(CloseReason::Shutdown, Error{Status::Ok, 0}, now);
    return;
  }
  // Read nothing more from either side; deliver what we have, then
  // close_notify to the server and FIN to the application.
  stopping_ = true;
  app_eof_ = true;
  stop_deadline_ = now + limits_.shutdown_grace;
  progress(now);
}

// ---- reading ----

bool Connection::up_room() const { return pending_up_.size() + to_server_.size() < limits_.buffer_limit; }

void Connection::read_app(uint32_t events, Clock::time_point now) {
  bool hup = hangup(events);
  if ((events & EPOLLIN) == 0 && !hup) return;
  if (app_eof_) {
    if (hup) app_dead_ = true;  // reset after its FIN: nothing more can be delivered
    return;
  }
  std::array<uint8_t, kReadChunk> buf;
  // After a hangup read on whatever the bound: the socket says nothing more
  // until its data is read, and what it holds is bounded by the kernel.
  for (int i = 0; i < kReadsPerEvent && !app_eof_ && (up_room() || hup) && !tls_error_; ++i) {
    ssize_t n = ::recv(app_fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
      last_activity_ = now;
      to_engine(ByteView(buf.data(), static_cast<size_t>(n)));
      continue;
    }
    if (n == 0) {
      app_eof_ = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    app_error_ = errno_error(Status::IoError, errno);
    app_eof_ = true;
    app_dead_ = true;
    to_app_.clear();
    break;
  }
  // Both directions of the application's socket are shut (its FIN after
  // ours, or a reset): it takes nothing more.
  if (hup && app_eof_) app_dead_ = true;
}

void Connection::read_server(uint32_t events, Clock::time_point now) {
  bool hup = hangup(events);
  if ((events & EPOLLIN) == 0 && !hup) return;
  if (server_eof_ || tls_->peer_closed()) {
    if (hup) server_dead_ = true;  // reset after its FIN: nothing more can be sent
    return;
  }
  for (int i = 0; i < kReadsPerEvent && !server_eof_ && (down_room() || hup); ++i) {
    if (tls_->state() == ClientEngine::State::Failed || tls_->peer_closed()) break;
    // Straight into the engine's buffer, where the records are opened.
    std::span<uint8_t> window = tls_->receive_window();
    if (window.empty()) {
      collect_engine_output();  // what waits in the buffer moves to the out buffers
      window = tls_->receive_window();
      if (window.empty()) break;
    }
    ssize_t n = ::recv(server_fd_, window.data(), window.size(), MSG_DONTWAIT);
    if (n > 0) {
      last_activity_ = now;
      (void)tls_->received(static_cast<size_t>(n));  // a failure shows in state()
      collect_engine_output();
      continue;
    }
    if (n == 0) {
      server_eof_ = true;
      // After our close_notify a server may close without answering
      // (RFC 8446 §6.1); before it, a FIN alone may hide a truncation.
      truncated_ = !tls_->peer_closed() && !tls_->send_closed();
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    server_error_ = errno_error(Status::IoError, errno);
    server_dead_ = true;
    break;
  }
}

void Connection::to_engine(ByteView plaintext) {
  // Before the handshake completes the application's bytes wait here.
  if (phase_ != Phase::Open || !pending_up_.empty()) {
    pending_up_.insert(pending_up_.end(), plaintext.begin(), plaintext.end());
    return;
  }
  Outcome o = tls_->send(plaintext);
  if (!o) {
    tls_error_ = o.error();
    return;
  }
  report_.bytes_up += plaintext.size();
  collect_engine_output();
}

void Connection::collect_engine_output() {
  if (!tls_) return;
  // Opening the records behind application data may queue output (a
  // KeyUpdate answer): drain both until neither has more.
  for (int guard = 0; guard < 1 << 16; ++guard) {
    ByteView out = tls_->output();
    ByteView in = tls_->application_data();
    if (out.empty() && in.empty()) break;
    if (!out.empty()) {
      to_server_.append(out);
      tls_->output_sent(out.size());
    }
    if (!in.empty()) {
      if (!app_dead_) {
        report_.bytes_down += in.size();
        to_app_.append(in);
      }
      (void)tls_->application_data_read(in.size());  // a failure shows in state()
    }
  }
  for (auto& t : tls_->take_tickets()) tickets_.push_back(std::move(t));
}

// ---- moving along ----

bool Connection::up_done() const {
  return server_dead_ || (tls_ && tls_->send_closed() && to_server_.empty());
}

void Connection::flush(Clock::time_point now) {
  if (server_fd_ >= 0 && !server_dead_ && !to_server_.empty()) {
    size_t before = to_server_.size();
    Outcome o = to_server_.flush(server_fd_);
    if (!o) {
      server_dead_ = true;
      server_error_ = o.error();
      to_server_.clear();
    } else if (to_server_.size() != before) {
      last_activity_ = now;
    }
  }
  if (app_fd_ >= 0 && !app_dead_ && !to_app_.empty()) {
    size_t before = to_app_.size();
    Outcome o = to_app_.flush(app_fd_);
    if (!o) {
      app_dead_ = true;
      app_eof_ = true;
      app_error_ = o.error();
      to_app_.clear();
    } else if (to_app_.size() != before) {
      last_activity_ = now;
    }
  }
}

void Connection::progress(Clock::time_point now) {
  if (phase_ == Phase::Done) return;
  if (app_error_.status != Status::Ok && phase_ != Phase::Open) {
    finish(CloseReason::AppIoError, app_error_, now);  // nobody left to serve
    return;
  }
  if (phase_ == Phase::Handshaking) {
    if (tls_->state() == ClientEngine::State::Failed) {
      finish(CloseReason::HandshakeFailed, tls_->error(), now);
      return;
    }
    if (tls_->established() || tls_->state() == ClientEngine::State::Closed) {
      phase_ = Phase::Open;
      report_.established = true;
      report_.summary = tls_->summary();
      report_.handshake = since(phase_since_, now);
      phase_since_ = now;
      Bytes early = std::exchange(pending_up_, Bytes{});
      if (!early.empty()) to_engine(early);
    } else if (server_dead_ || server_eof_) {
      finish(CloseReason::HandshakeFailed,
             server_dead_ ? server_error_ : Error{Status::TlsHandshakeFailure, 0}, now);
      return;
    }
  }
  if (phase_ == Phase::Open) {
    if (tls_->state() == ClientEngine::State::Failed) {
      finish(CloseReason::TlsFailed, tls_->error(), now);
      return;
    }
    if (tls_error_) {
      finish(CloseReason::TlsFailed, *tls_error_, now);
      return;
    }
    // The application's EOF: close_notify follows the last of its data.
    if (app_eof_ && !tls_->send_closed() && !server_dead_) {
      Outcome o = tls_->close_send();
      collect_engine_output();
      if (!o) {
        finish(CloseReason::TlsFailed, o.error(), now);
        return;
      }
    }
  }
  flush(now);
  if (phase_ != Phase::Open) return;

  if (server_dead_ && !tls_->peer_closed() && !server_eof_) {
    finish(CloseReason::ServerIoError, server_error_, now);
    return;
  }
  // The server's end of data (close_notify, or FIN), or ours when stopping:
  // FIN to the application once it has everything.
  bool server_finished = tls_->peer_closed() || server_eof_ || server_dead_ || stopping_;
  if (server_finished && to_app_.empty() && !down_done()) {
    ::shutdown(app_fd_, SHUT_WR);
    app_write_shut_ = true;
  }
  // A server that closed TCP without close_notify is gone, not half-closed.
  if (truncated_ && down_done() && !stopping_) {
    finish(CloseReason::ServerTruncated, app_error_, now);
    return;
  }
  if (up_done() && down_done()) {
    CloseReason reason = app_error_.status != Status::Ok ? CloseReason::AppIoError
                         : stopping_                     ? CloseReason::Shutdown
                         : truncated_                    ? CloseReason::ServerTruncated
                                                         : CloseReason::Completed;
    finish(reason, app_error_, now);
    return;
  }
  close_app_if_finished();
}

void Connection::close_app_if_finished() {
  // Done with the application while the server still has our close_notify
  // to take: free its socket now (epoll forgets it with the descriptor).
  if (app_fd_ >= 0 && app_eof_ && down_done()) {
    ::close(app_fd_);
    app_fd_ = -1;
  }
}

void Connection::finish(CloseReason reason, const Error& error, Clock::time_point now) {
  if (phase_ == Phase::Done) return;
  // Last words, without waiting: an alert the engine queued, and what the
  // server already sent that the application has not taken yet.
  collect_engine_output();
  if (server_fd_ >= 0 && !server_dead_) (void)to_server_.flush(server_fd_);
  if (app_fd_ >= 0 && !app_dead_) (void)to_app_.flush(app_fd_);
  if (error.status != Status::Ok && app_fd_ >= 0) {
    close_with_reset(app_fd_);
    app_fd_ = -1;
  }
  tls_.reset();  // ends the chip session now: its slot is free for the next connection
  report_.reason = reason;
  report_.error = error;
  report_.duration = since(accepted_, now);
  phase_ = Phase::Done;
}

// ---- what we wait for ----

uint32_t Connection::app_events() const {
  if (phase_ == Phase::Done || app_fd_ < 0) return 0;
  uint32_t ev = 0;
  if (!app_eof_ && up_room()) ev |= EPOLLIN;
  if (!to_app_.empty() && !app_dead_) ev |= EPOLLOUT;
  return ev;
}

uint32_t Connection::server_events() const {
  if (server_fd_ < 0) return 0;
  switch (phase_) {
    case Phase::Connecting: return EPOLLOUT;
    case Phase::WaitingForSlot: return 0;  // still reports a reset (EPOLLERR/EPOLLHUP)
    case Phase::Done: return 0;
    case Phase::Handshaking:
    case Phase::Open: break;
  }
  uint32_t ev = 0;
  if (!server_eof_ && !server_dead_ && !stopping_ && down_room() && !tls_->peer_closed()) ev |= EPOLLIN;
  if (!to_server_.empty() && !server_dead_) ev |= EPOLLOUT;
  return ev;
}

std::optional<Clock::time_point> Connection::deadline() const {
  switch (phase_) {
    case Phase::Connecting: return phase_since_ + limits_.connect_timeout;
    case Phase::WaitingForSlot: return phase_since_ + limits_.slot_wait;
    case Phase::Handshaking: return phase_since_ + limits_.handshake_timeout;
    case Phase::Open:
      if (stopping_) return stop_deadline_;
      if (up_done() != down_done()) return last_activity_ + limits_.half_close_timeout;
      return std::nullopt;
    case Phase::Done: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace setls::host::tunnel
