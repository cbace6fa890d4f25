// The tunnel shares the chip: with other programs holding session slots
// (it waits and retries), and without the chip at all (it stops, exit 1).
#include "host/tls/client.h"
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST_F(TunnelTest, SlotsHeldByAnotherProgramAreWaitedFor) {
  RunningServer server = start_gnutls_server(dir);
  // Another program on another link takes all four slots.
  auto other = host::ChipDriver::connect(chipd->address());
  ASSERT_TRUE(other.ok());
  std::vector<std::unique_ptr<host::Client>> holders;
  host::ClientConfig config;
  config.server_name = "localhost";
  for (int i = 0; i < 4; ++i) {
    auto c = host::Client::connect(**other, "127.0.0.1", static_cast<uint16_t>(server.port), config);
    ASSERT_TRUE(c.ok()) << describe(c.error());
    holders.push_back(std::move(*c));
  }

  auto tunnel = start_tunnel(server.port, {"--slot-wait", "20"});
  ASSERT_NE(tunnel->port(), 0);
  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "waiting\n"));
  Received early = read_from(fd, 8, 600ms);
  EXPECT_TRUE(early.data.empty()) << "no slot yet, nothing can come back";
  EXPECT_FALSE(early.reset || early.eof) << "the connection waits, it is not refused";

  ASSERT_TRUE(holders.back()->close().ok());
  holders.pop_back();
  EXPECT_EQ(read_from(fd, 8, 20s).data, "waiting\n");
  ::close(fd);
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  Json c = tunnel->connections()[0];
  EXPECT_EQ(c["ok"], true) << c.dump();
  EXPECT_GE(c["slot_wait_ms"].get<int>(), 500) << c.dump();
  EXPECT_EQ(tunnel->stop(), 0);
}

TEST_F(TunnelTest, LosingTheChipStopsTheTunnelWithAnError) {
  RunningServer server = start_gnutls_server(dir);
  auto tunnel = start_tunnel(server.port);
  ASSERT_NE(tunnel->port(), 0);
  ASSERT_TRUE(round_trip(tunnel->port(), "before\n", "before\n"));
  ASSERT_TRUE(tunnel->wait_for_connections(1, 10s)) << tunnel->log();
  ASSERT_EQ(chipd->stop(), 0);

  int fd = connect_plain(tunnel->port());
  ASSERT_GE(fd, 0);
  bool sent = send_all(fd, "after\n");
  Received r = read_from(fd, 0, 10s);
  ::close(fd);
  EXPECT_TRUE(r.data.empty());
  EXPECT_TRUE(r.reset || !sent);
  ASSERT_TRUE(wait_until([&] { return !tunnel->running(); }, 10s)) << tunnel->log();
  EXPECT_EQ(tunnel->stop(), 1);
  std::string log = tunnel->log();
  EXPECT_NE(log.find("lost the chip"), std::string::npos) << log;
  EXPECT_NE(log.find("BusDisconnected"), std::string::npos) << log;
  EXPECT_NE(log.find("Next:"), std::string::npos) << log;
}

}  // namespace
}  // namespace setls::test
