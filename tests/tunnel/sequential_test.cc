// Connection after connection through one tunnel: a thousand full
// handshakes against openssl s_server, killed and restarted halfway through
// (each connection checks its own reversed line: nothing lost or mixed),
// and resumption with the tickets of earlier connections (--resume), in both
// record modes.
#include <algorithm>
#include <iostream>

#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

std::string reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

TEST_F(TunnelTest, AThousandSequentialConnectionsWithTheServerRestartedInTheMiddle) {
  constexpr int kConnections = 1000;
  constexpr int kDuringOutage = 3;
  RunningServer server = start_openssl_server(dir);
  const int port = server.port;
  auto tunnel = start_tunnel(port);
  ASSERT_NE(tunnel->port(), 0);
  auto start = SteadyClock::now();
  for (int i = 0; i < kConnections; ++i) {
    if (i == kConnections / 2) {
      // The server is killed and comes back: the tunnel refuses what comes
      // meanwhile (a reset, never data) and then carries on.
      ASSERT_TRUE(tunnel->wait_for_connections(static_cast<size_t>(i), 10s)) << tunnel->log();
      server.process.stop();
      ASSERT_FALSE(wait_for_port(port, 200ms)) << "the server still listens";
      for (int k = 0; k < kDuringOutage; ++k) {
        int fd = connect_plain(tunnel->port());
        ASSERT_GE(fd, 0);
        bool sent = send_all(fd, "during the outage\n");
        Received r = read_from(fd, 0, 15s);
        ::close(fd);
        EXPECT_TRUE(r.data.empty()) << r.data;
        EXPECT_TRUE(r.reset || !sent);
      }
      server = start_openssl_server(dir, {}, true, port);
    }
    std::string line = "sequential " + std::to_string(i);
    ASSERT_TRUE(round_trip(tunnel->port(), line + "\n", reversed(line) + "\n")) << "connection " << i << "\n"
                                                                                 << tunnel->log();
  }
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::cout << "[ figures  ] " << kConnections << " sequential connections (full handshakes, chip records) in "
            << seconds << " s (" << kConnections / seconds << " connections/s), server restarted once\n";
  ASSERT_TRUE(tunnel->wait_for_connections(kConnections + kDuringOutage, 30s)) << tunnel->log();
  EXPECT_EQ(tunnel->stop(), 0);
  auto connections = tunnel->connections();
  int failed = 0, refused = 0;
  for (const Json& c : connections) {
    if (c["close"] == "server-unreachable") {
      ++refused;
    } else if (c["ok"] != true || c["close"] != "completed" || c["bytes_up"] != c["bytes_down"]) {
      if (++failed < 5) ADD_FAILURE() << c.dump();
    }
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(refused, kDuringOutage);
  Json stopped = tunnel->events("stopped").at(0);
  EXPECT_EQ(stopped["completed"], kConnections);
  EXPECT_EQ(stopped["failed"], kDuringOutage);
}

struct Resumption : TunnelTest, ::testing::WithParamInterface<std::string> {};

TEST_P(Resumption, LaterConnectionsResumeWithEarlierTickets) {
  constexpr int kConnections = 30;
  RunningServer server = start_openssl_server(dir);
  std::vector<std::string> args = {"--resume", "--record-mode", GetParam()};
  if (GetParam() == "host") args.insert(args.end(), {"--pairing", pairing});
  auto tunnel = start_tunnel(server.port, args);
  ASSERT_NE(tunnel->port(), 0);
  auto start = SteadyClock::now();
  for (int i = 0; i < kConnections; ++i) {
    std::string line = "resumed " + std::to_string(i);
    ASSERT_TRUE(round_trip(tunnel->port(), line + "\n", reversed(line) + "\n")) << i << "\n" << tunnel->log();
  }
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::cout << "[ figures  ] " << kConnections << " sequential connections with --resume, " << GetParam()
            << " records: " << kConnections / seconds << " connections/s\n";
  ASSERT_TRUE(tunnel->wait_for_connections(kConnections, 20s)) << tunnel->log();
  auto connections = tunnel->connections();
  ASSERT_EQ(connections.size(), static_cast<size_t>(kConnections));
  EXPECT_EQ(connections[0]["resumed"], false);
  EXPECT_EQ(connections[0]["client_authenticated"], true);
  for (size_t i = 1; i < connections.size(); ++i) {
    EXPECT_EQ(connections[i]["resumed"], true) << connections[i].dump();
    EXPECT_EQ(connections[i]["record_mode"], GetParam());
  }
  EXPECT_EQ(tunnel->stop(), 0);
}

std::string mode_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "chip" ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Resumption, ::testing::Values("chip", "host"), mode_name);

}  // namespace
}  // namespace setls::test
