// Random bytes from libcrypto's DRBG (CTR-DRBG seeded by the OS).
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"

namespace setls {

Outcome random_bytes(std::span<uint8_t> out);

}  // namespace setls
