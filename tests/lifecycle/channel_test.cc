// The host–chip secure channel: mutual authentication by the paired keys,
// every frame protected, and any failure closes the link with nothing done.
#include <gtest/gtest.h>

#include "common/bus/frame.h"
#include "tests/support/bus_tap.h"
#include "tests/support/ram_chip.h"
#include "tests/support/raw_link.h"

namespace setls::test {
namespace {

struct ChannelFixture : ::testing::Test {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  EcKey host_key = EcKey::generate(Curve::P256).value();
  EcKey chip_channel_key;
  BusTap* tap = nullptr;

  void SetUp() override {
    auto spki = chip.driver->pair_host(host_key.spki_der());
    ASSERT_TRUE(spki.ok());
    chip_channel_key = EcKey::from_spki_der(*spki).value();
    provision(*chip.driver, pki);
  }

  std::unique_ptr<host::ChipDriver> tapped_driver() {
    auto t = std::make_unique<BusTap>(std::make_unique<chip::InProcessTransport>(*chip.firmware, 77));
    tap = t.get();
    return host::ChipDriver::open(std::move(t)).value();
  }
};

TEST_F(ChannelFixture, EveryFrameAfterTheHandshakeIsProtected) {
  auto driver = tapped_driver();
  ASSERT_TRUE(driver->open_channel(host_key, chip_channel_key).ok());
  size_t before = tap->requests.size();
  auto info = driver->info();
  ASSERT_TRUE(info.ok());
  ASSERT_GT(tap->requests.size(), before);
  for (size_t i = before; i < tap->requests.size(); ++i) {
    EXPECT_TRUE(tap->requests[i][1] & bus::kFlagSecure);
    EXPECT_TRUE(tap->answers[i][1] & bus::kFlagSecure);
  }
  // The certificate subjects in INFO never cross the bus in the clear.
  EXPECT_FALSE(tap->saw(as_bytes("device-0001")));
  EXPECT_FALSE(tap->saw(as_bytes("setls test root")));
  // Without the channel they do (the check above can fail).
  auto plain = tapped_driver();
  ASSERT_TRUE(plain->info().ok());
  EXPECT_TRUE(tap->saw(as_bytes("setls test root")));
}

TEST_F(ChannelFixture, LargeCommandsAndAnswersAreChunkedUnderTheChannel) {
  auto driver = tapped_driver();
  ASSERT_TRUE(driver->open_channel(host_key, chip_channel_key).ok());
  auto big = driver->call(bus::Command::GetRandom, Bytes{0x03, 0xE8});
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->size(), 1000u);
  // 9000 bytes go as five protected chunks, reassembled and authenticated
  // before the firmware sees the command.
  Bytes image(9000, 0x5A);
  auto refused = driver->call(bus::Command::BootData, image);
  EXPECT_EQ(refused.status(), Status::NoBootInProgress);  // arrived whole, then refused by policy
}

TEST_F(ChannelFixture, ATamperedFrameClosesTheLinkAndIsNotActedOn) {
  auto driver = tapped_driver();
  ASSERT_TRUE(driver->open_channel(host_key, chip_channel_key).ok());
  uint64_t generation = chip.firmware->storage().generation();
  tap->tamper_request = [](Bytes& frame) {
    frame[bus::kHeaderSize] ^= 0x01;  // first ciphertext byte
    fix_crc(frame);
  };
  EXPECT_EQ(driver->zeroize().status(), Status::BusChannelAuth);
  tap->tamper_request = nullptr;
  EXPECT_EQ(chip.firmware->storage().generation(), generation);
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Operational);
  // The link is dead for good, whatever comes next.
  EXPECT_FALSE(driver->info().ok());
}

TEST_F(ChannelFixture, APlainFrameAfterTheHandshakeClosesTheLink) {
  auto driver = tapped_driver();
  ASSERT_TRUE(driver->open_channel(host_key, chip_channel_key).ok());
  uint16_t seq = 0;
  {
    Bytes last = tap->requests.back();
    seq = static_cast<uint16_t>((last[2] << 8 | last[3]) + 1);
  }
  // Someone else on the bus injects an unprotected ZEROIZE.
  Bytes frame = bus::encode_frame({bus::kCommandMarker, 0, seq, static_cast<uint16_t>(bus::Command::Zeroize), {}});
  tap->tamper_request = [&](Bytes& f) { f = frame; };
  EXPECT_EQ(driver->info().status(), Status::BusChannelAuth);
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Operational);
}

TEST_F(ChannelFixture, WrongHostKeyIsRefused) {
  auto driver = tapped_driver();
  EcKey impostor = EcKey::generate(Curve::P256).value();
  EXPECT_EQ(driver->open_channel(impostor, chip_channel_key).status(), Status::BusChannelAuth);
  EXPECT_FALSE(driver->secure());
}

TEST_F(ChannelFixture, AChipWithoutThePairedKeyIsRefusedByTheHost) {
  auto driver = tapped_driver();
  EcKey wrong_chip = EcKey::generate(Curve::P256).value();
  EXPECT_EQ(driver->open_channel(host_key, wrong_chip).status(), Status::BusChannelAuth);
  // The host stopped before signing anything.
  EXPECT_EQ(tap->requests.size(), 2u);  // HELLO, ChannelOpen
}

TEST(ChannelUnpaired, AnUnpairedChipHasNoChannel) {
  RamChip chip = RamChip::create();
  EcKey a = EcKey::generate(Curve::P256).value(), b = EcKey::generate(Curve::P256).value();
  EXPECT_EQ(chip.driver->open_channel(a, b).status(), Status::ChannelRequired);
}

}  // namespace
}  // namespace setls::test
