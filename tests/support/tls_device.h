// A device ready for TLS, as the field sees it: a provisioned and locked
// chip, paired with this host, booted through secure boot (the device key's
// policy requires it before it signs a handshake).
#pragma once

#include <memory>

#include "tests/support/ram_chip.h"

namespace setls::test {

// Pairs `driver`'s chip with a new host key, provisions and locks it, and
// (unless told not to) runs a verified secure boot. Returns the pairing.
struct TlsReady {
  Provisioned provisioned;
  EcKey host_key;          // the host's channel key (private)
  EcKey chip_channel_key;  // the chip's (public)
  Bytes chip_channel_spki;
};
TlsReady make_tls_ready(host::ChipDriver& driver, const TestPki& pki, Curve device_curve = Curve::P256,
                        bool secure_boot = true);
// A verified secure boot of a signed random image.
void secure_boot(host::ChipDriver& driver, const TestPki& pki);

struct TlsDevice {
  TestPki pki;
  RamChip chip;
  Provisioned provisioned;
  EcKey host_key;          // the host's channel key (private)
  EcKey chip_channel_key;  // the chip's (public)

  struct Options {
    Curve device_curve = Curve::P256;
    Curve pki_curve = Curve::P256;
    bool secure_boot = true;
  };
  static TlsDevice create(Options options);
  static TlsDevice create() { return create(Options{}); }

  // A new host connection to the chip, with the secure channel open.
  std::unique_ptr<host::ChipDriver> secure_driver();
  void boot() { secure_boot(*chip.driver, pki); }
};

}  // namespace setls::test
