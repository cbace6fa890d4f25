// The server side the TLS fuzz targets share: a valid ServerHello for the
// client's hello (ECDHE on P-256 with the harness's key, the suite the
// input picked) and the server handshake keys a real server would derive
// from it, so the rest of the input can be sealed as protected records and
// reach the parsing behind the AEAD.
#pragma once

#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/tls/record_protection.h"

namespace setls::fuzz {

// `client_hello` is the ClientHello handshake message (no record header).
// Appends the ServerHello record to `records` and readies `seal` with the
// server handshake traffic key. False if the hello has no P-256 key share.
// The answer is kept for the same key, hello and suite (repeatable_random.h
// makes the chip's hello the same for every input), so the ECDH and the key
// schedule run once per suite and process.
bool answer_client_hello(const EcKey& server_key, ByteView client_hello, uint16_t suite_id, Bytes& records,
                         tls::RecordProtection& seal);

}  // namespace setls::fuzz
