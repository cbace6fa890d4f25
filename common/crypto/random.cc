#include "common/crypto/random.h"

#include <openssl/rand.h>

namespace setls {

Outcome random_bytes(std::span<uint8_t> out) {
  if (out.empty()) return {};
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) return Status::CryptoFailure;
  return {};
}

}  // namespace setls
