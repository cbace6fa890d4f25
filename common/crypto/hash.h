// SHA-256 / SHA-384 from libcrypto: one-shot digests and a running hash
// whose current value can be read without ending it (a TLS transcript).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/bytes/bytes.h"

typedef struct evp_md_st EVP_MD;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace setls {

enum class HashAlg : uint8_t { Sha256 = 1, Sha384 = 2 };

constexpr size_t hash_size(HashAlg alg) { return alg == HashAlg::Sha256 ? 32 : 48; }
constexpr size_t kMaxHashSize = 48;
const EVP_MD* evp_md(HashAlg alg);
const char* hash_name(HashAlg alg);  // "SHA256", for EVP parameter strings

struct Digest {
  std::array<uint8_t, kMaxHashSize> bytes{};
  size_t size = 0;
  ByteView view() const { return {bytes.data(), size}; }
};

Digest digest(HashAlg alg, ByteView data);

class Hash {
 public:
  explicit Hash(HashAlg alg);
  Hash(const Hash& other);
  Hash& operator=(const Hash& other);
  Hash(Hash&& other) noexcept;
  Hash& operator=(Hash&& other) noexcept;
  ~Hash();

  void update(ByteView data);
  // The digest of everything so far; the hash keeps running.
  Digest current() const;
  HashAlg alg() const { return alg_; }

 private:
  HashAlg alg_;
  EVP_MD_CTX* ctx_;
};

}  // namespace setls
