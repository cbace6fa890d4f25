#include "chip/daemon/server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "chip/bus/port.h"
#include "common/bus/command.h"
#include "common/bus/frame.h"

namespace setls::chip {

namespace {

bool stale_socket(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  bool refused = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

int listen_on(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "setls-chipd: socket path too long: %s\n", path.c_str());
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (stale_socket(path)) ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  mode_t old = ::umask(0077);  // only the owner may talk to the chip
  bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd, 16) == 0;
  ::umask(old);
  if (!ok) {
    std::fprintf(stderr, "setls-chipd: cannot listen on %s: %s\n", path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

void print_trace(const TraceEvent& e) {
  std::fprintf(stderr, "setls-chipd: conn %u seq %u %s %zu B -> %s %zu B%s\n", e.connection, e.seq,
               bus::command_name(e.command), e.request_size, status_name(e.status), e.response_size,
               e.replayed ? " (replayed)" : "");
}

}  // namespace

int serve(Firmware& firmware, const ServerOptions& options) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  int sfd = signalfd(-1, &signals, SFD_CLOEXEC);
  int listener = listen_on(options.socket_path);
  if (listener < 0 || sfd < 0) return 1;
  if (!options.banner.empty()) std::fprintf(stderr, "%s\n", options.banner.c_str());

  struct Client {
    std::unique_ptr<BusPort> port;
  };
  std::map<int, Client> clients;
  uint32_t next_connection = 1;
  Bytes buffer(bus::kMaxFrame + 1);
  bool running = true;

  while (running) {
    std::vector<pollfd> fds{{sfd, POLLIN, 0}, {listener, POLLIN, 0}};
    for (const auto& [fd, client] : clients) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("setls-chipd: poll");
      break;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(sfd, &info, sizeof info) > 0)
        std::fprintf(stderr, "setls-chipd: signal %u, shutting down\n", info.ssi_signo);
      running = false;
      break;
    }
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0 && clients.size() >= options.max_connections) {
        std::fprintf(stderr, "setls-chipd: refusing connection: %zu already open\n", clients.size());
        ::close(fd);
      } else if (fd >= 0) {
        auto port = std::make_unique<BusPort>(firmware, next_connection++);
        if (options.verbose) port->on_trace = print_trace;
        clients[fd] = Client{std::move(port)};
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      ssize_t n = (fds[i].revents & POLLIN) ? ::recv(fd, buffer.data(), buffer.size(), 0) : 0;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        clients.erase(fd);  // the port's destructor wipes what the link owned
        ::close(fd);
        continue;
      }
      Bytes answer = clients[fd].port->handle(ByteView(buffer.data(), static_cast<size_t>(n)));
      bool closed = clients[fd].port->closed();  // the secure channel failed: drop the link
      if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(answer.size()) || closed) {
        clients.erase(fd);
        ::close(fd);
      }
    }
  }

  for (auto& [fd, client] : clients) ::close(fd);
  clients.clear();
  ::close(listener);
  ::unlink(options.socket_path.c_str());
  ::close(sfd);
  return 0;
}

}  // namespace setls::chip
