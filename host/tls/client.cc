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
  for (ByteView out = engine_.output(); !out.empty(); out = engine_.output()) {
    SETLS_TRY(io_.write(out, timeout));
    engine_.output_sent(out.size());
  }
  return {};
}

Result<bool> Client::pump(Timeout timeout) {
  // Records waiting to be sent hold part of the engine's buffer.
  SETLS_TRY(flush(timeout));
  std::span<uint8_t> window = engine_.receive_window();
  if (window.empty()) {
    if (!engine_.application_data().empty()) return true;  // to be read first
    if (engine_.state() == ClientEngine::State::Failed) return engine_.error();
    return Error{Status::Internal, 0};  // nothing could ever make room
  }
  auto n = io_.read(window, timeout);
  if (!n) return n.error();
  if (*n > window.size()) return Status::IoError;  // a callback that overran its buffer
  if (*n == 0) {
    engine_.receive_eof();
    if (engine_.state() == ClientEngine::State::Failed) return engine_.error();
    return false;
  }
  Outcome o = engine_.received(*n);
  // Send what the engine produced (a KeyUpdate answer) even on the way out.
  Outcome f = flush(timeout);
  if (!o) return o.error();
  if (!f) return f.error();
  return true;
}

Outcome Client::write(ByteView data) {
  auto timeout = std::chrono::seconds(30);
  while (!data.empty()) {
    auto n = engine_.send_some(data);
    if (!n) return n.error();
    if (*n == 0 && engine_.output().empty()) {
      // Received bytes fill the buffer: let the rest wait beside it.
      SETLS_TRY(engine_.send(data));
      return flush(timeout);
    }
    data = data.subspan(*n);
    SETLS_TRY(flush(timeout));
  }
  return {};
}

Result<bool> Client::wait_for_data(Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!engine_.application_data().empty()) return true;
    if (engine_.peer_closed()) return false;
    if (engine_.state() == ClientEngine::State::Failed) return engine_.error();
    if (Clock::now() >= deadline) return Status::Timeout;
    auto more = pump(left(deadline));
    if (!more) return more.error();
    if (!*more && engine_.application_data().empty() && !engine_.peer_closed()) return Status::TlsClosed;
  }
}

Result<Bytes> Client::read(Timeout timeout) {
  auto ready = wait_for_data(timeout);
  if (!ready) return ready.error();
  if (!*ready) return Bytes{};
  ByteView data = engine_.application_data();
  Bytes out(data.begin(), data.end());
  Outcome o = engine_.application_data_read(data.size());
  // Opening the records behind it may have queued an answer (KeyUpdate).
  Outcome f = flush(std::chrono::seconds(30));
  if (!o) return o.error();
  if (!f) return f.error();
  return out;
}

Result<size_t> Client::read_some(std::span<uint8_t> buf, Timeout timeout) {
  if (buf.empty()) return Status::BadArgument;
  auto ready = wait_for_data(timeout);
  if (!ready) return ready.error();
  if (!*ready) return size_t{0};
  auto n = engine_.read(buf);
  Outcome f = flush(std::chrono::seconds(30));
  if (!n) return n.error();
  if (!f) return f.error();
  return *n;
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
