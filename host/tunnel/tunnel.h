// A local TLS forwarder (what stunnel and ghostunnel do): applications
// connect in plaintext to a local port, and each connection is carried to
// the server over its own TLS connection whose handshake the chip runs.
//
// One thread, one epoll loop, non-blocking sockets, one sans-IO
// ClientEngine per connection, and one ChipDriver link shared by all of
// them. Chip calls are synchronous: while the chip works on one record or
// handshake message, the loop waits. A chip serves one command at a time
// anyway, so more links or threads would only queue inside the chip.
//
// The chip has few session slots (4 in setls-chipd), and a connection holds
// one from its ClientHello to its close. When all are taken, a connection
// whose TCP connect to the server succeeded waits in a FIFO queue (at most
// Limits::slot_wait) instead of failing at once; each session that ends lets
// the next one start. SessionsFull caused by other users of the chip is
// retried every 50 ms.
//
//   auto t = Tunnel::open(chip, options);
//   (*t)->run(signal_fd, [](const ConnectionReport& r) { log(describe(r)); });
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/tunnel/connection.h"
#include "host/tunnel/ticket_store.h"

namespace setls::host::tunnel {

struct Options {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0 picks one: see Tunnel::port()
  std::string server_host;
  uint16_t server_port = 0;
  // server_name (default: server_host), alpn, record_mode, …
  ClientConfig tls;
  // Connections open at once; more wait in the kernel's accept queue.
  size_t max_connections = 512;
  // Resume with the newest ticket from an earlier connection.
  bool resume = false;
  Limits limits;
};

struct Stats {
  uint64_t accepted = 0;
  uint64_t completed = 0;  // closed without error
  uint64_t failed = 0;
  uint64_t resumed = 0;
  uint64_t bytes_up = 0;
  uint64_t bytes_down = 0;
  size_t peak_connections = 0;
  size_t peak_sessions = 0;  // chip sessions held at once
  size_t peak_waiting = 0;   // connections queued for a slot at once
};

class Tunnel {
 public:
  using ReportSink = std::function<void(const ConnectionReport&)>;

  // Resolves the server once (the loop never blocks on DNS), listens, and
  // asks the chip how many session slots it has.
  static Result<std::unique_ptr<Tunnel>> open(ChipDriver& chip, Options options);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  uint16_t port() const { return port_; }
  size_t session_slots() const { return slots_; }

  // Serves until `stop_fd` becomes readable (a signalfd, an eventfd; it is
  // not read), then stops accepting, ends every connection with
  // close_notify (at most Limits::shutdown_grace) and returns. `on_close`
  // hears about every connection once. Fails only when the link to the chip
  // is lost, after closing everything.
  Outcome run(int stop_fd, const ReportSink& on_close);

  const Stats& stats() const { return stats_; }

 private:
  struct Registration {
    int fd = -1;
    uint32_t events = 0;
  };
  struct Entry {
    std::unique_ptr<Connection> conn;
    Registration app, server;
    bool queued = false;  // in waiting_
  };

  Tunnel(ChipDriver& chip, Options options) : chip_(chip), options_(std::move(options)) {}
  void accept_some(Clock::time_point now);
  void begin_stop(Clock::time_point now);
  void start_waiting(Clock::time_point now);
  // After events: queue, reap, and re-arm every connection.
  void tend(Clock::time_point now, const ReportSink& on_close);
  void sync(Registration& r, int fd, uint32_t events, uint64_t tag);
  int timeout_ms(Clock::time_point now) const;

  ChipDriver& chip_;
  Options options_;
  std::string server_label_;  // "HOST:PORT"
  std::vector<Endpoint> endpoints_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  uint16_t port_ = 0;
  size_t slots_ = 4;

  std::map<uint64_t, Entry> conns_;
  uint64_t next_id_ = 1;
  std::deque<uint64_t> waiting_;  // FIFO of connections queued for a chip session slot
  size_t sessions_ = 0;           // our connections holding a chip session
  Clock::time_point slot_retry_at_{};
  Clock::time_point accept_pause_until_{};
  Registration listen_reg_;
  bool stopping_ = false;
  std::optional<Error> chip_lost_;
  TicketStore tickets_;
  Stats stats_;
};

}  // namespace setls::host::tunnel
