#include "fuzz/repeatable_random.h"

#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#error "repeatable randomness is for fuzz builds only (fuzz/CMakeLists.txt defines the macro)"
#endif

// RAND_set_rand_method is deprecated in OpenSSL 3 but is still what
// RAND_bytes and RAND_priv_bytes (key generation included) consult first.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace setls::fuzz {
namespace {

uint64_t block_counter = 0;

// Block i of the stream is SHA-256("setls fuzz" ‖ i): libcrypto's hash, no
// home-made generator, and nothing in it that a product could pick up.
int stream_bytes(unsigned char* out, int size) {
  static constexpr std::array<unsigned char, 10> kLabel = {'s', 'e', 't', 'l', 's', ' ', 'f', 'u', 'z', 'z'};
  while (size > 0) {
    std::array<unsigned char, kLabel.size() + 8> in{};
    std::copy(kLabel.begin(), kLabel.end(), in.begin());
    for (size_t i = 0; i < 8; ++i) in[kLabel.size() + i] = static_cast<unsigned char>(block_counter >> (8 * i));
    ++block_counter;
    unsigned char block[SHA256_DIGEST_LENGTH];
    if (SHA256(in.data(), in.size(), block) == nullptr) return 0;
    int n = std::min(size, SHA256_DIGEST_LENGTH);
    std::copy(block, block + n, out);
    out += n;
    size -= n;
  }
  return 1;
}

int stream_status() { return 1; }

const RAND_METHOD kRepeatable = {
    nullptr,        // seed
    stream_bytes,   // bytes
    nullptr,        // cleanup
    nullptr,        // add
    stream_bytes,   // pseudorand
    stream_status,  // status
};

}  // namespace

void restart_repeatable_random() {
  if (RAND_get_rand_method() != &kRepeatable) RAND_set_rand_method(&kRepeatable);
  block_counter = 0;
}

void use_real_random() { RAND_set_rand_method(RAND_OpenSSL()); }

}  // namespace setls::fuzz
