// Factory provisioning through the real bus frames, and what lock closes.
#include <gtest/gtest.h>

#include "chip/x509/certificate.h"
#include "tests/support/process.h"
#include "tests/support/ram_chip.h"
#include "tests/support/temp_dir.h"
#include "tools/setls/files.h"

namespace setls::test {
namespace {

TEST(Factory, CsrIsSignedInsideAndVerifiesWithOpenssl) {
  RamChip chip = RamChip::create();
  auto key = chip.driver->keygen(Curve::P384);
  ASSERT_TRUE(key.ok());
  auto subject = cli::subject_to_der("/CN=device-0001/O=Example Corp");
  ASSERT_TRUE(subject.ok());
  auto csr = chip.driver->csr(*subject);
  ASSERT_TRUE(csr.ok()) << describe(csr.error());
  TempDir dir;
  write_text(dir.file("device.csr"), cli::to_pem("CERTIFICATE REQUEST", *csr));
  auto verify = run({"openssl", "req", "-in", dir.file("device.csr"), "-verify", "-noout", "-subject"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("CN = device-0001"), std::string::npos) << verify.out;
  // The CSR carries exactly the key the chip generated.
  auto pub = run({"openssl", "req", "-in", dir.file("device.csr"), "-pubkey", "-noout"});
  EXPECT_EQ(pub.out, cli::to_pem("PUBLIC KEY", key->spki));
}

TEST(Factory, IssuedCertificateIsAcceptedBackAndOthersAreNot) {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  ASSERT_TRUE(chip.driver->keygen(Curve::P256).ok());
  auto csr = chip.driver->csr(*cli::subject_to_der("/CN=device"));
  ASSERT_TRUE(csr.ok());
  TestCert good = issue_for_csr({.subject = "/CN=device", .eku = "clientAuth"}, *csr, pki.device_ca);
  TestCert other = issue({.subject = "/CN=device", .eku = "clientAuth"}, TestKey::ec(), &pki.device_ca);
  EXPECT_EQ(chip.driver->install_cert(bus::ObjectRole::DeviceCert, other.der).status(), Status::CertKeyMismatch);
  EXPECT_TRUE(chip.driver->install_cert(bus::ObjectRole::DeviceCert, good.der).ok());
}

TEST(Factory, LockNeedsCompleteProvisioningThenClosesFactoryCommands) {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  auto early = chip.driver->lock();
  ASSERT_EQ(early.status(), Status::NotReadyToLock);
  EXPECT_EQ(early.error().detail, 0x1Fu);  // every piece missing
  provision(*chip.driver, pki);
  auto info = chip.driver->info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->lifecycle, bus::Lifecycle::Operational);
  EXPECT_EQ(chip.driver->add_root(pki.intermediate.der).status(), Status::ManufacturingOnly);
  EXPECT_EQ(chip.driver->keygen(Curve::P256).status(), Status::ManufacturingOnly);
  EXPECT_EQ(chip.driver->set_admin_key(pki.admin_key.spki()).status(), Status::ManufacturingOnly);
}

TEST(Factory, RootsMustBeCaCertificatesWithStrongKeys) {
  RamChip chip = RamChip::create();
  TestPki pki = TestPki::create();
  EXPECT_EQ(chip.driver->add_root(pki.server.der).status(), Status::BadCertificate);  // not a CA
  TestCert weak_rsa = issue({.subject = "/CN=weak", .ca = true}, TestKey::rsa(1024), nullptr);
  EXPECT_EQ(chip.driver->add_root(weak_rsa.der).status(), Status::WeakParameter);
  TestCert rsa = issue({.subject = "/CN=rsa root", .ca = true}, TestKey::rsa(2048), nullptr);
  EXPECT_TRUE(chip.driver->add_root(rsa.der).ok());
  EXPECT_TRUE(chip.driver->add_root(pki.root.der).ok());
  EXPECT_EQ(chip.driver->add_root(pki.root.der).status(), Status::AlreadyExists);
  Bytes garbage = pki.root.der;
  garbage.resize(garbage.size() - 1);
  EXPECT_EQ(chip.driver->add_root(garbage).status(), Status::BadCertificate);
}

}  // namespace
}  // namespace setls::test
