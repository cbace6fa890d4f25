// Unmodified MQTT clients through the tunnel: mosquitto_sub and
// mosquitto_pub speak plain MQTT to 127.0.0.1, and the broker sees TLS 1.3
// with the chip's device certificate (mosquitto requires a client
// certificate from the device CA and takes its CN as the user name).
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST_F(TunnelTest, MosquittoPubAndSubThroughTheTunnelWithMutualTls) {
  RunningServer broker = start_mosquitto(dir);
  auto tunnel = start_tunnel(broker.port, {"--record-mode", "host", "--pairing", pairing});
  ASSERT_NE(tunnel->port(), 0);
  std::string port = std::to_string(tunnel->port());

  Process sub = Process::start({"mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", "setls/tunnel", "-C", "3",
                                "-W", "40", "-d", "-q", "1"},
                               dir.file("sub.log"));
  // The subscription is in place once the broker acknowledged it
  // (mosquitto_sub's own output is buffered until it exits).
  ASSERT_TRUE(wait_until([&] { return broker.log_text().find("Sending SUBACK") != std::string::npos; }, 20s))
      << read_text_file(dir.file("sub.log")) << tunnel->log() << broker.log_text();

  for (int i = 0; i < 3; ++i) {
    RunResult pub = run({"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "setls/tunnel", "-q", "1", "-m",
                         "message " + std::to_string(i) + " through the chip"},
                        "", 30s);
    ASSERT_EQ(pub.exit_code, 0) << pub.out << pub.err << tunnel->log();
  }
  EXPECT_EQ(sub.wait(30s), 0) << read_text_file(dir.file("sub.log"));
  std::string received = read_text_file(dir.file("sub.log"));
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(received.find("message " + std::to_string(i) + " through the chip"), std::string::npos) << received;

  // The broker knows the client by the chip's certificate.
  std::string broker_log = broker.log_text();
  EXPECT_NE(broker_log.find("u'device-0001'"), std::string::npos) << broker_log;

  ASSERT_TRUE(tunnel->wait_for_connections(4, 20s)) << tunnel->log();
  for (const Json& c : tunnel->connections()) {
    EXPECT_EQ(c["ok"], true) << c.dump();
    EXPECT_EQ(c["version"], "TLS 1.3") << c.dump();
    EXPECT_EQ(c["client_authenticated"], true) << c.dump();
    EXPECT_GT(c["bytes_up"].get<int>(), 0);
    EXPECT_GT(c["bytes_down"].get<int>(), 0);
  }
  EXPECT_EQ(tunnel->stop(), 0);
}

}  // namespace
}  // namespace setls::test
