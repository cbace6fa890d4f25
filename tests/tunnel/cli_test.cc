// `setls tunnel` as an operator meets it: --help, refusals that say what to
// do next, a server that is down (each connection closed with a log line,
// the tunnel keeps serving), and SIGTERM/SIGINT while idle.
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST(TunnelCli, HelpExplainsTheOptionsAndTheBehaviour) {
  RunResult r = run({binary("setls"), "tunnel", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"--listen", "--connect", "--servername", "--alpn", "--record-mode", "--max-connections",
                           "--json-log", "--chip", "--pairing", "--slot-wait", "session slots", "close_notify",
                           "SIGTERM"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << " missing from:\n" << r.out;
}

TEST(TunnelCli, MissingOptionsAreAUsageError) {
  RunResult r = run({binary("setls"), "tunnel", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--connect"), std::string::npos) << r.err;
}

TEST_F(TunnelTest, ANonLoopbackListenAddressIsRefusedWithAdvice) {
  RunResult r = chipd->setls({"tunnel", "--listen", "0.0.0.0:0", "--connect", "127.0.0.1:1"}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
}

TEST_F(TunnelTest, BadAddressesAreRefusedWithAnExample) {
  RunResult r = chipd->setls({"tunnel", "--listen", "localhost:0", "--connect", "127.0.0.1:1"}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1883"), std::string::npos) << r.err;
  r = chipd->setls({"tunnel", "--listen", "127.0.0.1:0", "--connect", "no-port"}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("HOST:PORT"), std::string::npos) << r.err;
}

TEST(TunnelCli, NoChipSaysHowToName) {
  RunResult r = run({binary("setls"), "tunnel", "--listen", "127.0.0.1:0", "--connect", "127.0.0.1:1"}, "", 10s,
                    {"SETLS_CHIP="});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--chip"), std::string::npos) << r.err;
}

TEST_F(TunnelTest, APortInUseIsReported) {
  auto first = start_tunnel(free_port());
  ASSERT_NE(first->port(), 0);
  RunResult r = chipd->setls(
      {"tunnel", "--listen", "127.0.0.1:" + std::to_string(first->port()), "--connect", "127.0.0.1:1"}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
  EXPECT_EQ(first->stop(), 0) << first->log();
}

TEST_F(TunnelTest, WhileTheServerIsDownEachConnectionIsResetAndLogged) {
  int port = free_port();  // nothing listens there
  auto tunnel = start_tunnel(port);
  ASSERT_NE(tunnel->port(), 0);
  for (int i = 0; i < 3; ++i) {
    int fd = connect_plain(tunnel->port());
    ASSERT_GE(fd, 0);
    bool sent = send_all(fd, "hello?\n");
    Received r = read_from(fd, 0, 10s);
    ::close(fd);
    EXPECT_TRUE(r.data.empty());
    // The reset shows on the send when it came first (the error is reported once).
    EXPECT_TRUE(r.reset || !sent) << "a failed connection ends with RST, not a clean EOF";
    EXPECT_FALSE(r.timeout);
  }
  ASSERT_TRUE(tunnel->wait_for_connections(3, 10s)) << tunnel->log();
  for (const Json& c : tunnel->connections()) {
    EXPECT_EQ(c["close"], "server-unreachable") << c.dump();
    EXPECT_EQ(c["ok"], false);
    EXPECT_EQ(c["error"], "ConnectFailed");
    EXPECT_EQ(c["established"], false);
  }
  EXPECT_TRUE(tunnel->running()) << "the tunnel keeps serving";
  EXPECT_EQ(tunnel->stop(), 0) << tunnel->log();
  auto stopped = tunnel->events("stopped");
  ASSERT_EQ(stopped.size(), 1u) << tunnel->log();
  EXPECT_EQ(stopped[0]["failed"], 3);
}

TEST_F(TunnelTest, SigtermAndSigintWhileIdleExitZero) {
  for (int signal : {15, 2}) {
    auto tunnel = start_tunnel(free_port());
    ASSERT_NE(tunnel->port(), 0);
    EXPECT_EQ(tunnel->stop(signal), 0) << tunnel->log();
    EXPECT_EQ(tunnel->events("stopped").size(), 1u) << tunnel->log();
    EXPECT_LT(connect_plain(tunnel->port()), 0) << "nothing listens after the stop";
  }
}

TEST_F(TunnelTest, TextLogByDefault) {
  Process p = Process::start({binary("setls"), "tunnel", "--listen", "127.0.0.1:0", "--connect",
                              "127.0.0.1:" + std::to_string(free_port()), "--chip", chipd->address()},
                             dir.file("text.log"));
  ASSERT_TRUE(wait_until([&] { return read_text_file(dir.file("text.log")).find("listening on") != std::string::npos; },
                         10s));
  std::string log = read_text_file(dir.file("text.log"));
  EXPECT_NE(log.find("setls tunnel: listening on 127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("chip session slots"), std::string::npos) << log;
  EXPECT_EQ(p.stop(15, 10s), 0);
}

}  // namespace
}  // namespace setls::test
