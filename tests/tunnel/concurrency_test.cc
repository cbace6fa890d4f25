// Many application connections at once through one tunnel, each with data
// of its own: nothing may be mixed between connections. The peer is
// gnutls-serv --echo, which serves many TLS connections at once from one
// select loop (openssl s_server serves one at a time; nginx-light has no
// stream module to echo).
//
// The chip has 4 session slots and a connection holds one until it closes,
// so the tunnel serves at most 4 TLS sessions at a time and the other
// application connections wait for a slot: all 200 are open together.
// Halfway through, the server is killed and restarted: the connections it
// cut are reset (never given another connection's bytes), and the
// application retries them; in the end every payload came back whole.
#include <fcntl.h>

#include <functional>
#include <iostream>

#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

// Distinct, unpredictable-looking content and length per connection.
std::string payload(int i) {
  std::string s = "connection " + std::to_string(i) + ":";
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u + 1;
  size_t size = 1000 + static_cast<size_t>(i * 37 % 4000);
  while (s.size() < size) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>('a' + (x >> 16) % 26));
  }
  return s + "\n";
}

struct Peer {
  int fd = -1;
  std::string out, in;
  size_t sent = 0;
  bool done = false;
};

// Drives every peer until it got as many bytes as it sent (or failed);
// `on_done(n)` hears each time a peer ends, n = how many ended so far.
void exchange_all(std::vector<Peer>& peers, std::chrono::milliseconds timeout,
                  const std::function<void(size_t)>& on_done = {}) {
  auto deadline = SteadyClock::now() + timeout;
  size_t open = peers.size();
  char buf[16384];
  while (open > 0 && SteadyClock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<size_t> who;
    for (size_t i = 0; i < peers.size(); ++i) {
      if (peers[i].done) continue;
      short ev = POLLIN;
      if (peers[i].sent < peers[i].out.size()) ev |= POLLOUT;
      fds.push_back({peers[i].fd, ev, 0});
      who.push_back(i);
    }
    if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
    for (size_t k = 0; k < fds.size(); ++k) {
      Peer& p = peers[who[k]];
      if ((fds[k].revents & POLLOUT) != 0) {
        ssize_t n = ::send(p.fd, p.out.data() + p.sent, p.out.size() - p.sent, MSG_NOSIGNAL);
        if (n > 0) p.sent += static_cast<size_t>(n);
      }
      if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
        if (n > 0) p.in.append(buf, static_cast<size_t>(n));
        bool over = n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || p.in.size() >= p.out.size();
        if (over) {
          p.done = true;
          ::close(p.fd);  // frees its chip session slot for a waiting one
          p.fd = -1;
          --open;
          if (on_done) on_done(peers.size() - open);
        }
      }
    }
  }
  for (Peer& p : peers)
    if (p.fd >= 0) ::close(p.fd);
}

TEST_F(TunnelTest, TwoHundredConcurrentConnectionsWithTheServerRestartedInTheMiddle) {
  constexpr int kConnections = 200;
  RunningServer server = start_gnutls_server(dir);
  const int port = server.port;
  auto tunnel = start_tunnel(port, {"--max-connections", "300", "--slot-wait", "60"});
  ASSERT_NE(tunnel->port(), 0);

  auto start = SteadyClock::now();
  std::vector<Peer> peers(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    peers[static_cast<size_t>(i)].fd = connect_plain(tunnel->port());
    ASSERT_GE(peers[static_cast<size_t>(i)].fd, 0) << i;
    fcntl(peers[static_cast<size_t>(i)].fd, F_SETFL, O_NONBLOCK);
    peers[static_cast<size_t>(i)].out = payload(i);
  }
  bool restarted = false;
  exchange_all(peers, 90s, [&](size_t ended) {
    if (restarted || ended < kConnections / 2) return;
    restarted = true;
    server.process.stop();  // by PID, with sessions open
    server = start_gnutls_server(dir, {}, true, port);
  });
  ASSERT_TRUE(restarted);

  // Whatever came back belongs to that connection: its own bytes, in order.
  std::vector<size_t> cut;
  for (size_t i = 0; i < peers.size(); ++i) {
    const Peer& p = peers[i];
    EXPECT_EQ(p.in, p.out.substr(0, p.in.size())) << "connection " << i << " got foreign bytes";
    if (p.in != p.out) cut.push_back(i);
  }
  // The application connects again for the ones the restart cut.
  std::vector<Peer> retries(cut.size());
  for (size_t k = 0; k < cut.size(); ++k) {
    retries[k].fd = connect_plain(tunnel->port());
    ASSERT_GE(retries[k].fd, 0);
    fcntl(retries[k].fd, F_SETFL, O_NONBLOCK);
    retries[k].out = peers[cut[k]].out;
  }
  exchange_all(retries, 60s);
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  int good = 0;
  for (size_t i = 0; i < peers.size(); ++i) good += peers[i].in == peers[i].out ? 1 : 0;
  for (size_t k = 0; k < retries.size(); ++k) {
    if (retries[k].in == retries[k].out) ++good;
    else ADD_FAILURE() << "retry of connection " << cut[k] << " got " << retries[k].in.size() << " of "
                       << retries[k].out.size() << " bytes";
  }
  EXPECT_EQ(good, kConnections);
  EXPECT_GT(cut.size(), 0u) << "the restart cut the connections still open (they had reached the old server)";
  std::cout << "[ figures  ] " << kConnections << " concurrent connections in " << seconds << " s ("
            << kConnections / seconds << " connections/s), " << cut.size() << " cut by the restart and retried\n";

  size_t total = kConnections + cut.size();
  ASSERT_TRUE(tunnel->wait_for_connections(total, 30s)) << tunnel->log();
  EXPECT_EQ(tunnel->stop(), 0);
  // Per payload, one connection that carried all of it both ways; the
  // others are the cut ones. (The kill may land after a connection's last
  // byte, before its close_notify: complete data, logged as cut.)
  size_t delivered = 0;
  for (const Json& c : tunnel->connections()) {
    bool whole = c["bytes_up"].get<size_t>() > 0 && c["bytes_up"] == c["bytes_down"];
    if (c["close"] == "completed") {
      EXPECT_TRUE(whole) << c.dump();
    }
    if (!whole) continue;
    ++delivered;
    EXPECT_EQ(c["client_authenticated"], true) << c.dump();
  }
  EXPECT_EQ(delivered, static_cast<size_t>(kConnections));
  auto stopped = tunnel->events("stopped");
  ASSERT_EQ(stopped.size(), 1u);
  const Json& s = stopped[0];
  std::cout << "[ figures  ] tunnel: " << s.dump() << "\n";
  EXPECT_EQ(s["accepted"], total);
  // All of them were open at once, served four at a time by the chip.
  EXPECT_GE(s["peak_connections"].get<int>(), kConnections * 9 / 10);
  EXPECT_LE(s["peak_sessions"].get<int>(), 4);
  EXPECT_GT(s["peak_waiting"].get<int>(), 0);
}

}  // namespace
}  // namespace setls::test
