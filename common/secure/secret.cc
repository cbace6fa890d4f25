#include "common/secure/secret.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>

namespace setls {

void wipe(void* p, size_t n) {
  if (p != nullptr && n != 0) OPENSSL_cleanse(p, n);
}

void wipe(Bytes& b) {
  wipe(b.data(), b.size());
  b.clear();
}

bool ct_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::span<uint8_t> Secret::reset(size_t n) {
  clear();
  if (n > kMax) std::abort();  // a programming error, not input: sizes come from algorithms
  size_ = n;
  return {bytes_.data(), n};
}

void Secret::assign(ByteView v) {
  auto out = reset(v.size());
  std::copy(v.begin(), v.end(), out.begin());
}

void Secret::clear() {
  wipe(bytes_.data(), bytes_.size());
  size_ = 0;
}

}  // namespace setls
