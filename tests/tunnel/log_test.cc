// What the log says about a connection: the negotiated parameters, bytes
// each way, timing and why it closed, as a JSON line or as text.
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST_F(TunnelTest, TheJsonLineCarriesTheNegotiatedParameters) {
  RunningServer server = start_openssl_server(dir, {"-alpn", "mqtt"});
  auto tunnel = start_tunnel(server.port, {"--alpn", "x-unknown", "--alpn", "mqtt"});
  ASSERT_NE(tunnel->port(), 0);
  ASSERT_TRUE(round_trip(tunnel->port(), "alpn\n", "npla\n"));
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  Json c = tunnel->connections()[0];
  EXPECT_EQ(c["version"], "TLS 1.3") << c.dump();
  EXPECT_EQ(c["suite"], "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(c["group"], "P-256");
  EXPECT_EQ(c["alpn"], "mqtt");
  EXPECT_EQ(c["resumed"], false);
  EXPECT_EQ(c["client_authenticated"], true);
  EXPECT_EQ(c["record_mode"], "chip");
  EXPECT_EQ(c["server_name"], "localhost");
  EXPECT_EQ(c["server"], "127.0.0.1:" + std::to_string(server.port));
  EXPECT_EQ(c["bytes_up"], 5);
  EXPECT_EQ(c["bytes_down"], 5);
  EXPECT_EQ(c["close"], "completed");
  EXPECT_EQ(c["ok"], true);
  EXPECT_GE(c["duration_ms"].get<int>(), c["handshake_ms"].get<int>());
  EXPECT_TRUE(c.contains("slot_wait_ms"));
  EXPECT_EQ(c["app"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(tunnel->stop(), 0);
}

TEST_F(TunnelTest, TheTextLineSaysTheSameInOneLine) {
  RunningServer server = start_openssl_server(dir);
  std::string log = dir.file("text.log");
  Process p = Process::start({binary("setls"), "tunnel", "--listen", "127.0.0.1:0", "--connect",
                              "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost", "--chip",
                              chipd->address()},
                             log);
  int port = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        std::string text = read_text_file(log);
        size_t at = text.find("listening on 127.0.0.1:");
        if (at != std::string::npos) port = std::stoi(text.substr(at + 23));
        return port != 0;
      },
      10s));
  ASSERT_TRUE(round_trip(port, "text\n", "txet\n"));
  ASSERT_TRUE(wait_until([&] { return read_text_file(log).find("closed: completed") != std::string::npos; }, 10s))
      << read_text_file(log);
  EXPECT_EQ(p.stop(15, 10s), 0);
  std::string text = read_text_file(log);
  for (const char* part : {"conn 1 127.0.0.1:", "(localhost): TLS 1.3 TLS_AES_128_GCM_SHA256 P-256", "resumed=no",
                           "client-auth=yes", "alpn=-", "records=chip", "up=5B down=5B", "closed: completed",
                           "setls tunnel: stopped after 1 connections (0 failed"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " missing from:\n" << text;
}

TEST_F(TunnelTest, ARefusedHandshakeIsLoggedWithTheChipsReason) {
  RunningServer server = start_openssl_server(dir);
  // The server's certificate is for localhost, not for this name: the chip refuses.
  auto tunnel = start_tunnel(server.port, {"--servername", "other.example"});
  ASSERT_NE(tunnel->port(), 0);
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  bool sent = send_all(fd, "refused\n");
  Received r = read_from(fd, 0, 20s);
  ::close(fd);
  EXPECT_TRUE(r.data.empty());
  EXPECT_TRUE(r.reset || !sent);
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  Json c = tunnel->connections()[0];
  EXPECT_EQ(c["close"], "handshake-failed") << c.dump();
  EXPECT_EQ(c["error"], "NameMismatch") << c.dump();
  EXPECT_NE(c["message"].get<std::string>().find("Next:"), std::string::npos);
  EXPECT_TRUE(tunnel->running());
  EXPECT_EQ(tunnel->stop(), 0);
}

}  // namespace
}  // namespace setls::test
