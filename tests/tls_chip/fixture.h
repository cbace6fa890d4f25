// A provisioned, locked chip with a paired host: `plain` is a link without
// the secure channel, `secure` one with it. boot() runs secure boot so that
// the device key may sign.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/signed/manifest.h"
#include "tests/support/ram_chip.h"
#include "tests/tls_chip/harness.h"

namespace setls::test {

class ChipTls {
 public:
  explicit ChipTls(Curve curve = Curve::P256, chip::FirmwareConfig config = {})
      : chip(RamChip::create(config)), pki(TestPki::create(curve)), curve_(curve) {
    host_key = EcKey::generate(Curve::P256).value();
    auto spki = chip.driver->pair_host(host_key.spki_der());
    if (!spki) throw std::runtime_error("pair_host: " + describe(spki.error()));
    chip_channel_key = EcKey::from_spki_der(*spki).value();
    provisioned = provision(*chip.driver, pki, curve);
    secure = chip.connect();
    auto opened = secure->open_channel(host_key, chip_channel_key);
    if (!opened) throw std::runtime_error("open_channel: " + describe(opened.error()));
  }

  host::ChipDriver& plain() { return *chip.driver; }

  void boot() {
    Bytes image(4096, 0x42);
    firmware::Manifest m;
    m.version = 1;
    m.image_size = image.size();
    Digest d = digest(HashAlg::Sha256, image);
    std::copy(d.bytes.begin(), d.bytes.begin() + 32, m.digest.begin());
    Bytes manifest = firmware::sign_manifest(m, EcKey::from_pkey(pki.firmware_key.get()).value()).value();
    auto booted = plain().secure_boot(manifest, image);
    if (!booted) throw std::runtime_error("secure boot: " + describe(booted.error()));
  }

  ServerOptions server_options() const {
    ServerOptions o;
    o.pki = &pki;
    return o;
  }
  ClientOptions client_options(bus::RecordMode mode) const {
    ClientOptions o;
    o.mode = mode;
    o.key_shares = {curve_ == Curve::P256 ? uint16_t{23} : uint16_t{24}};
    return o;
  }
  // The driver a session of `mode` runs on (host mode needs the channel).
  host::ChipDriver& driver_for(bus::RecordMode mode) { return mode == bus::RecordMode::Host ? *secure : plain(); }

  size_t sessions_used() { return plain().info()->sessions_used; }

  RamChip chip;
  TestPki pki;
  EcKey host_key;
  EcKey chip_channel_key;
  Provisioned provisioned;
  std::unique_ptr<host::ChipDriver> secure;

 private:
  Curve curve_;
};

}  // namespace setls::test
