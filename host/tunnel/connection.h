// One application connection through the tunnel: the plaintext socket of
// the application, the TCP socket to the server, and the sans-IO TLS engine
// between them. It never blocks and never waits: the tunnel's event loop
// tells it what the sockets did (on_app, on_server, on_deadline), and it
// says which events it wants next (app_events, server_events, deadline).
//
//   Connecting ──TCP up──> WaitingForSlot ──start_tls──> Handshaking ──> Open ──> Done
//        └──────────────── any failure, timeout or shutdown ─────────────────────┘
//
// Half-close (RFC 8446 §6.1): the application's EOF becomes our
// close_notify once what it sent is on its way; the server's close_notify
// (or its TCP FIN after ours) becomes shutdown(SHUT_WR) towards the
// application once what the server sent is delivered. The connection is
// done when both directions are.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/tls/engine.h"
#include "host/tunnel/out_buffer.h"
#include "host/tunnel/report.h"

namespace setls::host::tunnel {

using Clock = std::chrono::steady_clock;

// A resolved address of the server.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

struct Limits {
  // Bytes waiting for one side before we stop reading from the other.
  size_t buffer_limit = 256 * 1024;
  std::chrono::milliseconds connect_timeout{10'000};
  // How long a connection may wait for a free chip session slot.
  std::chrono::milliseconds slot_wait{30'000};
  std::chrono::milliseconds handshake_timeout{30'000};
  // How long a half-closed connection may stay silent.
  std::chrono::milliseconds half_close_timeout{60'000};
  // How long stopping connections get to flush and send close_notify.
  std::chrono::milliseconds shutdown_grace{5'000};
};

class Connection {
 public:
  enum class Phase : uint8_t { Connecting, WaitingForSlot, Handshaking, Open, Done };

  Connection(uint64_t id, int app_fd, std::string app_peer, std::string server, std::string server_name,
             const Limits& limits, Clock::time_point now);
  ~Connection();  // closes both sockets; the engine ends its chip session
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts the non-blocking TCP connect, trying each endpoint in turn.
  void connect(std::span<const Endpoint> endpoints, Clock::time_point now);
  // Opens the chip session and queues the ClientHello. On failure the
  // connection stays WaitingForSlot and the caller decides: SessionsFull
  // means wait for a slot, anything else abandon().
  Outcome start_tls(ChipDriver& chip, ClientConfig config, Clock::time_point now);
  void abandon(CloseReason reason, const Error& error, Clock::time_point now);

  // epoll events on either socket.
  void on_app(uint32_t events, Clock::time_point now);
  void on_server(uint32_t events, Clock::time_point now);
  // The deadline() passed.
  void on_deadline(Clock::time_point now);
  // The tunnel stops: no new data is read; what was read is sent, then close_notify.
  void stop(Clock::time_point now);

  Phase phase() const { return phase_; }
  uint64_t id() const { return report_.id; }
  // A chip session was opened for this connection (it is freed when Done).
  bool started() const { return started_; }
  int app_fd() const { return app_fd_; }
  int server_fd() const { return server_fd_; }
  uint32_t app_events() const;
  uint32_t server_events() const;
  std::optional<Clock::time_point> deadline() const;
  std::vector<ResumptionTicket> take_tickets() { return std::exchange(tickets_, {}); }
  const ConnectionReport& report() const { return report_; }

 private:
  void try_next_endpoint(Clock::time_point now);
  void read_app(uint32_t events, Clock::time_point now);
  void read_server(uint32_t events, Clock::time_point now);
  void to_engine(ByteView plaintext);
  void collect_engine_output();
  // Moves everything along after an event: phase changes, pending data,
  // close_notify, shutdowns, flushes, and the end.
  void progress(Clock::time_point now);
  void flush(Clock::time_point now);
  void finish(CloseReason reason, const Error& error, Clock::time_point now);
  bool up_room() const;
  bool down_room() const { return to_app_.size() < limits_.buffer_limit; }
  // Our close_notify went out (or the server can take nothing more).
  bool up_done() const;
  // The application got everything and our FIN (or can take nothing more).
  bool down_done() const { return app_write_shut_ || app_dead_; }
  void close_app_if_finished();

  const Limits& limits_;
  Phase phase_ = Phase::Connecting;
  int app_fd_ = -1;
  int server_fd_ = -1;
  std::span<const Endpoint> endpoints_;
  size_t next_endpoint_ = 0;
  int connect_errno_ = 0;

  std::optional<ClientEngine> tls_;
  bool started_ = false;
  std::vector<ResumptionTicket> tickets_;

  Bytes pending_up_;     // application bytes read before the handshake completed
  OutBuffer to_server_;  // TLS records
  OutBuffer to_app_;     // plaintext

  bool app_eof_ = false;         // the application closed its sending side (or is gone)
  bool app_dead_ = false;        // its socket failed: nothing more can be delivered
  bool app_write_shut_ = false;  // we sent FIN to the application
  bool server_eof_ = false;      // TCP FIN from the server
  bool server_dead_ = false;     // its socket failed or was reset
  bool truncated_ = false;       // FIN without close_notify, before ours
  bool stopping_ = false;
  Error app_error_{Status::Ok, 0};
  Error server_error_{Status::Ok, 0};
  std::optional<Error> tls_error_;  // an engine call refused (send, close_send)

  Clock::time_point accepted_, phase_since_, last_activity_, stop_deadline_;
  ConnectionReport report_;
};

}  // namespace setls::host::tunnel
