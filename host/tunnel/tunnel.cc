#include "host/tunnel/tunnel.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "host/io/tcp.h"

namespace setls::host::tunnel {

namespace {

// epoll data: the connection id and which socket.
enum Kind : uint64_t { kListen = 0, kStop = 1, kApp = 2, kServer = 3 };
uint64_t tag(uint64_t id, Kind kind) { return (id << 2) | kind; }

constexpr int kAcceptsPerEvent = 64;
constexpr auto kSlotRetry = std::chrono::milliseconds(50);
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

std::string address_text(const sockaddr_storage& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "unix";
}

Result<std::vector<Endpoint>> resolve(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &list) != 0) return Error{Status::ConnectFailed, 0};
  std::vector<Endpoint> out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Endpoint e;
    std::copy_n(reinterpret_cast<const uint8_t*>(ai->ai_addr), ai->ai_addrlen, reinterpret_cast<uint8_t*>(&e.addr));
    e.len = ai->ai_addrlen;
    out.push_back(e);
  }
  freeaddrinfo(list);
  if (out.empty()) return Error{Status::ConnectFailed, 0};
  return out;
}

}  // namespace

Result<std::unique_ptr<Tunnel>> Tunnel::open(ChipDriver& chip, Options options) {
  if (options.tls.server_name.empty()) options.tls.server_name = options.server_host;
  std::unique_ptr<Tunnel> t(new Tunnel(chip, std::move(options)));
  const Options& o = t->options_;
  bool v6 = o.server_host.find(':') != std::string::npos;
  t->server_label_ = (v6 ? "[" + o.server_host + "]" : o.server_host) + ":" + std::to_string(o.server_port);

  auto endpoints = resolve(o.server_host, o.server_port);
  if (!endpoints) return endpoints.error();
  t->endpoints_ = std::move(*endpoints);

  auto info = chip.info();
  if (!info) return info.error();
  if (info->sessions_total > 0) t->slots_ = info->sessions_total;

  auto fd = tcp_listen(o.listen_host, o.listen_port, 1024);
  if (!fd) return fd.error();
  t->listen_fd_ = *fd;
  t->port_ = local_port(*fd);
  t->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (t->epoll_fd_ < 0) return Error{Status::IoError, static_cast<uint32_t>(errno)};
  return t;
}

Tunnel::~Tunnel() {
  conns_.clear();  // closes sockets and ends chip sessions
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void Tunnel::sync(Registration& r, int fd, uint32_t events, uint64_t data) {
  if (fd < 0) {
    r = {};  // closed: the kernel forgot it with the descriptor
    return;
  }
  if (r.fd == fd && r.events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = data;
  // A descriptor number can come back for a new socket after a close, so
  // "already there" and "not there" are both answered by the other call.
  int op = r.fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epoll_fd_, op, fd, &ev) != 0) {
    int other = op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    (void)epoll_ctl(epoll_fd_, other, fd, &ev);
  }
  r = {fd, events};
}

void Tunnel::accept_some(Clock::time_point now) {
  for (int i = 0; i < kAcceptsPerEvent && conns_.size() < options_.max_connections; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // Out of descriptors or memory: leave the rest in the kernel's queue a while.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        accept_pause_until_ = now + kAcceptPause;
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(id, fd, address_text(peer), server_label_, options_.tls.server_name,
                                             options_.limits, now);
    conn->connect(endpoints_, now);
    conns_.emplace(id, Entry{std::move(conn), {}, {}, false});
    ++stats_.accepted;
    stats_.peak_connections = std::max(stats_.peak_connections, conns_.size());
  }
}

void Tunnel::start_waiting(Clock::time_point now) {
  while (!waiting_.empty() && !stopping_) {
    auto it = conns_.find(waiting_.front());
    if (it == conns_.end() || it->second.conn->phase() != Connection::Phase::WaitingForSlot) {
      if (it != conns_.end()) it->second.queued = false;
      waiting_.pop_front();
      continue;
    }
    if (sessions_ >= slots_ || now < slot_retry_at_) return;
    Connection& c = *it->second.conn;
    ClientConfig config = options_.tls;
    if (options_.resume) config.resume = tickets_.take(config.server_name, config.now_ms());
    // A ticket whose entry the chip evicted costs nothing here: the engine
    // falls back to a full handshake (ClientEngine::resumption_refused()).
    Outcome o = c.start_tls(chip_, config, now);
    if (!o && o.status() == Status::SessionsFull) {
      // Someone else holds slots too: keep our place, ask again soon.
      if (config.resume) tickets_.keep({*config.resume});
      slot_retry_at_ = now + kSlotRetry;
      return;
    }
    waiting_.pop_front();
    it->second.queued = false;
    if (o) {
      ++sessions_;
      stats_.peak_sessions = std::max(stats_.peak_sessions, sessions_);
      continue;
    }
    if (status_class(o.status()) == StatusClass::Transport) chip_lost_ = o.error();
    c.abandon(CloseReason::HandshakeFailed, o.error(), now);
  }
}

void Tunnel::tend(Clock::time_point now, const ReportSink& on_close) {
  size_t waiting = 0;
  // Twice: reaping frees slots for the queue; starting changes what a
  // connection waits for (or ends it).
  for (int pass = 0; pass < 2; ++pass) {
    for (auto it = conns_.begin(); it != conns_.end();) {
      Entry& e = it->second;
      Connection& c = *e.conn;
      if (options_.resume) tickets_.keep(c.take_tickets());
      if (c.phase() == Connection::Phase::Done) {
        const ConnectionReport& r = c.report();
        if (c.started()) --sessions_;
        if (r.failed()) ++stats_.failed;
        else ++stats_.completed;
        if (r.established && (r.summary.flags & bus::TlsSummary::kResumed)) ++stats_.resumed;
        stats_.bytes_up += r.bytes_up;
        stats_.bytes_down += r.bytes_down;
        if (status_class(r.error.status) == StatusClass::Transport) chip_lost_ = r.error;
        if (on_close) on_close(r);
        it = conns_.erase(it);
        continue;
      }
      if (pass == 0 && c.phase() == Connection::Phase::WaitingForSlot && !e.queued) {
        waiting_.push_back(it->first);
        e.queued = true;
      }
      if (pass == 1) {
        if (c.phase() == Connection::Phase::WaitingForSlot) ++waiting;
        sync(e.app, c.app_fd(), c.app_events(), tag(it->first, kApp));
        sync(e.server, c.server_fd(), c.server_events(), tag(it->first, kServer));
      }
      ++it;
    }
    if (pass == 0) start_waiting(now);
  }
  stats_.peak_waiting = std::max(stats_.peak_waiting, waiting);
  bool accepting = !stopping_ && conns_.size() < options_.max_connections && now >= accept_pause_until_;
  if (listen_fd_ >= 0) sync(listen_reg_, listen_fd_, accepting ? uint32_t{EPOLLIN} : 0u, tag(0, kListen));
}

void Tunnel::begin_stop(Clock::time_point now) {
  if (stopping_) return;
  stopping_ = true;
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);  // queued connections are refused by the kernel
    listen_fd_ = -1;
    listen_reg_ = {};
  }
  for (auto& [id, e] : conns_) e.conn->stop(now);
  waiting_.clear();
}

int Tunnel::timeout_ms(Clock::time_point now) const {
  auto next = now + std::chrono::seconds(1);
  for (const auto& [id, e] : conns_) {
    if (auto d = e.conn->deadline()) next = std::min(next, *d);
  }
  if (!waiting_.empty() && sessions_ < slots_) next = std::min(next, std::max(now, slot_retry_at_));
  if (accept_pause_until_ > now) next = std::min(next, accept_pause_until_);
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1000));
}

Outcome Tunnel::run(int stop_fd, const ReportSink& on_close) {
  epoll_event stop_ev{};
  stop_ev.events = EPOLLIN;
  stop_ev.data.u64 = tag(0, kStop);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd, &stop_ev) != 0) return Error{Status::IoError, static_cast<uint32_t>(errno)};
  bool stop_registered = true;
  tend(Clock::now(), on_close);

  std::array<epoll_event, 128> events;
  while (!(stopping_ && conns_.empty())) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms(Clock::now()));
    if (n < 0 && errno != EINTR) {
      chip_lost_ = Error{Status::IoError, static_cast<uint32_t>(errno)};
      begin_stop(Clock::now());
      continue;
    }
    auto now = Clock::now();
    for (int i = 0; i < n; ++i) {
      uint64_t data = events[static_cast<size_t>(i)].data.u64;
      uint32_t ev = events[static_cast<size_t>(i)].events;
      auto kind = static_cast<Kind>(data & 3);
      if (kind == kStop) {
        begin_stop(now);
      } else if (kind == kListen) {
        if (listen_fd_ >= 0) accept_some(now);
      } else if (auto it = conns_.find(data >> 2); it != conns_.end()) {
        if (kind == kApp) it->second.conn->on_app(ev, now);
        else it->second.conn->on_server(ev, now);
      }
    }
    for (auto& [id, e] : conns_) {
      auto d = e.conn->deadline();
      if (d && *d <= now) e.conn->on_deadline(now);
    }
    tend(now, on_close);
    if (chip_lost_) begin_stop(now);
    if (stopping_ && stop_registered) {
      (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, stop_fd, nullptr);  // it stays readable: stop asking
      stop_registered = false;
    }
  }
  if (stop_registered) (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, stop_fd, nullptr);
  if (chip_lost_) return *chip_lost_;
  return {};
}

}  // namespace setls::host::tunnel
