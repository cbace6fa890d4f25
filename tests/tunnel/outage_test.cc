// The server goes away and comes back: while it is down each application
// connection is closed (reset) with a log line and the tunnel keeps
// serving; once it is back, new connections work. A server killed under an
// open connection ends that connection, and only that one.
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST_F(TunnelTest, ServerKilledAndRestartedInTheMiddle) {
  RunningServer server = start_gnutls_server(dir);
  const int port = server.port;
  auto tunnel = start_tunnel(port);
  ASSERT_NE(tunnel->port(), 0);

  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(round_trip(tunnel->port(), "before " + std::to_string(i) + "\n", "before " + std::to_string(i) + "\n"));

  // Each finished (close_notify both ways) before the server goes.
  ASSERT_TRUE(tunnel->wait_for_connections(5, 10s)) << tunnel->log();
  server.process.stop();  // by PID
  ASSERT_FALSE(wait_for_port(port, 200ms)) << "the server still listens";
  for (int i = 0; i < 5; ++i) {
    auto start = SteadyClock::now();
    int fd = connect_plain(tunnel->port());
    ASSERT_GE(fd, 0) << "the tunnel itself keeps accepting";
    bool sent = send_all(fd, "during the outage\n");
    Received r = read_from(fd, 0, 15s);
    ::close(fd);
    EXPECT_TRUE(r.data.empty()) << r.data;
    // A reset, seen by the send or by the read (the error is reported once).
    EXPECT_TRUE(r.reset || !sent) << "eof " << r.eof << " timeout " << r.timeout;
    EXPECT_LT(SteadyClock::now() - start, 5s) << "a refused connect fails at once";
  }

  server = start_gnutls_server(dir, {}, true, port);
  ASSERT_TRUE(wait_for_port(port, 10s)) << server.log_text();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(round_trip(tunnel->port(), "after " + std::to_string(i) + "\n", "after " + std::to_string(i) + "\n"));

  ASSERT_TRUE(tunnel->wait_for_connections(15, 10s)) << tunnel->log();
  auto connections = tunnel->connections();
  std::vector<std::string> reasons;
  for (const Json& c : connections) reasons.push_back(c["close"]);
  for (int i = 0; i < 15; ++i) {
    const Json& c = connections[static_cast<size_t>(i)];
    if (i >= 5 && i < 10) {
      EXPECT_EQ(c["close"], "server-unreachable") << c.dump();
      EXPECT_EQ(c["error"], "ConnectFailed") << c.dump();
    } else {
      EXPECT_EQ(c["ok"], true) << c.dump();
      EXPECT_EQ(c["established"], true) << c.dump();
    }
  }
  EXPECT_EQ(tunnel->stop(), 0);
}

TEST_F(TunnelTest, AServerKilledUnderAnOpenConnectionEndsOnlyThatConnection) {
  RunningServer server = start_gnutls_server(dir);
  const int port = server.port;
  auto tunnel = start_tunnel(port);
  ASSERT_NE(tunnel->port(), 0);
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "first\n"));
  ASSERT_EQ(read_from(fd, 6, 20s).data, "first\n");

  server.process.stop();
  // No close_notify came: the application sees the end of the stream, and
  // the log says it may have been cut.
  Received r = read_from(fd, 0, 10s);
  ::close(fd);
  EXPECT_TRUE(r.data.empty());
  EXPECT_FALSE(r.timeout);
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  std::string reason = tunnel->connections()[0]["close"];
  EXPECT_TRUE(reason == "server-closed-without-close-notify" || reason == "server-io-error") << reason;

  server = start_gnutls_server(dir, {}, true, port);
  EXPECT_TRUE(round_trip(tunnel->port(), "again\n", "again\n"));
  EXPECT_EQ(tunnel->stop(), 0);
}

}  // namespace
}  // namespace setls::test
