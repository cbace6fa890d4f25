// How connections end: half-close both ways, SIGTERM with connections open,
// the bounded wait for a chip session slot, and backpressure.
#include <fcntl.h>

#include <iostream>

#include "tests/support/sanitizers.h"
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

// The application's EOF becomes close_notify after its data; s_server -rev
// answers the line, sees close_notify ("CONNECTION CLOSED") and closes, and
// the application gets the answer then a clean EOF.
TEST_F(TunnelTest, ApplicationHalfCloseBecomesCloseNotify) {
  RunningServer server = start_openssl_server(dir);
  auto tunnel = start_tunnel(server.port);
  ASSERT_NE(tunnel->port(), 0);
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "half closed\n"));
  ::shutdown(fd, SHUT_WR);  // before the handshake is even done
  Received r = read_from(fd, 0, 20s);
  ::close(fd);
  EXPECT_EQ(r.data, "desolc flah\n");
  EXPECT_TRUE(r.eof) << "reset " << r.reset << " timeout " << r.timeout;
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  EXPECT_EQ(tunnel->connections()[0]["close"], "completed") << tunnel->log();
  EXPECT_TRUE(wait_until([&] { return server.log_text().find("CONNECTION CLOSED") != std::string::npos; }, 5s))
      << "s_server did not see close_notify:\n"
      << server.log_text();
  EXPECT_EQ(tunnel->stop(), 0);
}

// The server's close_notify becomes a FIN to the application: curl, an
// unmodified HTTP client, reads s_server -www's page to its end.
TEST_F(TunnelTest, ServerCloseNotifyEndsTheApplicationsStreamForCurl) {
  RunningServer server = start_openssl_server(dir, {"-www"});
  auto tunnel = start_tunnel(server.port);
  ASSERT_NE(tunnel->port(), 0);
  RunResult curl = run({"curl", "-sS", "-i", "--http1.0", "--max-time", "20",
                        "http://127.0.0.1:" + std::to_string(tunnel->port()) + "/"},
                       "", 30s);
  EXPECT_EQ(curl.exit_code, 0) << curl.err << tunnel->log();
  EXPECT_NE(curl.out.find("Ciphers supported in s_server binary"), std::string::npos) << curl.out;
  EXPECT_NE(curl.out.find("TLSv1.3"), std::string::npos) << curl.out;
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  const Json c = tunnel->connections()[0];
  EXPECT_EQ(c["close"], "completed") << c.dump();
  EXPECT_EQ(c["bytes_down"].get<size_t>(), curl.out.size()) << c.dump();
  EXPECT_EQ(tunnel->stop(), 0);
}

TEST_F(TunnelTest, SigtermClosesOpenConnectionsWithCloseNotifyAndExitsZero) {
  RunningServer server = start_openssl_server(dir);
  auto tunnel = start_tunnel(server.port);
  ASSERT_NE(tunnel->port(), 0);
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "still open\n"));
  ASSERT_EQ(read_from(fd, 11, 20s).data, "nepo llits\n");

  auto start = SteadyClock::now();
  EXPECT_EQ(tunnel->stop(15), 0) << tunnel->log();
  EXPECT_LT(SteadyClock::now() - start, 5s);
  Received r = read_from(fd, 0, 5s);
  ::close(fd);
  EXPECT_TRUE(r.eof) << "the application gets a clean end (reset " << r.reset << ")";
  auto connections = tunnel->connections();
  ASSERT_EQ(connections.size(), 1u) << tunnel->log();
  EXPECT_EQ(connections[0]["close"], "shutdown");
  EXPECT_EQ(connections[0]["ok"], true);
  EXPECT_TRUE(wait_until([&] { return server.log_text().find("CONNECTION CLOSED") != std::string::npos; }, 5s))
      << "s_server did not see close_notify:\n"
      << server.log_text();
}

// Four connections hold the chip's four slots: a fifth waits --slot-wait
// and is then reset; once a slot frees, the next one goes through.
TEST_F(TunnelTest, AConnectionWaitsForASessionSlotButNotForever) {
  RunningServer server = start_gnutls_server(dir);
  auto tunnel = start_tunnel(server.port, {"--slot-wait", "1.5"});
  ASSERT_NE(tunnel->port(), 0);
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) {
    int fd = connect_plain(tunnel->port());
    ASSERT_GE(fd, 0);
    std::string line = "holding slot " + std::to_string(i) + "\n";
    ASSERT_TRUE(send_all(fd, line));
    ASSERT_EQ(read_from(fd, line.size(), 20s).data, line);
    held.push_back(fd);
  }

  auto start = SteadyClock::now();
  int fifth = connect_plain(tunnel->port());
  ASSERT_GE(fifth, 0);
  bool sent = send_all(fifth, "no slot for me\n");
  Received r = read_from(fifth, 0, 15s);
  auto waited = SteadyClock::now() - start;
  ::close(fifth);
  EXPECT_TRUE(r.data.empty());
  EXPECT_TRUE(r.reset || !sent);
  EXPECT_GE(waited, 1300ms);
  EXPECT_LT(waited, 8s);

  int sixth = connect_plain(tunnel->port());
  ASSERT_GE(sixth, 0);
  ASSERT_TRUE(send_all(sixth, "my turn\n"));
  std::this_thread::sleep_for(300ms);
  ::close(held.back());  // frees a slot
  held.pop_back();
  EXPECT_EQ(read_from(sixth, 8, 20s).data, "my turn\n");
  ::close(sixth);
  for (int fd : held) ::close(fd);

  ASSERT_TRUE(tunnel->wait_for_connections(6, 20s)) << tunnel->log();
  int no_slot = 0;
  for (const Json& c : tunnel->connections()) {
    if (c["close"] == "no-session-slot") {
      ++no_slot;
      EXPECT_EQ(c["error"], "SessionsFull");
    } else {
      EXPECT_EQ(c["ok"], true) << c.dump();
    }
  }
  EXPECT_EQ(no_slot, 1) << tunnel->log();
  EXPECT_EQ(tunnel->stop(), 0);
}

long resident_kib(pid_t pid) {
  std::string status = read_text_file("/proc/" + std::to_string(pid) + "/status");
  size_t at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::stol(status.substr(at + 6));
}

// An application that writes without reading: the tunnel stops reading from
// it once the server's side is backed up, so what is in flight is bounded
// by socket buffers and the tunnel's own 256 KiB per direction, not by what
// the application would like to send.
TEST_F(TunnelTest, BackpressureBoundsWhatIsInFlight) {
  RunningServer server = start_gnutls_server(dir);
  auto tunnel = start_tunnel(server.port, {"--record-mode", "host", "--pairing", pairing});
  ASSERT_NE(tunnel->port(), 0);
  long rss_before = resident_kib(tunnel->pid());
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  // gnutls-serv ends every connection 30 s after it began, busy or not
  // (serv.c, "Scheduling inactive connection for close"): the whole
  // exchange must fit before that.
  auto connected = SteadyClock::now();
  auto server_cut = connected + 28s;

  // Lines: gnutls-serv --echo answers each line (it gathers bytes until a newline).
  std::string chunk(64 * 1024, 'x');
  for (size_t i = 0; i < chunk.size(); ++i)
    chunk[i] = i % 1024 == 1023 ? '\n' : static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  constexpr size_t kOffered = 256u << 20;  // far more than any buffer
  size_t sent = 0;
  auto last_progress = SteadyClock::now();
  auto deadline = connected + 12s;
  while (sent < kOffered && SteadyClock::now() < deadline && SteadyClock::now() - last_progress < 1s) {
    ssize_t n = ::send(fd, chunk.data() + sent % chunk.size(), chunk.size() - sent % chunk.size(), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      last_progress = SteadyClock::now();
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  long rss_stalled = resident_kib(tunnel->pid());
  std::cout << "[ figures  ] writer stalled after " << (sent >> 10) << " KiB in flight; tunnel RSS " << rss_before
            << " -> " << rss_stalled << " KiB\n";
  EXPECT_LT(sent, kOffered) << "the writer was never held back";
  // Under ASan the tunnel's RSS also holds the allocator's quarantine of
  // freed blocks (up to 256 MB), so it says nothing about buffering there.
  if (!kAddressSanitizer) {
    EXPECT_LT(rss_stalled - rss_before, 16 * 1024) << "the tunnel buffered what the sockets would not take";
  }

  // Everything still arrives, in order, once the application reads.
  std::string back;
  back.reserve(sent);
  char buf[65536];
  while (back.size() < sent && SteadyClock::now() < server_cut) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    back.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  for (size_t at = 0; at < back.size(); at += chunk.size()) {
    size_t n = std::min(chunk.size(), back.size() - at);
    ASSERT_EQ(back.compare(at, n, chunk, 0, n), 0) << "at " << at;
  }
  if (back.size() < sent && SteadyClock::now() >= server_cut) {
    GTEST_SKIP() << "this machine needed more than gnutls-serv's 30 s per connection to move " << (sent >> 10)
                 << " KiB both ways; what came back (" << (back.size() >> 10) << " KiB) is whole and in order";
  }
  ASSERT_EQ(back.size(), sent) << tunnel->log() << server.log_text();
  EXPECT_EQ(tunnel->stop(), 0);
}

}  // namespace
}  // namespace setls::test
