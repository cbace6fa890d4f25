// HMAC and HKDF (RFC 5869) from libcrypto, with secrets in Secret.
// The TLS label encodings (HkdfLabel, PRF labels) live with the TLS code.
#pragma once

#include "common/bytes/bytes.h"
#include "common/crypto/hash.h"
#include "common/secure/secret.h"

namespace setls {

Secret hmac(HashAlg alg, ByteView key, ByteView data);
// HKDF-Extract(salt, ikm) -> PRK of hash_size(alg) bytes.
Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm);
// HKDF-Expand(prk, info, length), length ≤ Secret::kMax.
Secret hkdf_expand(HashAlg alg, ByteView prk, ByteView info, size_t length);
// TLS 1.2 PRF (RFC 5246 §5) with the suite's hash, length ≤ Secret::kMax.
Secret tls12_prf(HashAlg alg, ByteView secret, std::string_view label, ByteView seed,
                 size_t length);

}  // namespace setls
