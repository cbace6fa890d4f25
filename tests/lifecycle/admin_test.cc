// Signed remote administration: every operation works once, and every
// forgery, replay or alteration is refused with nothing changed.
#include <gtest/gtest.h>

#include "chip/x509/certificate.h"
#include "common/signed/authorization.h"
#include "tests/support/ram_chip.h"

namespace setls::test {
namespace {

struct AdminFixture : ::testing::Test {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  void SetUp() override { provision(*chip.driver, pki); }

  EcKey admin_key() const { return std::move(EcKey::from_pkey(pki.admin_key.get()).value()); }

  admin::Authorization fresh(admin::Operation op) {
    auto c = chip.driver->admin_challenge();
    EXPECT_TRUE(c.ok());
    admin::Authorization a;
    a.serial = c->serial;
    a.nonce = c->nonce;
    a.counter = c->counter;
    a.operation = op;
    return a;
  }

  Bytes sign(const admin::Authorization& a, const EcKey& key) { return admin::sign_authorization(a, key).value(); }
  Bytes sign(const admin::Authorization& a) { return sign(a, admin_key()); }

  size_t roots() { return chip.firmware->state().count_role(bus::ObjectRole::RootCa); }
  uint64_t generation() { return chip.firmware->storage().generation(); }
};

TEST_F(AdminFixture, AddReplaceRemoveRoot) {
  TestCert other = issue({.subject = "/CN=other root", .ca = true}, TestKey::ec(), nullptr);
  auto a = fresh(admin::Operation::AddRoot);
  a.certificate = other.der;
  auto applied = chip.driver->admin_apply(sign(a));
  ASSERT_TRUE(applied.ok()) << describe(applied.error());
  EXPECT_EQ(applied->admin_counter, 1u);
  EXPECT_EQ(roots(), 2u);

  TestCert third = issue({.subject = "/CN=third root", .ca = true}, TestKey::ec(), nullptr);
  auto r = fresh(admin::Operation::ReplaceRoot);
  r.target = chip::x509::fingerprint(other.der);
  r.certificate = third.der;
  ASSERT_TRUE(chip.driver->admin_apply(sign(r)).ok());
  EXPECT_EQ(roots(), 2u);

  auto rm = fresh(admin::Operation::RemoveRoot);
  rm.target = chip::x509::fingerprint(third.der);
  ASSERT_TRUE(chip.driver->admin_apply(sign(rm)).ok());
  EXPECT_EQ(roots(), 1u);
  EXPECT_EQ(chip.firmware->state().admin_counter, 3u);
}

TEST_F(AdminFixture, ReplayedBlobIsRefused) {
  TestCert other = issue({.subject = "/CN=other root", .ca = true}, TestKey::ec(), nullptr);
  auto a = fresh(admin::Operation::AddRoot);
  a.certificate = other.der;
  Bytes blob = sign(a);
  ASSERT_TRUE(chip.driver->admin_apply(blob).ok());
  uint64_t gen = generation();
  EXPECT_EQ(chip.driver->admin_apply(blob).status(), Status::AdminStaleNonce);
  // Even with a fresh challenge outstanding, the old counter gives it away.
  ASSERT_TRUE(chip.driver->admin_challenge().ok());
  EXPECT_NE(chip.driver->admin_apply(blob).status(), Status::Ok);
  EXPECT_EQ(generation(), gen);
  EXPECT_EQ(roots(), 2u);
}

TEST_F(AdminFixture, CounterMismatchIsAReplay) {
  auto a = fresh(admin::Operation::RaiseTimeFloor);
  a.counter += 1;
  a.time_floor = 4000000000;
  EXPECT_EQ(chip.driver->admin_apply(sign(a)).status(), Status::AdminReplay);
}

TEST_F(AdminFixture, AnotherChipsBlobIsRefused) {
  RamChip other = RamChip::create();
  provision(*other.driver, pki);
  auto c = other.driver->admin_challenge();
  ASSERT_TRUE(c.ok());
  fresh(admin::Operation::Terminate);  // this chip has a challenge outstanding too
  admin::Authorization a;
  a.serial = c->serial;
  a.nonce = c->nonce;
  a.counter = c->counter;
  a.operation = admin::Operation::Terminate;
  EXPECT_EQ(chip.driver->admin_apply(sign(a)).status(), Status::AdminWrongChip);
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Operational);
}

TEST_F(AdminFixture, StaleNonceIsRefused) {
  auto first = fresh(admin::Operation::Terminate);
  fresh(admin::Operation::Terminate);  // a newer challenge replaces the first
  EXPECT_EQ(chip.driver->admin_apply(sign(first)).status(), Status::AdminStaleNonce);
  // A power cycle loses the challenge altogether.
  auto a = fresh(admin::Operation::Terminate);
  ASSERT_TRUE(chip.driver->reset().ok());
  EXPECT_EQ(chip.driver->admin_apply(sign(a)).status(), Status::AdminStaleNonce);
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Operational);
}

TEST_F(AdminFixture, WrongKeyIsRefused) {
  auto a = fresh(admin::Operation::Terminate);
  EXPECT_EQ(chip.driver->admin_apply(sign(a, EcKey::generate(Curve::P256).value())).status(), Status::AdminBadSignature);
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Operational);
}

TEST_F(AdminFixture, EveryAlteredByteIsRefusedAndChangesNothing) {
  TestCert other = issue({.subject = "/CN=other root", .ca = true}, TestKey::ec(), nullptr);
  auto a = fresh(admin::Operation::AddRoot);
  a.certificate = other.der;
  uint64_t gen = generation();
  // Each attempt re-signs, and the DER length of an ECDSA signature varies
  // from one signature to the next (usually 70 to 72 bytes for P-256, less
  // when r or s is small), so the loop runs to the length of each new blob.
  for (size_t i = 0;; ++i) {
    // Each attempt burns the challenge, so refresh it and re-point the blob's
    // nonce at it: only the altered byte may be what is wrong.
    auto c = chip.driver->admin_challenge();
    ASSERT_TRUE(c.ok());
    a.nonce = c->nonce;
    Bytes altered = sign(a);
    if (i >= altered.size()) break;
    altered[i] ^= 0x01;
    auto applied = chip.driver->admin_apply(altered);
    EXPECT_FALSE(applied.ok()) << "byte " << i;
  }
  EXPECT_EQ(generation(), gen);
  EXPECT_EQ(roots(), 1u);
  EXPECT_EQ(chip.firmware->state().admin_counter, 0u);
}

TEST_F(AdminFixture, RotateAdminKeyRetiresTheOldOne) {
  TestKey next = TestKey::ec(Curve::P384);
  auto a = fresh(admin::Operation::RotateAdminKey);
  a.public_key = next.spki();
  ASSERT_TRUE(chip.driver->admin_apply(sign(a)).ok());
  auto old_key_blob = fresh(admin::Operation::RaiseTimeFloor);
  old_key_blob.time_floor = 1;
  EXPECT_EQ(chip.driver->admin_apply(sign(old_key_blob)).status(), Status::AdminBadSignature);
  auto b = fresh(admin::Operation::RaiseTimeFloor);
  b.time_floor = 4000000000;
  ASSERT_TRUE(chip.driver->admin_apply(sign(b, EcKey::from_pkey(next.get()).value())).ok());
  EXPECT_EQ(chip.firmware->time_floor(), 4000000000u);
}

TEST_F(AdminFixture, TimeFloorOnlyMovesForward) {
  auto a = fresh(admin::Operation::RaiseTimeFloor);
  a.time_floor = 4000000000;
  ASSERT_TRUE(chip.driver->admin_apply(sign(a)).ok());
  auto b = fresh(admin::Operation::RaiseTimeFloor);
  b.time_floor = 3000000000;
  ASSERT_TRUE(chip.driver->admin_apply(sign(b)).ok());
  EXPECT_EQ(chip.firmware->time_floor(), 4000000000u);
}

TEST_F(AdminFixture, TerminateEndsEverything) {
  ASSERT_TRUE(chip.driver->admin_apply(sign(fresh(admin::Operation::Terminate))).ok());
  EXPECT_EQ(chip.firmware->state().lifecycle, bus::Lifecycle::Terminated);
  EXPECT_TRUE(chip.firmware->state().objects.empty());
  EXPECT_EQ(chip.driver->admin_challenge().status(), Status::Terminated);
  EXPECT_EQ(chip.driver->attest(Bytes{1, 2}).status(), Status::Terminated);
  EXPECT_EQ(chip.driver->read_object(1).status(), Status::Terminated);
  EXPECT_TRUE(chip.driver->info().ok());  // a terminated chip still says what it is
}

TEST_F(AdminFixture, LockedChipRefusesUnsignedTrustAnchorChanges) {
  EXPECT_EQ(chip.driver->add_root(pki.intermediate.der).status(), Status::ManufacturingOnly);
  EXPECT_EQ(chip.driver->set_admin_key(TestKey::ec().spki()).status(), Status::ManufacturingOnly);
  EXPECT_EQ(chip.driver->set_firmware_key(TestKey::ec().spki()).status(), Status::ManufacturingOnly);
  EXPECT_EQ(chip.driver->delete_object(1).status(), Status::ManufacturingOnly);
}

}  // namespace
}  // namespace setls::test
