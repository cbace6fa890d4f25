// The tunnel as a library (host/tunnel/tunnel.h), without the CLI: the
// event loop on a thread of the application's, stopped by an eventfd, with
// a report per connection. The chip is in process (RamChip).
#include <sys/eventfd.h>

#include <thread>

#include "host/tunnel/tunnel.h"
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

TEST(TunnelLibrary, ServesUntilTheStopDescriptorAndReportsEachConnection) {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  write_server_files(device.pki, dir);
  RunningServer server = start_gnutls_server(dir);
  auto driver = device.secure_driver();

  host::tunnel::Options options;
  options.server_host = "127.0.0.1";
  options.server_port = static_cast<uint16_t>(server.port);
  options.tls.server_name = "localhost";
  options.tls.record_mode = bus::RecordMode::Host;
  auto tunnel = host::tunnel::Tunnel::open(*driver, options);
  ASSERT_TRUE(tunnel.ok()) << describe(tunnel.error());
  EXPECT_EQ((*tunnel)->session_slots(), 4u);
  int port = (*tunnel)->port();
  ASSERT_NE(port, 0);

  int stop = eventfd(0, EFD_CLOEXEC);
  ASSERT_GE(stop, 0);
  std::vector<host::tunnel::ConnectionReport> reports;
  Outcome result;
  std::thread loop([&] {
    result = (*tunnel)->run(stop, [&](const host::tunnel::ConnectionReport& r) { reports.push_back(r); });
  });
  for (int i = 0; i < 3; ++i) {
    std::string line = "library " + std::to_string(i) + "\n";
    EXPECT_TRUE(round_trip(port, line, line));
  }
  uint64_t one = 1;
  ASSERT_EQ(::write(stop, &one, sizeof one), 8);
  loop.join();
  ::close(stop);

  EXPECT_TRUE(result.ok()) << describe(result.error());
  ASSERT_EQ(reports.size(), 3u);
  for (const auto& r : reports) {
    EXPECT_TRUE(r.established) << describe(r);
    EXPECT_FALSE(r.failed()) << describe(r);
    EXPECT_EQ(r.record_mode, "host");
    EXPECT_EQ(r.summary.version, tls::kTls13);
    EXPECT_TRUE(r.summary.flags & bus::TlsSummary::kClientAuthenticated);
    EXPECT_EQ(r.bytes_up, r.bytes_down);
  }
  const host::tunnel::Stats& stats = (*tunnel)->stats();
  EXPECT_EQ(stats.accepted, 3u);
  EXPECT_EQ(stats.completed, 3u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST(TunnelLibrary, AnUnresolvableServerIsRefusedAtOpen) {
  TlsDevice device = TlsDevice::create();
  auto driver = device.secure_driver();
  host::tunnel::Options options;
  options.server_host = "no-such-host.invalid";
  options.server_port = 8883;
  auto tunnel = host::tunnel::Tunnel::open(*driver, options);
  ASSERT_FALSE(tunnel.ok());
  EXPECT_EQ(tunnel.status(), Status::ConnectFailed);
}

}  // namespace
}  // namespace setls::test
