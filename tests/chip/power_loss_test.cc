// Invariant 8: cut power at any instant of any NVM write and the chip boots
// with exactly the old or exactly the new state.
//
// A reference run executes a long factory scenario that covers every
// NVM-writing command, keeping a copy of the flash before each command. Then,
// for every command, every write step k of it (erase, program, sync,
// advance-counter) and every way that step can be torn (tears_for()), the
// command runs again on a copy of the flash with power cut at step k; a new
// Firmware starts on what is left, with the same fuses, and its state must
// serialize byte for byte to the state before or after the command (for
// keygen: up to the random key). The restarted chip must then be able to
// finish the command. docs/nvm.md reports the crash-point count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <functional>

#include "tests/support/chip_probe.h"
#include "tests/support/power_cut_medium.h"
#include "tests/support/ram_chip.h"
#include "tools/setls/files.h"

namespace setls::test {
namespace {

using bus::Command;

// One command of the scenario as the reference run executed it.
struct Recorded {
  std::string name;
  Command command;
  Bytes payload;
  chip::MemoryMedium before;   // the flash just before it
  Bytes old_state, new_state;  // normalized (see compare())
  uint64_t old_generation = 0, new_generation = 0;
  std::vector<NvmStep> steps;  // the write steps it made
  bool random_key = false;     // keygen: the new state differs by the key
};

Bytes normalized(const chip::NvmState& s, bool random_key) {
  return random_key ? state_bytes_without_device_key(s) : state_bytes(s);
}

class Scenario {
 public:
  Scenario() : fuses_(std::move(chip::burn_fuses()).value()) {
    firmware_ = std::move(chip::Firmware::start(std::make_unique<PowerCutMedium>(flash_), fuses_)).value();
  }

  // Runs one command fault-free and records it. `payload` is computed now,
  // from the state the command will see.
  void run(std::string name, Command command, Bytes payload) {
    Recorded r;
    r.name = std::move(name);
    r.command = command;
    r.payload = std::move(payload);
    r.before = flash_;
    r.random_key = command == Command::Keygen;
    r.old_state = normalized(firmware_->state(), r.random_key);
    r.old_generation = firmware_->storage().generation();
    auto& medium = static_cast<PowerCutMedium&>(firmware_->storage().medium());
    size_t steps_before = medium.steps().size();
    chip::Connection conn{1};
    auto result = firmware_->execute(conn, static_cast<uint16_t>(command), r.payload);
    ASSERT_TRUE(result.ok()) << r.name << ": " << describe(result.error());
    last_answer_ = *result;
    r.new_state = normalized(firmware_->state(), r.random_key);
    r.new_generation = firmware_->storage().generation();
    r.steps.assign(medium.steps().begin() + static_cast<long>(steps_before), medium.steps().end());
    ASSERT_FALSE(r.steps.empty()) << r.name << " wrote nothing";
    recorded_.push_back(std::move(r));
  }

  // A command that does not write (CSR), for what later commands need.
  Bytes ask(Command command, ByteView payload) {
    chip::Connection conn{1};
    auto result = firmware_->execute(conn, static_cast<uint16_t>(command), payload);
    if (!result) throw std::runtime_error(describe(result.error()));
    return *result;
  }

  const chip::NvmState& state() const { return firmware_->state(); }
  const chip::Fuses& fuses() const { return fuses_; }
  const std::vector<Recorded>& recorded() const { return recorded_; }
  size_t image_size() const { return firmware_->storage().used(); }

 private:
  chip::Fuses fuses_;
  chip::MemoryMedium flash_;
  std::unique_ptr<chip::Firmware> firmware_;
  std::vector<Recorded> recorded_;
  Bytes last_answer_;
};

// Every NVM-writing command, the image growing over several KiB.
void build_scenario(Scenario& s, const TestPki& pki, size_t& largest_image) {
  auto u8 = [](auto v) { return bus::encode_u8(static_cast<uint8_t>(v)); };
  std::vector<TestCert> roots;
  for (int i = 0; i < 18; ++i)
    roots.push_back(issue({.subject = "/CN=power-loss root " + std::to_string(i) + "/O=setls tests", .ca = true},
                          TestKey::ec(), nullptr));

  // Manufacturing, then starting over.
  s.run("keygen P-256", Command::Keygen, u8(Curve::P256));
  s.run("add-root", Command::AddRoot, bus::encode_vec16(roots[0].der));
  s.run("add-root", Command::AddRoot, bus::encode_vec16(roots[1].der));
  s.run("zeroize (manufacturing)", Command::Zeroize, {});

  // The full factory flow.
  s.run("keygen P-384", Command::Keygen, u8(Curve::P384));
  Bytes csr = s.ask(Command::Csr, bus::encode_vec16(*cli::subject_to_der("/CN=device-0001/O=setls tests")));
  TestCert device = issue_for_csr({.subject = "/CN=device-0001", .eku = "clientAuth"}, csr, pki.device_ca);
  s.run("install-cert device", Command::InstallCert, bus::encode_role_and_der(bus::ObjectRole::DeviceCert, device.der));
  s.run("install-cert chain", Command::InstallCert,
        bus::encode_role_and_der(bus::ObjectRole::DeviceChainCert, pki.intermediate.der));
  s.run("add-root", Command::AddRoot, bus::encode_vec16(pki.root.der));
  for (size_t i = 2; i < roots.size(); ++i) s.run("add-root", Command::AddRoot, bus::encode_vec16(roots[i].der));
  s.run("set-admin-key", Command::SetAdminKey, bus::encode_vec16(pki.admin_key.spki()));
  s.run("set-firmware-key", Command::SetFirmwareKey, bus::encode_vec16(pki.firmware_key.spki()));
  s.run("set-firmware-key (replace)", Command::SetFirmwareKey, bus::encode_vec16(TestKey::ec().spki()));
  uint16_t some_root = s.state().find_role(bus::ObjectRole::RootCa)->id;
  largest_image = s.image_size();
  s.run("remove", Command::DeleteObject, bus::encode_u16(some_root));
  s.run("lock", Command::Lock, {});
  s.run("zeroize (operational)", Command::Zeroize, {});
}

struct Tally {
  size_t crash_points = 0;
  size_t booted_old = 0;
  size_t booted_new = 0;
};

// One crash point: the command again from its `before` flash, power cut at
// `step` torn as `tear`, then a restart.
void crash_and_restart(const Recorded& r, const chip::Fuses& fuses, size_t step, Tear tear, Tally& tally) {
  SCOPED_TRACE(r.name + ", step " + std::to_string(step) + " (" + step_name(r.steps[step]) + "), tear " +
               tear_name(tear));
  chip::MemoryMedium flash = r.before;
  {
    auto fw = chip::Firmware::start(std::make_unique<PowerCutMedium>(flash, PowerCutMedium::Cut{step, tear}), fuses);
    ASSERT_TRUE(fw.ok()) << describe(fw.error());
    chip::Connection conn{1};
    auto result = (*fw)->execute(conn, static_cast<uint16_t>(r.command), r.payload);
    // The chip never claims success for a write that power cut short.
    EXPECT_FALSE(result.ok());
    auto& medium = static_cast<PowerCutMedium&>((*fw)->storage().medium());
    ASSERT_TRUE(medium.power_lost()) << "the cut step was never reached";
  }

  auto restarted = chip::Firmware::start(std::make_unique<PowerCutMedium>(flash), fuses);
  ASSERT_TRUE(restarted.ok()) << "the chip does not start after the cut: " << describe(restarted.error());
  chip::Firmware& fw = **restarted;
  Bytes got = normalized(fw.state(), r.random_key);
  bool is_old = got == r.old_state;
  bool is_new = got == r.new_state;
  ASSERT_TRUE(is_old || is_new) << "the chip booted with a state that is neither the old nor the new one";
  EXPECT_EQ(fw.storage().generation(), is_new ? r.new_generation : r.old_generation);
  EXPECT_EQ(*flash.read_counter(), fw.storage().generation()) << "the counter must match the image after boot";
  ++tally.crash_points;
  ++(is_new ? tally.booted_new : tally.booted_old);

  // Whatever the torn bank holds, the chip can still commit: finish the command.
  if (is_old) {
    chip::Connection conn{2};
    auto again = fw.execute(conn, static_cast<uint16_t>(r.command), r.payload);
    ASSERT_TRUE(again.ok()) << describe(again.error());
    EXPECT_EQ(normalized(fw.state(), r.random_key), r.new_state);
    EXPECT_EQ(fw.storage().generation(), r.new_generation);
  }
}

TEST(PowerLoss, EveryWriteStepOfEveryCommandBootsTheOldOrTheNewState) {
  TestPki pki = TestPki::create();
  Scenario scenario;
  size_t largest_image = 0;
  build_scenario(scenario, pki, largest_image);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_GT(largest_image, 8u * 1024) << "the image should span many pages";

  Tally tally;
  std::map<std::string, size_t> per_command;
  for (const Recorded& r : scenario.recorded()) {
    size_t before = tally.crash_points;
    for (size_t step = 0; step < r.steps.size(); ++step) {
      for (Tear tear : tears_for(r.steps[step])) {
        crash_and_restart(r, scenario.fuses(), step, tear, tally);
        ASSERT_FALSE(HasFatalFailure());
      }
    }
    per_command[r.name] += tally.crash_points - before;
  }
  std::printf("[ power loss ] %zu commands, %zu crash points: booted old %zu, new %zu; largest image %zu bytes\n",
              scenario.recorded().size(), tally.crash_points, tally.booted_old, tally.booted_new, largest_image);
  for (const auto& [name, n] : per_command) std::printf("[ power loss ]   %-28s %5zu\n", name.c_str(), n);
  EXPECT_GE(tally.crash_points, 1000u);
  EXPECT_GT(tally.booted_old, 0u);
  EXPECT_GT(tally.booted_new, 0u);
}

bool bank_erased(const Bytes& bank) {
  return std::all_of(bank.begin(), bank.end(), [](uint8_t b) { return b == chip::kErasedByte; });
}

TEST(PowerLoss, AZeroizeCutShortLeavesNoOldImageInFlash) {
  // Zeroize commits the blank state, then erases the bank with the old
  // image (device key included). When power dies in between, the restarted
  // chip must finish that erase: no key may outlive a zeroize in flash.
  TestPki pki = TestPki::create();
  Scenario scenario;
  size_t largest_image = 0;
  build_scenario(scenario, pki, largest_image);
  size_t checked = 0;
  for (const Recorded& r : scenario.recorded()) {
    if (r.command != Command::Zeroize) continue;
    for (size_t step = 0; step < r.steps.size(); ++step) {
      for (Tear tear : tears_for(r.steps[step])) {
        SCOPED_TRACE(r.name + ", step " + std::to_string(step) + " " + tear_name(tear));
        chip::MemoryMedium flash = r.before;
        {
          auto fw = chip::Firmware::start(std::make_unique<PowerCutMedium>(flash, PowerCutMedium::Cut{step, tear}),
                                          scenario.fuses());
          chip::Connection conn{1};
          (void)(*fw)->execute(conn, static_cast<uint16_t>(r.command), r.payload);
        }
        auto restarted = chip::Firmware::start(std::make_unique<PowerCutMedium>(flash), scenario.fuses());
        ASSERT_TRUE(restarted.ok());
        if (state_bytes((*restarted)->state()) != r.new_state) continue;
        EXPECT_TRUE(bank_erased(flash.bank(0)) || bank_erased(flash.bank(1)))
            << "the pre-zeroize image is still in flash";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 4u);
}

TEST(PowerLoss, EveryCommandOfTheScenarioWrites) {
  // The scenario must keep covering every NVM-writing command of the table.
  TestPki pki = TestPki::create();
  Scenario scenario;
  size_t largest_image = 0;
  build_scenario(scenario, pki, largest_image);
  std::set<Command> covered;
  for (const Recorded& r : scenario.recorded()) covered.insert(r.command);
  for (Command c : {Command::Keygen, Command::InstallCert, Command::AddRoot, Command::SetAdminKey,
                    Command::SetFirmwareKey, Command::DeleteObject, Command::Lock, Command::Zeroize})
    EXPECT_TRUE(covered.count(c)) << bus::command_name(static_cast<uint16_t>(c));
}

}  // namespace
}  // namespace setls::test
