// What the tunnel tests share: a provisioned setls-chipd, the `setls tunnel`
// binary started against it (its JSON log parsed), and plain TCP clients
// playing the unmodified applications.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "host/driver/pairing.h"
#include "tests/support/chipd.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {

using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Polls `done` every 20 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `setls tunnel … --json-log` as a child process.
class TunnelProcess {
 public:
  TunnelProcess(const ChipDaemon& chipd, std::string log, const std::vector<std::string>& args) : log_(std::move(log)) {
    std::vector<std::string> argv = {binary("setls"), "tunnel", "--listen", "127.0.0.1:0", "--json-log",
                                     "--chip",        chipd.address()};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = Process::start(argv, log_);
    wait_until(
        [&] {
          for (const auto& e : events("listening")) port_ = e["port"].get<int>();
          return port_ != 0 || !process_.running();
        },
        15s);
  }

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  bool running() { return process_.running(); }
  std::string log() const { return read_text_file(log_); }
  // The log's JSON lines, of one kind ("connection", "listening", "stopped") or all.
  std::vector<Json> events(const std::string& kind = "") const {
    std::vector<Json> out;
    std::istringstream in(log());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] != '{') continue;
      Json j = Json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      if (kind.empty() || j.value("event", "") == kind) out.push_back(std::move(j));
    }
    return out;
  }
  std::vector<Json> connections() const { return events("connection"); }
  bool wait_for_connections(size_t n, std::chrono::milliseconds timeout = 30s) const {
    return wait_until([&] { return connections().size() >= n; }, timeout);
  }
  // SIGTERM by PID; the exit code.
  int stop(int signal = 15) { return process_.stop(signal, 20s); }

 private:
  std::string log_;
  Process process_;
  int port_ = 0;
};

// A plain TCP connection to 127.0.0.1:port (the application's side).
inline int connect_plain(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

inline bool send_all(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

struct Received {
  std::string data;
  bool eof = false;      // clean FIN
  bool reset = false;    // ECONNRESET or another error
  bool timeout = false;
};

// Reads until `want` bytes arrived (0: until the end), the peer closes, or `timeout`.
inline Received read_from(int fd, size_t want, std::chrono::milliseconds timeout) {
  Received r;
  auto deadline = SteadyClock::now() + timeout;
  char buf[16384];
  while (want == 0 || r.data.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) {
      r.timeout = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got > 0) {
      r.data.append(buf, static_cast<size_t>(got));
    } else if (got == 0) {
      r.eof = true;
      break;
    } else if (errno != EINTR) {
      r.reset = true;
      break;
    }
  }
  return r;
}

// One request through the tunnel: sends `line`, expects `expect` back, closes.
inline ::testing::AssertionResult round_trip(int port, const std::string& line, const std::string& expect,
                                             std::chrono::milliseconds timeout = 20s) {
  int fd = connect_plain(port);
  if (fd < 0) return ::testing::AssertionFailure() << "cannot connect to the tunnel";
  bool sent = send_all(fd, line);
  Received r = read_from(fd, expect.size(), timeout);
  ::close(fd);
  if (!sent) return ::testing::AssertionFailure() << "send failed";
  if (r.data != expect)
    return ::testing::AssertionFailure() << "got '" << r.data << "' (eof " << r.eof << ", reset " << r.reset
                                         << ", timeout " << r.timeout << ")";
  return ::testing::AssertionSuccess();
}

struct TunnelTest : ::testing::Test {
  TempDir dir;
  TestPki pki = TestPki::create();
  std::unique_ptr<ChipDaemon> chipd;
  std::string pairing;

  void SetUp() override {
    write_server_files(pki, dir);
    chipd = std::make_unique<ChipDaemon>(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
    ASSERT_TRUE(chipd->listening()) << chipd->log();
    auto driver = host::ChipDriver::connect(chipd->address());
    ASSERT_TRUE(driver.ok());
    TlsReady ready = make_tls_ready(**driver, pki);
    pairing = dir.file("host.pairing");
    ASSERT_TRUE(host::save_pairing(pairing, ready.host_key, ready.chip_channel_spki).ok());
  }

  // The tunnel towards 127.0.0.1:server_port for the name "localhost" (unless `extra` names one).
  std::unique_ptr<TunnelProcess> start_tunnel(int server_port, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--connect", "127.0.0.1:" + std::to_string(server_port)};
    if (std::find(extra.begin(), extra.end(), "--servername") == extra.end())
      args.insert(args.end(), {"--servername", "localhost"});
    args.insert(args.end(), extra.begin(), extra.end());
    auto t = std::make_unique<TunnelProcess>(*chipd, dir.file("tunnel-" + std::to_string(++tunnels_) + ".log"), args);
    EXPECT_NE(t->port(), 0) << "the tunnel did not start:\n" << t->log();
    return t;
  }

 private:
  int tunnels_ = 0;
};

}  // namespace setls::test
