#include "tests/support/tls_device.h"

#include <gtest/gtest.h>

#include "common/crypto/random.h"
#include "common/signed/manifest.h"

namespace setls::test {

TlsReady make_tls_ready(host::ChipDriver& driver, const TestPki& pki, Curve device_curve, bool boot) {
  TlsReady r{{}, EcKey::generate(Curve::P256).value(), {}, {}};
  // Pairing is a manufacturing step: before lock.
  auto spki = driver.pair_host(r.host_key.spki_der());
  EXPECT_TRUE(spki.ok()) << describe(spki.error());
  r.chip_channel_spki = *spki;
  r.chip_channel_key = EcKey::from_spki_der(*spki).value();
  r.provisioned = provision(driver, pki, device_curve);
  if (boot) secure_boot(driver, pki);
  return r;
}

void secure_boot(host::ChipDriver& driver, const TestPki& pki) {
  Bytes image(4096);
  EXPECT_TRUE(random_bytes(image).ok());
  firmware::Manifest m;
  m.version = 1;
  m.image_size = image.size();
  Digest d = digest(HashAlg::Sha256, image);
  std::copy(d.bytes.begin(), d.bytes.begin() + 32, m.digest.begin());
  auto manifest = firmware::sign_manifest(m, EcKey::from_pkey(pki.firmware_key.get()).value());
  ASSERT_TRUE(manifest.ok());
  auto booted = driver.secure_boot(*manifest, image);
  ASSERT_TRUE(booted.ok()) << describe(booted.error());
}

TlsDevice TlsDevice::create(Options options) {
  TlsDevice d{TestPki::create(options.pki_curve), RamChip::create(), {}, {}, {}};
  TlsReady ready = make_tls_ready(*d.chip.driver, d.pki, options.device_curve, options.secure_boot);
  d.provisioned = std::move(ready.provisioned);
  d.host_key = std::move(ready.host_key);
  d.chip_channel_key = std::move(ready.chip_channel_key);
  return d;
}

std::unique_ptr<host::ChipDriver> TlsDevice::secure_driver() {
  auto driver = chip.connect();
  auto opened = driver->open_channel(host_key, chip_channel_key);
  EXPECT_TRUE(opened.ok()) << describe(opened.error());
  return driver;
}

}  // namespace setls::test
