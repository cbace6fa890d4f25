// Connection after connection through one tunnel: a thousand full
// handshakes against openssl s_server, and resumption with the tickets of
// earlier connections (--resume), in both record modes.
#include <algorithm>
#include <iostream>

#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

std::string reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

TEST_F(TunnelTest, AThousandSequentialConnections) {
  constexpr int kConnections = 1000;
  RunningServer server = start_openssl_server(dir);
  auto tunnel = start_tunnel(server.port);
  ASSERT_NE(tunnel->port(), 0);
  auto start = SteadyClock::now();
  for (int i = 0; i < kConnections; ++i) {
    std::string line = "sequential " + std::to_string(i);
    ASSERT_TRUE(round_trip(tunnel->port(), line + "\n", reversed(line) + "\n")) << "connection " << i << "\n"
                                                                                 << tunnel->log();
  }
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::cout << "[ figures  ] " << kConnections << " sequential connections (full handshakes, chip records) in "
            << seconds << " s (" << kConnections / seconds << " connections/s)\n";
  ASSERT_TRUE(tunnel->wait_for_connections(kConnections, 30s)) << tunnel->log();
  EXPECT_EQ(tunnel->stop(), 0);
  auto connections = tunnel->connections();
  int failed = 0;
  for (const Json& c : connections) {
    if (c["ok"] != true || c["close"] != "completed") {
      if (++failed < 5) ADD_FAILURE() << c.dump();
    }
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(tunnel->events("stopped").at(0)["completed"], kConnections);
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
