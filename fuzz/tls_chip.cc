#include "fuzz/tls_chip.h"

#include <cstdlib>

#include "chip/bus/in_process.h"

namespace setls::fuzz {

void require(bool ok) {
  if (!ok) std::abort();
}

std::unique_ptr<chip::Firmware> operational_ram_chip() {
  auto fw = chip::make_ram_chip();
  require(fw.ok());
  require((*fw)
              ->update([](chip::NvmState& s) -> Outcome {
                s.lifecycle = bus::Lifecycle::Operational;
                return {};
              })
              .ok());
  return std::move(*fw);
}

}  // namespace setls::fuzz
