// CRC-32 (IEEE 802.3 polynomial, reflected, as in zlib and Ethernet) for bus
// frames. A checksum against line noise, not an integrity check against an
// attacker: that is the secure channel's job.
#pragma once

#include <cstdint>

#include "common/bytes/bytes.h"

namespace setls::bus {

uint32_t crc32(ByteView data);

}  // namespace setls::bus
