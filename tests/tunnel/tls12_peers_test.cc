// The recommended nginx and mosquitto configurations narrowed to TLS 1.2
// (start_nginx_tls12, start_mosquitto_tls12), reached through the tunnel by
// unmodified clients, in both record modes: the servers require the chip's
// device certificate over TLS 1.2, and with --resume the later connections
// resume the TLS 1.2 session whose master secret the chip kept (nginx
// issues session tickets; mosquitto's OpenSSL too).
#include <sys/stat.h>

#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

struct Tls12Peers : TunnelTest, ::testing::WithParamInterface<std::string> {
  std::vector<std::string> tunnel_args() const {
    std::vector<std::string> args = {"--resume", "--record-mode", GetParam()};
    if (GetParam() == "host") args.insert(args.end(), {"--pairing", pairing});
    return args;
  }

  // Every connection was TLS 1.2; one full handshake with the device
  // certificate, the others resumed (the chip verified the chain once).
  // Reports come in the order connections closed.
  void expect_tls12_connections(const TunnelProcess& tunnel, size_t n) {
    ASSERT_TRUE(tunnel.wait_for_connections(n, 20s)) << tunnel.log();
    std::vector<Json> connections = tunnel.connections();
    ASSERT_EQ(connections.size(), n) << tunnel.log();
    size_t resumed = 0;
    for (const Json& c : connections) {
      EXPECT_EQ(c["ok"], true) << c.dump();
      EXPECT_EQ(c["version"], "TLS 1.2") << c.dump();
      if (c["resumed"] == true) {
        ++resumed;
      } else {
        EXPECT_EQ(c["client_authenticated"], true) << c.dump();
      }
    }
    EXPECT_EQ(resumed, n - 1) << tunnel.log();
  }
};

TEST_P(Tls12Peers, HttpsGetsFromNginxWithAClientCertificate) {
  ::mkdir(dir.file("www").c_str(), 0755);
  std::string page(200 * 1000, 'x');
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<char>('a' + (i * 13 + i / 777) % 26);
  write_text(dir.file("www/page.txt"), page);
  RunningServer nginx = start_nginx_tls12(dir);
  auto tunnel = start_tunnel(nginx.port, tunnel_args());
  ASSERT_NE(tunnel->port(), 0);

  std::string url = "http://127.0.0.1:" + std::to_string(tunnel->port()) + "/page.txt";
  for (int i = 0; i < 3; ++i) {  // three connections: a full handshake, then two resumed
    RunResult r = run({"curl", "-sS", "--max-time", "30", url}, "", 60s);
    ASSERT_EQ(r.exit_code, 0) << r.err << tunnel->log() << read_text_file(dir.file("nginx-error.log"));
    EXPECT_TRUE(r.out == page) << "got " << r.out.size() << " bytes";
    ASSERT_TRUE(tunnel->wait_for_connections(static_cast<size_t>(i + 1), 20s)) << tunnel->log();
  }
  // nginx saw TLS 1.2 and the chip's device certificate, resumed connections included.
  std::string access = read_text_file(dir.file("nginx-access.log"));
  const std::string line = "\"GET /page.txt HTTP/1.1\" 200 TLSv1.2 \"O=setls tests,CN=device-0001\"";
  size_t lines = 0;
  for (size_t at = access.find(line); at != std::string::npos; at = access.find(line, at + line.size())) ++lines;
  EXPECT_EQ(lines, 3u) << access;
  expect_tls12_connections(*tunnel, 3);
  EXPECT_EQ(tunnel->stop(), 0);
}

TEST_P(Tls12Peers, MqttPublishAndSubscribeThroughMosquitto) {
  RunningServer broker = start_mosquitto_tls12(dir);
  auto tunnel = start_tunnel(broker.port, tunnel_args());
  ASSERT_NE(tunnel->port(), 0);
  std::string port = std::to_string(tunnel->port());

  Process sub = Process::start({"mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", "setls/tls12", "-C", "2",
                                "-W", "40", "-d", "-q", "1"},
                               dir.file("sub12.log"));
  ASSERT_TRUE(wait_until([&] { return broker.log_text().find("Sending SUBACK") != std::string::npos; }, 20s))
      << read_text_file(dir.file("sub12.log")) << tunnel->log() << broker.log_text();
  for (int i = 0; i < 2; ++i) {
    RunResult pub = run({"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "setls/tls12", "-q", "1", "-m",
                         "reading " + std::to_string(i) + " over TLS 1.2"},
                        "", 30s);
    ASSERT_EQ(pub.exit_code, 0) << pub.out << pub.err << tunnel->log();
  }
  EXPECT_EQ(sub.wait(30s), 0) << read_text_file(dir.file("sub12.log"));
  std::string received = read_text_file(dir.file("sub12.log"));
  for (int i = 0; i < 2; ++i)
    EXPECT_NE(received.find("reading " + std::to_string(i) + " over TLS 1.2"), std::string::npos) << received;
  // The broker knows every client by the chip's certificate (a resumed
  // session keeps the identity of the handshake that authenticated it).
  std::string broker_log = broker.log_text();
  EXPECT_NE(broker_log.find("u'device-0001'"), std::string::npos) << broker_log;
  expect_tls12_connections(*tunnel, 3);
  EXPECT_EQ(tunnel->stop(), 0);
}

std::string mode_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "chip" ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Tls12Peers, ::testing::Values("chip", "host"), mode_name);

}  // namespace
}  // namespace setls::test
