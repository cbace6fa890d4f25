// The TLS 1.2 key schedule as setls runs it (RFC 5246 §5, §6.3, §7.4.9 with
// RFC 7627's extended master secret, which the chip always requires), on
// libcrypto's TLS1-PRF. Every value is a Secret; the premaster secret never
// outlives master_secret().
#pragma once

#include "common/crypto/hash.h"
#include "common/secure/secret.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/messages.h"

namespace setls::chip::tls12 {

constexpr size_t kMasterSecretSize = 48;
constexpr size_t kVerifyDataSize = 12;

// RFC 7627 §4: PRF(premaster, "extended master secret", session_hash), where
// session_hash covers the handshake up to and including ClientKeyExchange.
Secret extended_master_secret(HashAlg prf, ByteView premaster, ByteView session_hash);

// RFC 5246 §6.3 for AEAD suites (no MAC keys): key_block split per direction
// into write_key ‖ write_IV (the 4-byte implicit nonce part, RFC 5288 §3).
struct KeyBlock {
  Secret client;  // client_write_key ‖ client_write_IV
  Secret server;  // server_write_key ‖ server_write_IV
};
KeyBlock key_block(const tls::SuiteInfo& suite, ByteView master, const tls::Random& client_random,
                   const tls::Random& server_random);

// RFC 5246 §7.4.9: verify_data of the client's or the server's Finished.
Secret finished_verify_data(HashAlg prf, ByteView master, bool server, ByteView transcript_hash);

}  // namespace setls::chip::tls12
