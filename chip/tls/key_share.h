// The chip's half of the TLS 1.3 (EC)DHE exchange: the server's key_share
// judged and combined with the chip's ephemeral key. Its own function so
// that independent vectors (Wycheproof) can run through exactly the code a
// handshake uses.
#pragma once

#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/result.h"
#include "common/secure/secret.h"

namespace setls::chip {

// The shared secret (the x coordinate, RFC 8446 §7.4.2) of `mine` and the
// server's key_exchange for `group`. The server's point must be the
// uncompressed form of the group's size (§4.2.8.2), on the curve, not the
// identity and of the group's order; anything else is ServerKeyShareInvalid.
// A group that is not `mine`'s curve is ServerGroupNotOffered.
Result<Secret> key_share_secret(const EcKey& mine, uint16_t group, ByteView server_key_exchange);

}  // namespace setls::chip
