// The chip the TLS fuzz targets share: a RAM chip already locked, so TLS
// sessions start (a session that fails before client authentication needs
// nothing else of provisioning), and a time well above any build time, so
// the time floor never refuses.
#pragma once

#include <cstdint>
#include <memory>

#include "chip/firmware/firmware.h"
#include "common/bytes/bytes.h"

namespace setls::fuzz {

inline constexpr uint64_t kFuzzTimeMs = 4102444800000;  // 2100-01-01

// Aborts on false: a harness set-up that fails is a bug, not an input.
void require(bool ok);

std::unique_ptr<chip::Firmware> operational_ram_chip();

// The ClientHello template the fuzz targets start chip sessions with (a
// handshake message): TLS 1.3 and 1.2, every suite, P-256 and P-384, ALPN
// "mqtt", record_size_limit 4096; random, session id and key share zero
// for the chip to fill.
Bytes client_hello_template();

}  // namespace setls::fuzz
