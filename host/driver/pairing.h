// The host's half of a pairing: its own channel key (private) and the chip's
// channel public key, in one PEM file (mode 0600). On a real device this
// lives in the application processor's protected flash.
#pragma once

#include <string>

#include "common/crypto/ec.h"

namespace setls::host {

struct Pairing {
  EcKey host_key;  // private
  EcKey chip_key;  // public
};

Result<Pairing> load_pairing(const std::string& path);
Outcome save_pairing(const std::string& path, const EcKey& host_key, ByteView chip_spki);

}  // namespace setls::host
