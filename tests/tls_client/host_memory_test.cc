// Session-key exposure on the host (issue 7, ARCHITECTURE.md invariant 4):
// in chip record mode no traffic secret, key or IV ever reaches host
// memory. The chip runs as setls-chipd, in its own process, so everything
// in this test process is the host's. The test copies its own writable
// memory (heap, stacks, anonymous mappings, library data) while the
// session is open and again after it closed, then derives every key from
// s_server's key log and searches the copies. Host record mode is the
// control: the chip releases the application keys to the host there, and
// the same search must find them, or the search proves nothing.
#include <gtest/gtest.h>

#include "host/tls/client.h"
#include "tests/support/chipd.h"
#include "tests/support/keylog.h"
#include "tests/support/memory_scan.h"
#include "tests/support/sanitizers.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

class HostMemory : public ::testing::TestWithParam<bus::RecordMode> {};

TEST_P(HostMemory, TrafficKeysReachHostMemoryOnlyInHostRecordMode) {
  // ASan's shadow and quarantine make a copy of the address space huge and
  // its content the sanitizer's, not the host's.
  if (kAddressSanitizer) GTEST_SKIP() << "an ASan build: the scan runs on the release build (scripts/test)";
  const bool chip_mode = GetParam() == bus::RecordMode::Chip;
  TempDir dir;
  TestPki pki = TestPki::create();
  write_server_files(pki, dir);
  ChipDaemon chipd(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
  ASSERT_TRUE(chipd.listening()) << chipd.log();
  TlsReady ready;
  {
    auto setup = host::ChipDriver::connect(chipd.address());
    ASSERT_TRUE(setup.ok()) << describe(setup.error());
    ready = make_tls_ready(**setup, pki);
  }
  RunningServer server = start_openssl_server(dir, {"-keylogfile", dir.file("keys.log")});

  auto driver = host::ChipDriver::connect(chipd.address());
  ASSERT_TRUE(driver.ok()) << describe(driver.error());
  if (!chip_mode) {
    ASSERT_TRUE((*driver)->open_channel(ready.host_key, ready.chip_channel_key).ok());
  }

  uint16_t suite_id = 0;
  std::vector<MemorySnapshot> snapshots;
  {
    host::ClientConfig config;
    config.server_name = "localhost";
    config.record_mode = GetParam();
    auto client = host::Client::connect(**driver, "127.0.0.1", static_cast<uint16_t>(server.port), config);
    ASSERT_TRUE(client.ok()) << describe(client.error());
    ASSERT_TRUE((*client)->write(as_bytes("records both ways\n")).ok());
    auto echoed = (*client)->read();
    ASSERT_TRUE(echoed.ok()) << describe(echoed.error());
    suite_id = (*client)->summary().suite;
    snapshots.push_back(MemorySnapshot::of_this_process());  // the session is open
    ASSERT_TRUE((*client)->close().ok());
  }
  // The copy taken during the session is not part of the host.
  snapshots.push_back(MemorySnapshot::of_this_process({&snapshots[0]}));  // the session is over
  server.process.stop();

  const tls::SuiteInfo* suite = tls::find_suite(suite_id);
  ASSERT_NE(suite, nullptr);
  auto secrets = read_keylog(dir.file("keys.log"));
  ASSERT_GE(secrets.size(), 4u) << "s_server wrote no key log";
  size_t found_open = 0, found_closed = 0, needles = 0;
  for (const auto& s : secrets) {
    bool application = s.label.find("TRAFFIC_SECRET_0") != std::string::npos;
    for (const Bytes& needle : sensitive_bytes(s, *suite)) {
      ++needles;
      bool open = snapshots[0].contains(needle), closed = snapshots[1].contains(needle);
      found_open += open;
      found_closed += closed;
      if (chip_mode) {
        EXPECT_FALSE(open) << s.label << " material in host memory during the session";
        EXPECT_FALSE(closed) << s.label << " material in host memory after the session";
      } else if (!application) {
        // Handshake secrets stay in the chip in both modes.
        EXPECT_FALSE(open) << s.label << " material in host memory in host record mode";
      }
    }
  }
  EXPECT_GE(needles, 12u);
  // The heap, the stack and the libraries' data at least.
  EXPECT_GE(snapshots[0].regions(), 5u);
  EXPECT_GT(snapshots[0].bytes(), 256u << 10) << "the snapshot missed most of the process";
  if (!chip_mode) {
    // The control: the host's record layer holds the released keys.
    EXPECT_GE(found_open, 2u) << "the scan found no released key in host record mode: it cannot fail";
  }
  std::printf("host memory scan (%s records): %zu KiB in %zu regions; %zu of %zu needles found during the session, "
              "%zu after it\n",
              chip_mode ? "chip" : "host", snapshots[0].bytes() >> 10, snapshots[0].regions(), found_open, needles,
              found_closed);
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, HostMemory, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
