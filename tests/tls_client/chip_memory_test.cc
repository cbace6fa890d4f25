// Session secrets die with the session (ARCHITECTURE.md invariant 7,
// issue 7): after TLS_END, after a handshake the chip aborted, and after the
// link went away with the session open, no handshake or traffic secret, key
// or IV of that session is left in the chip's RAM. The chip runs in this
// process (a RAM chip behind the real bus) and the server is openssl
// s_server in its own, so the only holder of the secrets here is the chip
// (the host keeps none in chip record mode: HostMemory.*). The test copies
// the process's writable memory (memory_scan.h) after the session and
// searches it for every secret in s_server's key log and the keys and IVs
// derived from them. The control: the same scan during the open session
// finds the application traffic secrets in the chip, or it proves nothing.
#include <gtest/gtest.h>

#include <optional>

#include "chip/bus/in_process.h"
#include "host/tls/client.h"
#include "tests/support/keylog.h"
#include "tests/support/memory_scan.h"
#include "tests/support/sanitizers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

// A link to the in-process chip that the test can cut, as a host that
// crashes or unplugs would: the chip's port goes away with the session open.
class CuttableLink final : public bus::Transport {
 public:
  CuttableLink(chip::Firmware& fw, uint32_t id) : inner_(std::make_unique<chip::InProcessTransport>(fw, id)) {}
  Result<Bytes> exchange(ByteView frame) override {
    if (!inner_) return Status::BusDisconnected;
    return inner_->exchange(frame);
  }
  void cut() { inner_.reset(); }

 private:
  std::unique_ptr<chip::InProcessTransport> inner_;
};

enum class Ending { TlsEnd, Abort, LinkDrop };

struct Scan {
  size_t needles = 0, found = 0;
  std::vector<std::string> labels_found;
};

Scan search(const MemorySnapshot& memory, const std::vector<LoggedSecret>& secrets, const tls::SuiteInfo& suite) {
  Scan s;
  for (const auto& secret : secrets) {
    for (const Bytes& needle : sensitive_bytes(secret, suite)) {
      ++s.needles;
      for (const std::string& at : memory.where(needle)) s.labels_found.push_back(secret.label + " in " + at);
      if (memory.contains(needle)) ++s.found;
    }
  }
  return s;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class ChipMemory : public ::testing::TestWithParam<Ending> {};

TEST_P(ChipMemory, NoSessionSecretIsLeftInChipRamAfterTheSession) {
  // ASan's shadow and quarantine make a copy of the address space huge, and
  // its quarantine keeps freed blocks unreused: the scan runs on the release build.
  if (kAddressSanitizer) GTEST_SKIP() << "an ASan build: the scan runs on the release build (scripts/test)";
  const Ending ending = GetParam();
  TempDir dir;
  TestPki pki = TestPki::create();
  write_server_files(pki, dir);
  RamChip chip = RamChip::create();
  TlsReady ready = make_tls_ready(*chip.driver, pki);
  RunningServer server = start_openssl_server(dir, {"-keylogfile", dir.file("keys.log")});

  auto* link = new CuttableLink(*chip.firmware, 4242);
  auto driver = host::ChipDriver::open(std::unique_ptr<bus::Transport>(link));
  ASSERT_TRUE(driver.ok()) << describe(driver.error());

  host::ClientConfig config;
  config.server_name = ending == Ending::Abort ? "another.example" : "localhost";
  config.record_mode = bus::RecordMode::Chip;
  std::optional<MemorySnapshot> during, after;
  uint16_t suite_id = 0x1301;  // s_server's first choice; the summary names it when there is one
  {
    auto client = host::Client::connect(**driver, "127.0.0.1", static_cast<uint16_t>(server.port), config);
    if (ending == Ending::Abort) {
      // The chip verified the chain against the name and refused it: the
      // handshake keys it had derived must be gone with the slot.
      ASSERT_FALSE(client.ok()) << "the chip accepted a certificate for another name";
      EXPECT_EQ(chip.firmware->ram().sessions.used(), 0u);
      after = MemorySnapshot::of_this_process();
    } else {
      ASSERT_TRUE(client.ok()) << describe(client.error());
      suite_id = (*client)->summary().suite;
      ASSERT_TRUE((*client)->write(as_bytes("records both ways\n")).ok());
      auto echoed = (*client)->read();
      ASSERT_TRUE(echoed.ok()) << describe(echoed.error());
      during = MemorySnapshot::of_this_process();  // the session is open
      ASSERT_EQ(chip.firmware->ram().sessions.used(), 1u);
      if (ending == Ending::TlsEnd) {
        ASSERT_TRUE((*client)->close().ok());
      } else {
        link->cut();  // the chip sees its port go away; the host is left holding a dead handle
      }
      EXPECT_EQ(chip.firmware->ram().sessions.used(), 0u) << "the session outlived its end";
      after = MemorySnapshot::of_this_process();
    }
  }
  server.process.stop();

  const tls::SuiteInfo* suite = tls::find_suite(suite_id);
  ASSERT_NE(suite, nullptr);
  auto secrets = read_keylog(dir.file("keys.log"));
  ASSERT_GE(secrets.size(), ending == Ending::Abort ? 2u : 4u) << "s_server wrote no key log";
  Scan left = search(*after, secrets, *suite);
  EXPECT_EQ(left.found, 0u) << "left in memory after the session: " << joined(left.labels_found);
  EXPECT_GE(left.needles, 6u);
  EXPECT_GT(after->bytes(), 256u << 10) << "the snapshot missed most of the process";
  if (during) {
    // The control: while the session is open the chip holds its traffic
    // secrets, and the scan must see them.
    Scan open = search(*during, secrets, *suite);
    EXPECT_GE(open.found, 2u) << "the scan found no secret of the open session: it cannot fail";
    std::printf("chip memory scan: %zu KiB; %zu of %zu needles found during the session, %zu after it\n",
                during->bytes() >> 10, open.found, open.needles, left.found);
  }
}

std::string ending_name(const testing::TestParamInfo<Ending>& info) {
  switch (info.param) {
    case Ending::TlsEnd: return "AfterTlsEnd";
    case Ending::Abort: return "AfterAnAbortedHandshake";
    case Ending::LinkDrop: return "AfterTheLinkDropped";
  }
  return "?";
}

INSTANTIATE_TEST_SUITE_P(Endings, ChipMemory, testing::Values(Ending::TlsEnd, Ending::Abort, Ending::LinkDrop),
                         ending_name);

}  // namespace
}  // namespace setls::test
