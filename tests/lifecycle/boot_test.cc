// Secure boot: the chip hashes the image itself, checks the signed manifest,
// keeps an anti-rollback counter, and records the result for the power cycle.
#include <gtest/gtest.h>

#include "common/crypto/random.h"
#include "common/signed/manifest.h"
#include "tests/support/ram_chip.h"

namespace setls::test {
namespace {

struct BootFixture : ::testing::Test {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  Bytes image = Bytes(70000);
  void SetUp() override {
    provision(*chip.driver, pki);
    ASSERT_TRUE(random_bytes(image).ok());
  }
  Bytes manifest(uint32_t version, const TestKey& key, ByteView img) {
    firmware::Manifest m;
    m.version = version;
    m.image_size = img.size();
    Digest d = digest(HashAlg::Sha256, img);
    std::copy(d.bytes.begin(), d.bytes.begin() + 32, m.digest.begin());
    return firmware::sign_manifest(m, EcKey::from_pkey(key.get()).value()).value();
  }
  bus::BootState boot_state() { return chip.driver->info()->boot_state; }
};

TEST_F(BootFixture, VerifiedImageBootsAndRaisesTheCounter) {
  auto v = chip.driver->secure_boot(manifest(7, pki.firmware_key, image), image);
  ASSERT_TRUE(v.ok()) << describe(v.error());
  auto info = chip.driver->info();
  EXPECT_EQ(info->boot_state, bus::BootState::Verified);
  EXPECT_EQ(info->booted_version, 7u);
  EXPECT_EQ(info->rollback_version, 7u);
}

TEST_F(BootFixture, AlteredImageFails) {
  Bytes m = manifest(1, pki.firmware_key, image);
  image[12345] ^= 0x80;
  EXPECT_EQ(chip.driver->secure_boot(m, image).status(), Status::ImageMismatch);
  EXPECT_EQ(boot_state(), bus::BootState::Failed);
}

TEST_F(BootFixture, TruncatedOrLongerImageFails) {
  Bytes m = manifest(1, pki.firmware_key, image);
  Bytes shorter(image.begin(), image.end() - 1);
  EXPECT_EQ(chip.driver->secure_boot(m, shorter).status(), Status::ImageMismatch);
  ASSERT_TRUE(chip.driver->reset().ok());
  Bytes longer = image;
  longer.push_back(0);
  EXPECT_EQ(chip.driver->secure_boot(m, longer).status(), Status::ImageMismatch);
}

TEST_F(BootFixture, ManifestSignedByAnotherKeyFails) {
  EXPECT_EQ(chip.driver->secure_boot(manifest(1, pki.admin_key, image), image).status(), Status::ManifestInvalid);
  EXPECT_EQ(boot_state(), bus::BootState::Failed);
}

TEST_F(BootFixture, RollbackIsRefused) {
  ASSERT_TRUE(chip.driver->secure_boot(manifest(5, pki.firmware_key, image), image).ok());
  ASSERT_TRUE(chip.driver->reset().ok());
  EXPECT_EQ(boot_state(), bus::BootState::NotBooted);
  EXPECT_EQ(chip.driver->secure_boot(manifest(4, pki.firmware_key, image), image).status(), Status::Rollback);
  ASSERT_TRUE(chip.driver->reset().ok());
  EXPECT_TRUE(chip.driver->secure_boot(manifest(5, pki.firmware_key, image), image).ok());  // same version is fine
}

TEST_F(BootFixture, OneBootPerPowerCycle) {
  ASSERT_TRUE(chip.driver->secure_boot(manifest(1, pki.firmware_key, image), image).ok());
  EXPECT_EQ(chip.driver->secure_boot(manifest(2, pki.firmware_key, image), image).status(),
            Status::BootAlreadyRecorded);
  ASSERT_TRUE(chip.driver->reset().ok());
  EXPECT_TRUE(chip.driver->secure_boot(manifest(2, pki.firmware_key, image), image).ok());
}

TEST_F(BootFixture, DataWithoutManifestIsRefused) {
  EXPECT_EQ(chip.driver->call(bus::Command::BootData, Bytes(10)).status(), Status::NoBootInProgress);
  EXPECT_EQ(chip.driver->call(bus::Command::BootFinish).status(), Status::NoBootInProgress);
}

TEST_F(BootFixture, RotatedFirmwareKeyIsTheOnlyOneAccepted) {
  // The firmware key may only change through a signed admin command; the
  // direct factory command is closed after lock.
  EXPECT_EQ(chip.driver->set_firmware_key(TestKey::ec().spki()).status(), Status::ManufacturingOnly);
}

}  // namespace
}  // namespace setls::test
