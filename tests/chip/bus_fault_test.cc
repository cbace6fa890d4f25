// Bus faults (ARCHITECTURE.md "The bus"): flipped bits, lost requests, lost
// answers and repeated frames are detected and never acted on. A full
// provisioning plus traffic runs through a seeded faulty link for many
// seeds; the chip ends exactly as after a fault-free run, every command ran
// exactly once (counted in the firmware through BusPort::on_trace), and the
// driver had to retransmit to get there.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "tests/support/chip_probe.h"
#include "tests/support/faulty_transport.h"
#include "tests/support/ram_chip.h"

namespace setls::test {
namespace {

const TestPki& pki() {
  static const TestPki instance = TestPki::create();
  return instance;
}

const std::vector<TestCert>& extra_roots() {
  static const std::vector<TestCert> roots = [] {
    std::vector<TestCert> out;
    for (int i = 0; i < 6; ++i)
      out.push_back(issue({.subject = "/CN=extra root " + std::to_string(i) + "/O=setls tests", .ca = true},
                          TestKey::ec(), nullptr));
    return out;
  }();
  return roots;
}

// What the port did with each frame, from its trace: executed by the
// firmware, answered from the replay cache, or refused before the firmware.
struct PortCounts {
  std::map<uint16_t, int> executed;  // per command id
  int replayed = 0;
  int refused = 0;
  int total_executed() const {
    int n = 0;
    for (const auto& [code, count] : executed) n += count;
    return n;
  }
};

bool refused_by_port(Status s) {
  return s == Status::BusCrc || s == Status::BusFrameLength || s == Status::BusFrameTooLarge ||
         s == Status::BusMagic || s == Status::BusNoHello || s == Status::BusSequence;
}

struct FaultyChip {
  std::unique_ptr<chip::Firmware> firmware;
  FaultyTransport* faults = nullptr;  // owned by driver
  std::unique_ptr<host::ChipDriver> driver;
  std::shared_ptr<PortCounts> counts = std::make_shared<PortCounts>();
};

// With `faulty_hello` false the link is clean until HELLO is through.
FaultyChip connect(FaultPlan plan, bool faulty_hello = true) {
  FaultyChip c;
  c.firmware = std::move(chip::make_ram_chip()).value();
  auto in_process = std::make_unique<chip::InProcessTransport>(*c.firmware, 1);
  in_process->port().on_trace = [counts = c.counts](const chip::TraceEvent& e) {
    if (e.replayed) ++counts->replayed;
    else if (refused_by_port(e.status)) ++counts->refused;
    else ++counts->executed[e.command];
  };
  auto faulty = std::make_unique<FaultyTransport>(std::move(in_process), plan);
  c.faults = faulty.get();
  if (!faulty_hello) faulty->set_rate(0.0);
  auto driver = host::ChipDriver::open(std::move(faulty));
  if (!driver) throw std::runtime_error("HELLO through the faulty link: " + describe(driver.error()));
  c.driver = std::move(*driver);
  c.faults->set_rate(plan.rate);
  return c;
}

// Provisioning plus reads, as a factory station and then a device would.
void workload(host::ChipDriver& d) {
  provision(d, pki(), Curve::P256, /*lock=*/false);
  for (const TestCert& root : extra_roots()) ASSERT_TRUE(d.add_root(root.der).ok());
  ASSERT_EQ(*d.lock(), bus::Lifecycle::Operational);
  for (int i = 0; i < 3; ++i) {
    auto info = d.info();
    ASSERT_TRUE(info.ok()) << describe(info.error());
    ASSERT_EQ(info->objects.size(), 5u + extra_roots().size());
    for (const auto& o : info->objects) ASSERT_TRUE(d.read_object(o.id).ok());
    auto random = d.random(64);
    ASSERT_TRUE(random.ok());
    ASSERT_EQ(random->size(), 64u);
  }
  // What comes back through a faulty link is what the chip holds.
  auto root = d.read_object(3);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->data, pki().root.der);
}

TEST(BusFaults, ProvisioningThroughAFaultyLinkEndsLikeAFaultFreeRun) {
  FaultyChip clean = connect({.seed = 0, .rate = 0.0});
  workload(*clean.driver);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(clean.driver->stats().retransmissions, 0u);
  Bytes expected_state = state_bytes_without_device_key(clean.firmware->state());
  size_t objects = clean.firmware->state().objects.size();

  constexpr int kSeeds = 40;
  FaultStats faults;
  uint64_t retransmissions = 0;
  int replayed = 0, refused = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FaultyChip run = connect({.seed = static_cast<uint64_t>(seed), .rate = 0.35});
    workload(*run.driver);
    ASSERT_FALSE(HasFatalFailure());
    const chip::NvmState& s = run.firmware->state();

    // The same chip as the fault-free run, but for its own random key.
    EXPECT_EQ(state_bytes_without_device_key(s), expected_state);
    // Each mutating command ran once: ids 1..n with no gap, one device key,
    // every root stored once.
    ASSERT_EQ(s.objects.size(), objects);
    EXPECT_EQ(s.next_object_id, objects + 1);
    for (size_t i = 0; i < s.objects.size(); ++i) EXPECT_EQ(s.objects[i].id, i + 1);
    EXPECT_EQ(s.count_role(bus::ObjectRole::DeviceKey), 1u);
    std::set<Bytes> roots;
    for (const auto& o : s.objects)
      if (o.role == bus::ObjectRole::RootCa) roots.insert(o.public_data);
    EXPECT_EQ(roots.size(), s.count_role(bus::ObjectRole::RootCa));
    // The firmware ran every command exactly as often as without faults:
    // nothing damaged, lost or repeated was executed.
    EXPECT_EQ(run.counts->executed, clean.counts->executed);

    retransmissions += run.driver->stats().retransmissions;
    replayed += run.counts->replayed;
    refused += run.counts->refused;
    for (size_t k = 0; k < faults.injected.size(); ++k) faults.injected[k] += run.faults->stats().injected[k];
    faults.exchanges += run.faults->stats().exchanges;
  }
  EXPECT_GT(retransmissions, 100u);
  EXPECT_GT(replayed, 0);
  EXPECT_GT(refused, 0);
  for (size_t k = 0; k < faults.injected.size(); ++k)
    EXPECT_GT(faults.injected[k], 0u) << fault_name(static_cast<Fault>(k));
  std::printf("[ bus faults ] %d seeds: %llu exchanges, %llu faults injected (", kSeeds,
              static_cast<unsigned long long>(faults.exchanges), static_cast<unsigned long long>(faults.total()));
  for (size_t k = 0; k < faults.injected.size(); ++k)
    std::printf("%s%s %llu", k ? ", " : "", fault_name(static_cast<Fault>(k)),
                static_cast<unsigned long long>(faults.injected[k]));
  std::printf("); driver retransmissions %llu; chip replays %d, refusals %d\n",
              static_cast<unsigned long long>(retransmissions), replayed, refused);
}

TEST(BusFaults, AFlippedBitIsNeverActedOn) {
  // Every exchange that may be damaged is: the first two attempts of each
  // command reach the chip with flipped bits, the third is clean.
  FaultyChip run = connect({.seed = 7, .rate = 1.0, .kinds = 1u << static_cast<int>(Fault::FlipRequest)}, false);
  FaultyChip clean = connect({.seed = 0, .rate = 0.0});
  workload(*run.driver);
  workload(*clean.driver);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(run.counts->executed, clean.counts->executed);
  EXPECT_EQ(run.counts->total_executed(), clean.counts->total_executed());
  // Two damaged copies of every frame after HELLO were refused by the port.
  EXPECT_EQ(run.counts->refused, 2 * (clean.counts->total_executed() - 1));
  EXPECT_EQ(run.driver->stats().retransmissions, static_cast<uint64_t>(run.counts->refused));
  EXPECT_EQ(run.counts->replayed, 0);
  EXPECT_EQ(state_bytes_without_device_key(run.firmware->state()),
            state_bytes_without_device_key(clean.firmware->state()));
}

TEST(BusFaults, LostAnswersAreReplayedNotReExecuted) {
  FaultyChip run = connect({.seed = 3, .rate = 1.0, .kinds = 1u << static_cast<int>(Fault::DropAnswer)}, false);
  auto key = run.driver->keygen(Curve::P256);
  ASSERT_TRUE(key.ok()) << describe(key.error());
  // Two answers lost, the third attempt answered from the cache.
  EXPECT_EQ(run.driver->stats().retransmissions, 2u);
  EXPECT_EQ(run.counts->executed[static_cast<uint16_t>(bus::Command::Keygen)], 1);
  EXPECT_EQ(run.counts->replayed, 2);
  EXPECT_EQ(run.firmware->state().count_role(bus::ObjectRole::DeviceKey), 1u);
  EXPECT_EQ(run.firmware->state().find(key->id)->public_data, key->spki);
}

TEST(BusFaults, ADeadLinkGivesUpAfterRetriesAndTheCommandRanOnce) {
  // Only answers are lost, without limit: the chip hears every attempt.
  FaultyChip probe = connect({.seed = 5,
                              .rate = 1.0,
                              .max_consecutive_losses = 1000,
                              .kinds = 1u << static_cast<int>(Fault::DropAnswer)},
                             false);
  auto key = probe.driver->keygen(Curve::P256);
  EXPECT_EQ(key.status(), Status::BusRetriesExhausted);
  EXPECT_EQ(probe.driver->stats().retransmissions, static_cast<uint64_t>(host::ChipDriver::kMaxRetransmissions));
  EXPECT_EQ(probe.counts->executed[static_cast<uint16_t>(bus::Command::Keygen)], 1);
  EXPECT_EQ(probe.counts->replayed, host::ChipDriver::kMaxRetransmissions);
  EXPECT_EQ(probe.firmware->state().count_role(bus::ObjectRole::DeviceKey), 1u);
}

}  // namespace
}  // namespace setls::test
