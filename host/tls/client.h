// A blocking TLS client over a TCP socket: ClientEngine plus the socket
// loop, for applications that do not run their own event loop.
//
//   auto tls = Client::connect(chip, "broker.example", 8883, config);
//   tls->write(request);
//   auto reply = tls->read();
//   tls->close();
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "host/tls/engine.h"

namespace setls::host {

class Client {
 public:
  using Timeout = std::chrono::milliseconds;

  // Connects and completes the handshake, or fails with the reason.
  static Result<std::unique_ptr<Client>> connect(ChipDriver& chip, const std::string& host, uint16_t port,
                                                 ClientConfig config, Timeout timeout = std::chrono::seconds(30));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Outcome write(ByteView data);
  // Some application data: at least one byte, or empty once the server has
  // closed the connection with close_notify. Fails on timeout.
  Result<Bytes> read(Timeout timeout = std::chrono::seconds(30));
  // Reads until close_notify (or `limit` bytes); for request/response peers.
  Result<Bytes> read_until_closed(size_t limit, Timeout timeout = std::chrono::seconds(30));
  Outcome key_update(bool request_peer_update);
  // Sends close_notify and closes the socket.
  Outcome close();

  const bus::TlsSummary& summary() const { return engine_.summary(); }
  ClientEngine& engine() { return engine_; }
  // Tickets received so far, for a later connect() with config.resume.
  std::vector<ResumptionTicket> take_tickets() { return engine_.take_tickets(); }
  int fd() const { return fd_; }

 private:
  Client(ChipDriver& chip, ClientConfig config, int fd) : engine_(chip, std::move(config)), fd_(fd) {}
  Outcome flush(Timeout timeout);
  // Reads once from the socket into the engine; false at EOF.
  Result<bool> pump(Timeout timeout);

  ClientEngine engine_;
  int fd_ = -1;
};

}  // namespace setls::host
