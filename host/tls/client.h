// A blocking TLS client: ClientEngine plus the IO loop, over a TCP socket
// or over the application's own transport (StreamIo callbacks), for
// applications that do not run their own event loop.
//
//   auto tls = Client::connect(chip, "broker.example", 8883, config);
//   auto tls = Client::connect_io(chip, uart_stream, config);  // config.server_name required
//   tls->write(request);
//   auto reply = tls->read();
//   tls->close();
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "host/io/stream.h"
#include "host/tls/engine.h"

namespace setls::host {

class Client {
 public:
  using Timeout = std::chrono::milliseconds;

  // Connects and completes the handshake, or fails with the reason.
  static Result<std::unique_ptr<Client>> connect(ChipDriver& chip, const std::string& host, uint16_t port,
                                                 ClientConfig config, Timeout timeout = std::chrono::seconds(30));
  // The same over the application's transport; config.server_name must be
  // set (there is no host name to default to).
  static Result<std::unique_ptr<Client>> connect_io(ChipDriver& chip, StreamIo io, ClientConfig config,
                                                    Timeout timeout = std::chrono::seconds(30));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Outcome write(ByteView data);
  // Some application data: at least one byte, or empty once the server has
  // closed the connection with close_notify. Fails on timeout.
  Result<Bytes> read(Timeout timeout = std::chrono::seconds(30));
  // The same into the caller's buffer, without an allocation: the bytes
  // copied (at least one), or 0 once the server has closed with close_notify.
  Result<size_t> read_some(std::span<uint8_t> buf, Timeout timeout = std::chrono::seconds(30));
  // Reads until close_notify (or `limit` bytes); for request/response peers.
  Result<Bytes> read_until_closed(size_t limit, Timeout timeout = std::chrono::seconds(30));
  Outcome key_update(bool request_peer_update);
  // Sends close_notify and closes the socket (or calls io.close).
  Outcome close();

  const bus::TlsSummary& summary() const { return engine_.summary(); }
  ClientEngine& engine() { return engine_; }
  // Tickets received so far, for a later connect() with config.resume.
  std::vector<ResumptionTicket> take_tickets() { return engine_.take_tickets(); }
  // The socket of a TCP client (for poll()), -1 over StreamIo callbacks.
  int fd() const { return fd_; }

 private:
  Client(ChipDriver& chip, ClientConfig config, StreamIo io, int fd)
      : engine_(chip, std::move(config)), io_(std::move(io)), fd_(fd) {}
  Outcome handshake(Timeout timeout);
  void close_stream();
  Outcome flush(Timeout timeout);
  // Reads once from the socket into the engine's buffer; false at EOF.
  Result<bool> pump(Timeout timeout);
  // Waits until application data is ready (true) or the server closed (false).
  Result<bool> wait_for_data(Timeout timeout);

  ClientEngine engine_;
  StreamIo io_;
  int fd_ = -1;
  bool stream_closed_ = false;
};

}  // namespace setls::host
