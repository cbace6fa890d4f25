// Session keys never cross the bus in the clear (ARCHITECTURE.md invariant 4,
// issue 5 item 4): openssl s_server logs the session's traffic secrets
// (-keylogfile); the test derives every key and IV from them and searches
// every frame that crossed the bus for those bytes and for the secrets.
#include <gtest/gtest.h>

#include "common/tls/cipher_suite.h"
#include "host/tls/client.h"
#include "tests/support/bus_tap.h"
#include "tests/support/keylog.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

class KeyExposure : public ::testing::TestWithParam<bus::RecordMode> {};

TEST_P(KeyExposure, NoTrafficKeyOrSecretCrossesTheBus) {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  write_server_files(device.pki, dir);
  RunningServer server = start_openssl_server(dir, {"-keylogfile", dir.file("keys.log")});

  auto tap_owner = std::make_unique<BusTap>(std::make_unique<chip::InProcessTransport>(*device.chip.firmware, 99));
  BusTap* tap = tap_owner.get();
  auto driver = host::ChipDriver::open(std::move(tap_owner)).value();
  ASSERT_TRUE(driver->open_channel(device.host_key, device.chip_channel_key).ok());

  host::ClientConfig config;
  config.server_name = "localhost";
  config.record_mode = GetParam();
  auto client = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config);
  ASSERT_TRUE(client.ok()) << describe(client.error());
  ASSERT_TRUE((*client)->write(as_bytes("key update next\n")).ok());
  ASSERT_TRUE((*client)->read().ok());
  ASSERT_TRUE((*client)->key_update(true).ok());
  ASSERT_TRUE((*client)->write(as_bytes("after\n")).ok());
  ASSERT_TRUE((*client)->read().ok());
  const tls::SuiteInfo* suite = tls::find_suite((*client)->summary().suite);
  ASSERT_NE(suite, nullptr);
  ASSERT_TRUE((*client)->close().ok());
  server.process.stop();

  auto secrets = read_keylog(dir.file("keys.log"));
  // OpenSSL logs only the first application secrets; the KeyUpdate made the
  // next generation, which must not cross the bus either.
  add_next_generation(secrets, *suite);
  // Handshake and application secrets of both sides, at least.
  ASSERT_GE(secrets.size(), 4u) << "s_server wrote no key log";
  ASSERT_GT(tap->requests.size(), 3u);
  size_t checked = 0;
  for (const auto& s : secrets) {
    for (const Bytes& needle : sensitive_bytes(s, *suite)) {
      EXPECT_FALSE(tap->saw(needle)) << s.label << " material crossed the bus";
      ++checked;
    }
  }
  EXPECT_GE(checked, 12u);
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, KeyExposure, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
