#include "chip/bus/in_process.h"

namespace setls::chip {

Result<std::unique_ptr<Firmware>> make_ram_chip(FirmwareConfig config) {
  auto fuses = burn_fuses();
  if (!fuses) return fuses.error();
  return Firmware::start(std::make_unique<MemoryMedium>(), *fuses, config);
}

}  // namespace setls::chip
