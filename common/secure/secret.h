// Secret material with a visible, short lifetime: wiped with OPENSSL_cleanse
// when it dies or moves, never copied implicitly, compared in constant time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "common/bytes/bytes.h"

namespace setls {

void wipe(void* p, size_t n);
// Wipes a buffer that may have held secrets, then empties it.
void wipe(Bytes& b);
// Constant-time equality (CRYPTO_memcmp); false when the sizes differ.
bool ct_equal(ByteView a, ByteView b);

// Up to 96 bytes (a SHA-384 secret, an AES-256 key, a TLS 1.2 key block),
// held inline: no heap.
class Secret {
 public:
  static constexpr size_t kMax = 96;  // a TLS 1.2 key block for AES-256 is 72

  Secret() = default;
  explicit Secret(ByteView v) { assign(v); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& o) noexcept { take(o); }
  Secret& operator=(Secret&& o) noexcept {
    if (this != &o) {
      clear();
      take(o);
    }
    return *this;
  }
  ~Secret() { clear(); }

  // An explicit copy, for the rare place that needs one.
  Secret clone() const { return Secret(view()); }
  // Resizes to n bytes (n ≤ kMax) for a callee to fill.
  std::span<uint8_t> reset(size_t n);
  void assign(ByteView v);
  void clear();

  ByteView view() const { return {bytes_.data(), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void take(Secret& o) {
    bytes_ = o.bytes_;
    size_ = o.size_;
    o.clear();
  }
  std::array<uint8_t, kMax> bytes_{};
  size_t size_ = 0;
};

// Secret bytes of any size on the heap (a DER private key on its way to NVM).
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteView v) : data_(v.begin(), v.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept : data_(std::move(o.data_)) { o.data_.clear(); }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      clear();
      data_ = std::move(o.data_);
      o.data_.clear();
    }
    return *this;
  }
  ~SecretBytes() { clear(); }

  void clear() {
    wipe(data_.data(), data_.size());
    data_.clear();
  }
  // Resizes for a callee to fill; never reallocates a non-empty secret.
  std::span<uint8_t> reset(size_t n) {
    clear();
    data_.resize(n);
    return data_;
  }
  ByteView view() const { return data_; }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

 private:
  Bytes data_;
};

}  // namespace setls
