// A chip in RAM and a driver connected to it through the real bus frames,
// plus the factory provisioning the tests start from.
#pragma once

#include <memory>

#include "chip/bus/in_process.h"
#include "chip/firmware/firmware.h"
#include "host/driver/chip_driver.h"
#include "tests/support/pki.h"

namespace setls::test {

struct RamChip {
  std::unique_ptr<chip::Firmware> firmware;
  std::unique_ptr<host::ChipDriver> driver;

  static RamChip create(chip::FirmwareConfig config = {});
  // Another host connection to the same chip.
  std::unique_ptr<host::ChipDriver> connect();
};

struct Provisioned {
  TestCert device_cert;
};

// Factory provisioning as `setls factory` does it: device key, CSR signed by
// the PKI's device CA, device certificate, roots, admin and firmware keys,
// then lock (unless `lock` is false).
Provisioned provision(host::ChipDriver& driver, const TestPki& pki, Curve curve = Curve::P256, bool lock = true);

}  // namespace setls::test
