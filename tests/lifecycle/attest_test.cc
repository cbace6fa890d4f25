// Attestation: a statement signed by the device key that a verifier checks
// offline against the device CA; a clone cannot produce one.
#include <gtest/gtest.h>

#include "chip/nvm/medium.h"
#include "tests/support/ram_chip.h"
#include "tools/setls/attestation_check.h"

namespace setls::test {
namespace {

struct AttestFixture : ::testing::Test {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  Provisioned prov;
  void SetUp() override { prov = provision(*chip.driver, pki); }

  cli::AttestationBundle bundle(ByteView nonce) {
    cli::AttestationBundle b;
    b.statement = *chip.driver->attest(nonce);
    b.certificates.push_back(prov.device_cert.der);
    return b;
  }
};

TEST_F(AttestFixture, VerifiesAgainstTheDeviceCa) {
  Bytes nonce = {1, 2, 3, 4, 5, 6, 7, 8};
  std::string why;
  auto v = cli::verify_bundle(bundle(nonce), {pki.device_ca.der}, nonce, why);
  ASSERT_TRUE(v.ok()) << why;
  EXPECT_EQ(v->statement.serial, chip.firmware->fuses().serial);
  EXPECT_EQ(v->statement.lifecycle, bus::Lifecycle::Operational);
  EXPECT_EQ(v->statement.boot_state, bus::BootState::NotBooted);
  ASSERT_EQ(v->statement.root_fingerprints.size(), 1u);
}

TEST_F(AttestFixture, WrongNonceAlteredStatementOrOtherCaAreRejected) {
  Bytes nonce = {9, 9, 9};
  std::string why;
  EXPECT_FALSE(cli::verify_bundle(bundle(nonce), {pki.device_ca.der}, Bytes{1}, why).ok());
  auto b = bundle(nonce);
  b.statement[20] ^= 1;
  EXPECT_FALSE(cli::verify_bundle(b, {pki.device_ca.der}, nonce, why).ok());
  EXPECT_FALSE(cli::verify_bundle(bundle(nonce), {pki.root.der}, nonce, why).ok());
}

TEST_F(AttestFixture, BundleRoundTripsThroughJson) {
  Bytes nonce = {7};
  auto b = bundle(nonce);
  auto back = cli::bundle_from_json(cli::bundle_to_json(b));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->statement, b.statement);
  EXPECT_EQ(back->certificates, b.certificates);
}

TEST_F(AttestFixture, NonceLengthIsBounded) {
  EXPECT_EQ(chip.driver->attest(Bytes{}).status(), Status::MalformedPayload);
  EXPECT_EQ(chip.driver->attest(Bytes(65, 1)).status(), Status::MalformedPayload);
  EXPECT_TRUE(chip.driver->attest(Bytes(64, 1)).ok());
}

// A copied NVM image without the device-unique fuses neither starts nor attests.
TEST(Cloning, CopiedImageWithoutTheFusesDoesNotStart) {
  auto fuses = chip::burn_fuses();
  ASSERT_TRUE(fuses.ok());
  auto medium = std::make_unique<chip::MemoryMedium>();
  chip::MemoryMedium* original = medium.get();
  auto fw = chip::Firmware::start(std::move(medium), *fuses);
  ASSERT_TRUE(fw.ok());
  {
    auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(**fw, 1));
    ASSERT_TRUE(driver.ok());
    provision(**driver, TestPki::create());
    ASSERT_TRUE((*driver)->attest(Bytes{1}).ok());
  }
  // The clone: the same flash contents and counter, another die's fuses.
  auto copy = std::make_unique<chip::MemoryMedium>();
  copy->bank(0) = original->bank(0);
  copy->bank(1) = original->bank(1);
  copy->set_counter(*original->read_counter());
  auto other_fuses = chip::burn_fuses();
  auto clone = chip::Firmware::start(std::move(copy), *other_fuses);
  EXPECT_EQ(clone.status(), Status::NvmTampered);
}

}  // namespace
}  // namespace setls::test
