#include "host/driver/unix_transport.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/bus/frame.h"

namespace setls::host {

Result<std::unique_ptr<UnixTransport>> UnixTransport::connect(const std::string& path,
                                                              std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return Status::BadArgument;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{Status::BusDisconnected, static_cast<uint32_t>(errno)};
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    return Error{Status::BusDisconnected, static_cast<uint32_t>(err)};
  }
  return std::unique_ptr<UnixTransport>(new UnixTransport(fd, timeout));
}

UnixTransport::~UnixTransport() { ::close(fd_); }

Result<Bytes> UnixTransport::exchange(ByteView frame) {
  ssize_t sent;
  do {
    sent = ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent != static_cast<ssize_t>(frame.size())) return Error{Status::BusDisconnected, static_cast<uint32_t>(errno)};

  auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status::BusTimeout;
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{Status::BusDisconnected, static_cast<uint32_t>(errno)};
    if (n == 0) return Status::BusTimeout;
    Bytes buf(bus::kMaxFrame + 1);
    ssize_t got = ::recv(fd_, buf.data(), buf.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return Status::BusDisconnected;
    buf.resize(static_cast<size_t>(got));
    return buf;
  }
}

}  // namespace setls::host
