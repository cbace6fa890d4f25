// One-time-programmable fuses: the serial number and the device-unique secret
// that keys the NVM image. In silicon nobody can read them from outside; the
// emulator keeps them in a separate file (mode 0600) so that an NVM image
// copied to another chip, or to a directory without them, is useless.
#pragma once

#include <string>

#include "common/bus/messages.h"
#include "common/result.h"
#include "common/secure/secret.h"

namespace setls::chip {

struct Fuses {
  bus::Serial serial{};
  Secret device_secret;  // 32 bytes

  Fuses clone() const { return Fuses{serial, device_secret.clone()}; }
};

// "Manufactures" a die: a random serial and secret.
Result<Fuses> burn_fuses();
Result<Fuses> load_fuses(const std::string& path);
Outcome save_fuses(const std::string& path, const Fuses& fuses);

}  // namespace setls::chip
