#include "host/tls/client.h"

#include <array>

#include "host/io/tcp.h"

namespace setls::host {

namespace {
using Clock = std::chrono::steady_clock;

Client::Timeout left(Clock::time_point deadline) {
  auto now = Clock::now();
  if (now >= deadline) return Client::Timeout(0);
  return std::chrono::duration_cast<Client::Timeout>(deadline - now);
}
}  // namespace

Result<std::unique_ptr<Client>> Client::connect(ChipDriver& chip, const std::string& host, uint16_t port,
                                                ClientConfig config, Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  if (config.server_name.empty()) config.server_name = host;
  auto fd = tcp_connect(host, port, timeout);
  if (!fd) return fd.error();
  std::unique_ptr<Client> c(new Client(chip, std::move(config), socket_stream(*fd), *fd));
  SETLS_TRY(c->handshake(left(deadline)));
  return c;
}

Result<std::unique_ptr<Client>> Client::connect_io(ChipDriver& chip, StreamIo io, ClientConfig config,
                                                   Timeout timeout) {
  if (!io.valid() || config.server_name.empty()) return Status::BadArgument;
  std::unique_ptr<Client> c(new Client(chip, std::move(config), std::move(io), -1));
  SETLS_TRY(c->handshake(timeout));
  return c;
}

Outcome Client::handshake(Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  SETLS_TRY(engine_.start());
  while (engine_.handshaking()) {
    SETLS_TRY(flush(left(deadline)));
    auto more = pump(left(deadline));
    if (!more) return more.error();
  }
  if (!engine_.established() && engine_.state() != ClientEngine::State::Closed) return engine_.error();
  return flush(left(deadline));
}

Client::~Client() { close_stream(); }

void Client::close_stream() {
  if (stream_closed_) return;
  stream_closed_ = true;
  fd_ = -1;
  if (io_.close) io_.close();
}

Outcome Client::flush(Timeout timeout) {
  Bytes out = engine_.take_output();
  if (out.empty()) return {};
  return io_.write(out, timeout);
}

Result<bool> Client::pump(Timeout timeout) {
  std::array<uint8_t, 16 * 1024 + 512> buf;
  auto n = io_.read(buf, timeout);
  if (!n) return n.error();
  if (*n > buf.size()) return Status::IoError;  // a callback that overran its buffer
  if (*n == 0) {
    engine_.receive_eof();
    if (engine_.state() == ClientEngine::State::Failed) return engine_.error();
    return false;
  }
  Outcome o = engine_.receive(ByteView(buf.data(), *n));
  // Send what the engine produced (a KeyUpdate answer) even on the way out.
  Outcome f = flush(timeout);
  if (!o) return o.error();
  if (!f) return f.error();
  return true;
}

Outcome Client::write(ByteView data) {
  SETLS_TRY(engine_.send(data));
  return flush(std::chrono::seconds(30));
}

Result<Bytes> Client::read(Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    Bytes data = engine_.take_application_data();
    if (!data.empty()) return data;
    if (engine_.peer_closed()) return Bytes{};
    if (engine_.state() == ClientEngine::State::Failed) return engine_.error();
    if (Clock::now() >= deadline) return Status::Timeout;
    auto more = pump(left(deadline));
    if (!more) return more.error();
    if (!*more && engine_.take_application_data().empty() && !engine_.peer_closed()) return Status::TlsClosed;
  }
}

Result<Bytes> Client::read_until_closed(size_t limit, Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  Bytes all;
  while (all.size() < limit) {
    auto data = read(left(deadline));
    if (!data) return data.error();
    if (data->empty()) break;
    all.insert(all.end(), data->begin(), data->end());
  }
  return all;
}

Outcome Client::key_update(bool request_peer_update) {
  SETLS_TRY(engine_.key_update(request_peer_update));
  return flush(std::chrono::seconds(30));
}

Outcome Client::close() {
  Outcome o = engine_.close();
  Outcome f = flush(std::chrono::seconds(5));
  close_stream();
  if (!o) return o;
  return f;
}

}  // namespace setls::host
