#include "tests/support/ram_chip.h"

#include <stdexcept>

#include "chip/x509/certificate.h"

namespace setls::test {

namespace {
template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + describe(r.error()));
  return std::move(r).value();
}
uint32_t next_connection = 1000;
}  // namespace

RamChip RamChip::create(chip::FirmwareConfig config) {
  RamChip c;
  c.firmware = must(chip::make_ram_chip(config), "start RAM chip");
  c.driver = c.connect();
  return c;
}

std::unique_ptr<host::ChipDriver> RamChip::connect() {
  return must(host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*firmware, next_connection++)),
              "HELLO");
}

Provisioned provision(host::ChipDriver& driver, const TestPki& pki, Curve curve, bool lock) {
  must(driver.keygen(curve), "keygen");
  Bytes subject = {0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0b,
                   'd',  'e',  'v',  'i',  'c',  'e',  '-',  '0',  '0',  '0',  '1'};
  Bytes csr = must(driver.csr(subject), "csr");
  Provisioned p;
  p.device_cert = issue_for_csr({.subject = "/CN=device-0001/O=setls tests", .eku = "clientAuth"}, csr, pki.device_ca);
  must(driver.install_cert(bus::ObjectRole::DeviceCert, p.device_cert.der), "install-cert");
  must(driver.add_root(pki.root.der), "add-root");
  must(driver.set_admin_key(pki.admin_key.spki()), "set-admin-key");
  must(driver.set_firmware_key(pki.firmware_key.spki()), "set-firmware-key");
  if (lock) must(driver.lock(), "lock");
  return p;
}

}  // namespace setls::test
