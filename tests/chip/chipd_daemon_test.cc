// setls-chipd as a process: many host connections at once, clean shutdown
// on SIGTERM (exit 0, socket removed), state that survives a restart, one
// daemon per state directory, and a --verbose trace with codes and sizes
// only: no payload byte, public or secret, ever reaches the log.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <thread>

#include "chip/nvm/fuses.h"
#include "host/driver/chip_driver.h"
#include "tests/support/chip_probe.h"
#include "tests/support/chipd.h"
#include "tests/support/pki.h"
#include "tests/support/temp_dir.h"
#include "tools/setls/files.h"

namespace setls::test {
namespace {

using nlohmann::json;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class ChipdDaemon : public testing::Test {
 protected:
  std::unique_ptr<ChipDaemon> start(std::vector<std::string> extra = {}) {
    std::string log = tmp_.file("chipd-" + std::to_string(++starts_) + ".log");
    auto d = std::make_unique<ChipDaemon>(state(), socket(), log, extra);
    EXPECT_TRUE(d->listening()) << d->log();
    return d;
  }
  std::string state() { return tmp_.file("state"); }
  std::string socket() { return tmp_.file("chip.sock"); }
  TempDir tmp_;
  int starts_ = 0;
};

TEST_F(ChipdDaemon, ServesManyConcurrentHostConnections) {
  auto chipd = start();
  constexpr int kThreads = 16, kRounds = 25;
  std::atomic<int> failures{0}, commands{0};
  std::vector<std::thread> hosts;
  for (int t = 0; t < kThreads; ++t) {
    hosts.emplace_back([&] {
      auto driver = host::ChipDriver::connect(chipd->address(), 10s);
      if (!driver) {
        ++failures;
        return;
      }
      for (int i = 0; i < kRounds; ++i) {
        auto info = (*driver)->info();
        auto random = (*driver)->random(32);
        if (!info || !random || random->size() != 32) ++failures;
        commands += 2;
      }
    });
  }
  for (auto& h : hosts) h.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(commands, kThreads * kRounds * 2);

  // Many links open at once, used in turn: each keeps its own sequence.
  std::vector<std::unique_ptr<host::ChipDriver>> open;
  for (int i = 0; i < 40; ++i) {
    auto driver = host::ChipDriver::connect(chipd->address(), 10s);
    ASSERT_TRUE(driver.ok()) << i << ": " << describe(driver.error());
    open.push_back(std::move(*driver));
  }
  for (int round = 0; round < 3; ++round)
    for (auto& d : open) ASSERT_TRUE(d->info().ok());
  // CLI processes side by side.
  std::vector<std::thread> clis;
  std::atomic<int> cli_failures{0};
  for (int i = 0; i < 6; ++i)
    clis.emplace_back([&] {
      if (chipd->setls({"chip", "info", "--json"}).exit_code != 0) ++cli_failures;
    });
  for (auto& c : clis) c.join();
  EXPECT_EQ(cli_failures, 0);
}

TEST_F(ChipdDaemon, SigtermExitsCleanlyAndStatePersists) {
  auto chipd = start();
  TestPki pki = TestPki::create();
  write_text(tmp_.file("root.crt"), pki.root.pem);
  ASSERT_EQ(chipd->setls({"factory", "keygen"}).exit_code, 0);
  ASSERT_EQ(chipd->setls({"factory", "add-root", tmp_.file("root.crt")}).exit_code, 0);
  RunResult before = chipd->setls({"chip", "info", "--json"});
  ASSERT_EQ(before.exit_code, 0);

  EXPECT_EQ(chipd->stop(SIGTERM), 0);
  EXPECT_FALSE(exists(socket())) << "the socket must be removed on shutdown";
  EXPECT_NE(chipd->log().find("shutting down"), std::string::npos) << chipd->log();

  auto again = start();
  EXPECT_EQ(again->log().find(", new)"), std::string::npos) << "a restart is the same chip, not a new one";
  RunResult after = again->setls({"chip", "info", "--json"});
  ASSERT_EQ(after.exit_code, 0);
  EXPECT_EQ(json::parse(after.out), json::parse(before.out));
  EXPECT_EQ(again->stop(SIGINT), 0);
  EXPECT_FALSE(exists(socket()));
}

TEST_F(ChipdDaemon, ALiveDaemonsSocketIsNeverTakenOver) {
  auto chipd = start();
  // Another chip (its own state) asked to serve on the same socket path.
  RunResult second = run({binary("setls-chipd"), "--state", tmp_.file("other-state"), "--socket", socket()}, "", 20s);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use"), std::string::npos) << second.err;
  EXPECT_FALSE(exists(socket() + ".binding"));
  EXPECT_EQ(chipd->setls({"chip", "info"}).exit_code, 0) << "the first daemon still answers on its socket";
}

TEST_F(ChipdDaemon, OneDaemonPerStateDirectory) {
  auto chipd = start();
  RunResult second = run({binary("setls-chipd"), "--state", state(), "--socket", tmp_.file("other.sock")}, "", 20s);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("in use by another chip process"), std::string::npos) << second.err;
  // The first one is unaffected.
  EXPECT_EQ(chipd->setls({"chip", "info"}).exit_code, 0);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST_F(ChipdDaemon, VerboseTraceNeverContainsPayloadBytes) {
  auto chipd = start({"--verbose"});
  ASSERT_EQ(chipd->setls({"factory", "keygen", "--out", tmp_.file("device.pub")}).exit_code, 0);
  ASSERT_EQ(chipd->setls({"factory", "csr", "--subject", "/CN=trace-subject-7731/O=Example", "--out",
                          tmp_.file("device.csr")})
                .exit_code,
            0);
  ASSERT_EQ(chipd->setls({"chip", "info"}).exit_code, 0);
  EXPECT_EQ(chipd->stop(), 0);
  std::string log = lower(chipd->log());

  // It traces: command names, sizes and statuses.
  EXPECT_NE(log.find("keygen"), std::string::npos) << log;
  EXPECT_NE(log.find("csr"), std::string::npos) << log;
  // But never what was carried: the public key, the CSR, the subject, the
  // serial's bytes aside (printed once in the banner by design), nor the
  // private scalar that sits in the NVM.
  auto spki = cli::read_public_key(tmp_.file("device.pub"));
  ASSERT_TRUE(spki.ok());
  auto csr = cli::read_file(tmp_.file("device.csr"));
  ASSERT_TRUE(csr.ok());
  EcKey key = std::move(EcKey::from_spki_der(*spki)).value();
  Bytes point = key.public_point();
  for (size_t at = 0; at + 8 <= point.size(); at += 8)
    EXPECT_EQ(log.find(to_hex(ByteView(point).subspan(at, 8))), std::string::npos) << "public key bytes in the trace";
  EXPECT_EQ(log.find(to_hex(*spki).substr(0, 32)), std::string::npos);
  EXPECT_EQ(log.find("trace-subject-7731"), std::string::npos);
  std::string csr_pem(csr->begin(), csr->end());
  std::string csr_line = csr_pem.substr(csr_pem.find('\n') + 1, 40);
  EXPECT_EQ(lower(chipd->log()).find(lower(csr_line)), std::string::npos);

  auto fuses = chip::load_fuses(state() + "/fuses.bin");
  ASSERT_TRUE(fuses.ok());
  auto medium = chip::FileMedium::open(state());
  ASSERT_TRUE(medium.ok());
  auto fw = chip::Firmware::start(std::move(*medium), *fuses);
  ASSERT_TRUE(fw.ok());
  Bytes scalar = device_private_scalar((*fw)->state());
  ASSERT_EQ(scalar.size(), 32u);
  EXPECT_EQ(log.find(to_hex(ByteView(scalar).first(8))), std::string::npos) << "private key bytes in the trace";
}

}  // namespace
}  // namespace setls::test
