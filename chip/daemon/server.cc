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
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

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

// The socket appears at `path` only once it listens: bound under a
// temporary name, then renamed, so a client that waits for the file never
// meets a bound socket that still refuses connections.
int listen_on(const std::string& path) {
  std::string bound = path + ".binding";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || bound.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "setls-chipd: socket path too long: %s\n", path.c_str());
    return -1;
  }
  std::memcpy(addr.sun_path, bound.c_str(), bound.size() + 1);
  // Never replace a live daemon's socket or another file: only a socket
  // nobody listens on any more is taken over.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!stale_socket(path)) {
      std::fprintf(stderr, "setls-chipd: %s is in use (another setls-chipd?) or not a socket\n", path.c_str());
      return -1;
    }
    ::unlink(path.c_str());
  }
  ::unlink(bound.c_str());  // left by a daemon killed between bind and rename
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  mode_t old = ::umask(0077);  // only the owner may talk to the chip
  bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd, 16) == 0 &&
            ::rename(bound.c_str(), path.c_str()) == 0;
  ::umask(old);
  if (!ok) {
    std::fprintf(stderr, "setls-chipd: cannot listen on %s: %s\n", path.c_str(), std::strerror(errno));
    ::unlink(bound.c_str());
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

void print_cost(uint32_t connection, const FrameCost& c) {
  std::fprintf(stderr, "setls-chipd: conn %u %s modeled %.3f ms (crypto %.3f, bus %.3f%s): %s\n", connection,
               bus::command_name(c.command), c.cost.total_ms(), c.cost.crypto_ms, c.cost.bus_ms,
               c.cost.lower_bound ? ", lower bound" : "", ops_summary(c.ops).c_str());
}

void write_stats(const std::string& path, const LatencyMeter& meter) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << meter_json(meter) << "\n";
    if (!out) return;
  }
  std::rename(tmp.c_str(), path.c_str());
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
    uint32_t id = 0;
  };
  std::unique_ptr<LatencyMeter> meter;
  if (options.profile != nullptr) {
    meter = std::make_unique<LatencyMeter>(*options.profile);
    std::fprintf(stderr, "setls-chipd: latency profile %s: %s%s\n", std::string(options.profile->name).c_str(),
                 std::string(options.profile->part).c_str(), options.sleep ? "" : " (modeled, not slept)");
    if (!options.stats_path.empty()) write_stats(options.stats_path, *meter);
  }
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
        uint32_t id = next_connection++;
        auto port = std::make_unique<BusPort>(firmware, id);
        if (options.verbose) port->on_trace = print_trace;
        port->set_meter(meter.get());
        clients[fd] = Client{std::move(port), id};
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
      if (meter) {
        // The part would answer only after computing and clocking out the
        // frames: one command at a time, so the whole daemon waits.
        const FrameCost& cost = clients[fd].port->last_cost();
        if (options.verbose) print_cost(clients[fd].id, cost);
        if (!options.stats_path.empty()) write_stats(options.stats_path, *meter);
        if (options.sleep && cost.cost.total_ms() > 0)
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(cost.cost.total_ms()));
      }
      bool closed = clients[fd].port->closed();  // the secure channel failed: drop the link
      if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(answer.size()) || closed) {
        clients.erase(fd);
        ::close(fd);
      }
    }
  }

  for (auto& [fd, client] : clients) ::close(fd);
  clients.clear();
  if (meter)
    std::fprintf(stderr, "setls-chipd: modeled %.3f ms in %llu frames (crypto %.3f, bus %.3f%s) on %s\n",
                 meter->modeled_ms(), static_cast<unsigned long long>(meter->totals().frames),
                 meter->totals().cost.crypto_ms, meter->totals().cost.bus_ms,
                 meter->totals().cost.lower_bound ? ", lower bound" : "", std::string(options.profile->name).c_str());
  ::close(listener);
  ::unlink(options.socket_path.c_str());
  ::close(sfd);
  return 0;
}

}  // namespace setls::chip
