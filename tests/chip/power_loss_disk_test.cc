// Invariant 8 on a real state directory: FileMedium (nvm.bin, counter.bin)
// cut at every write step of a commit, each crash on its own copy of the
// directory; and the window between the bank write and the counter advance,
// after which setls-chipd itself boots the new state and moves the counter.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/chip_probe.h"
#include "tests/support/power_cut_medium.h"
#include "tests/support/process.h"
#include "tests/support/ram_chip.h"
#include "tests/support/temp_dir.h"

namespace setls::test {
namespace {

namespace fs = std::filesystem;
using bus::Command;

uint64_t counter_file(const std::string& dir) {
  std::ifstream in(dir + "/counter.bin", std::ios::binary);
  uint8_t b[8] = {};
  in.read(reinterpret_cast<char*>(b), 8);
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}

struct DiskChip {
  std::unique_ptr<chip::FileMedium> file;  // outlives the firmware that writes through it
  std::unique_ptr<chip::Firmware> firmware;
};

DiskChip open_chip(const std::string& dir, const chip::Fuses& fuses, std::optional<PowerCutMedium::Cut> cut = {}) {
  DiskChip c;
  c.file = std::move(chip::FileMedium::open(dir)).value();
  c.firmware = std::move(chip::Firmware::start(std::make_unique<PowerCutMedium>(*c.file, cut), fuses)).value();
  return c;
}

Result<Bytes> execute(chip::Firmware& fw, Command command, ByteView payload) {
  chip::Connection conn{1};
  return fw.execute(conn, static_cast<uint16_t>(command), payload);
}

class PowerLossOnDisk : public testing::Test {
 protected:
  void SetUp() override {
    master_ = dir_.file("master");
    fs::create_directory(master_);
    ASSERT_TRUE(chip::save_fuses(master_ + "/fuses.bin", *chip::burn_fuses()).ok());
    fuses_ = std::move(chip::load_fuses(master_ + "/fuses.bin")).value();
    DiskChip c = open_chip(master_, fuses_);
    ASSERT_TRUE(execute(*c.firmware, Command::Keygen, bus::encode_u8(1)).ok());
    ASSERT_TRUE(execute(*c.firmware, Command::AddRoot, bus::encode_vec16(pki_.root.der)).ok());
    old_state_ = state_bytes(c.firmware->state());
    old_generation_ = c.firmware->storage().generation();
  }

  // A copy of the master state directory for one crash.
  std::string copy(const std::string& name) {
    std::string to = dir_.file(name);
    fs::copy(master_, to, fs::copy_options::recursive);
    return to;
  }

  Bytes payload() { return bus::encode_vec16(pki_.intermediate.der); }

  TestPki pki_ = TestPki::create();
  TempDir dir_;
  std::string master_;
  chip::Fuses fuses_;
  Bytes old_state_;
  uint64_t old_generation_ = 0;
};

TEST_F(PowerLossOnDisk, EveryStepOfACommitOnRealFiles) {
  // The fault-free run tells the steps and the new state.
  std::string probe = copy("probe");
  std::vector<NvmStep> steps;
  Bytes new_state;
  {
    DiskChip c = open_chip(probe, fuses_);
    ASSERT_TRUE(execute(*c.firmware, Command::AddRoot, payload()).ok());
    steps = static_cast<PowerCutMedium&>(c.firmware->storage().medium()).steps();
    new_state = state_bytes(c.firmware->state());
  }
  size_t crash_points = 0, booted_new = 0;
  for (size_t step = 0; step < steps.size(); ++step) {
    for (Tear tear : tears_for(steps[step])) {
      SCOPED_TRACE("step " + std::to_string(step) + " " + step_name(steps[step]) + " " + tear_name(tear));
      std::string dir = copy("crash-" + std::to_string(crash_points));
      {
        DiskChip c = open_chip(dir, fuses_, PowerCutMedium::Cut{step, tear});
        EXPECT_FALSE(execute(*c.firmware, Command::AddRoot, payload()).ok());
      }
      DiskChip restarted = open_chip(dir, fuses_);
      Bytes got = state_bytes(restarted.firmware->state());
      ASSERT_TRUE(got == old_state_ || got == new_state);
      EXPECT_EQ(counter_file(dir), restarted.firmware->storage().generation());
      booted_new += got == new_state;
      ++crash_points;
      restarted = {};
      fs::remove_all(dir);
    }
  }
  std::printf("[ power loss on disk ] %zu crash points in one commit, %zu booted the new state\n", crash_points,
              booted_new);
  EXPECT_GE(crash_points, 20u);
  EXPECT_GT(booted_new, 0u);
}

TEST_F(PowerLossOnDisk, CrashBetweenBankWriteAndCounterAdvance) {
  std::string dir = copy("between");
  size_t counter_step = 0;
  {
    DiskChip c = open_chip(copy("count"), fuses_);
    ASSERT_TRUE(execute(*c.firmware, Command::AddRoot, payload()).ok());
    const auto& steps = static_cast<PowerCutMedium&>(c.firmware->storage().medium()).steps();
    ASSERT_EQ(steps.back(), NvmStep::Counter);
    counter_step = steps.size() - 1;
  }
  {
    DiskChip c = open_chip(dir, fuses_, PowerCutMedium::Cut{counter_step, Tear::None});
    EXPECT_EQ(execute(*c.firmware, Command::AddRoot, payload()).status(), Status::NvmIo);
  }
  // The new image is on disk, the counter is one behind.
  EXPECT_EQ(counter_file(dir), old_generation_);

  // setls-chipd boots it: the new image wins and the counter catches up.
  std::string socket = dir_.file("chip.sock");
  Process chipd = Process::start({binary("setls-chipd"), "--state", dir, "--socket", socket}, dir_.file("chipd.log"));
  ASSERT_TRUE(wait_for_path(socket, 10s));
  RunResult info = run({binary("setls"), "chip", "info", "--json", "--chip", "unix:" + socket}, "", 30s);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["objects"].size(), 3u);  // key, root, and the root whose commit was cut short
  EXPECT_EQ(j["lifecycle"], "manufacturing");
  EXPECT_EQ(chipd.stop(SIGTERM), 0);
  EXPECT_EQ(counter_file(dir), old_generation_ + 1);
}

}  // namespace
}  // namespace setls::test
