// Appending writer with length back-patching, in the spirit of BoringSSL's CBB.
//
// The writer appends to a caller-owned vector and never grows it past a
// limit (the frame or record it is building); past the limit, and when a
// length-prefixed block outgrows its prefix, it fails and stays failed.
// Nested blocks: w.prefixed16([&](Writer& w) { ...; });
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "common/bytes/bytes.h"

namespace setls {

class Writer {
 public:
  explicit Writer(Bytes& out, size_t limit = std::numeric_limits<size_t>::max())
      : out_(out), limit_(limit) {}

  Writer& u8(uint8_t v) { return big_endian(v, 1); }
  Writer& u16(uint16_t v) { return big_endian(v, 2); }
  Writer& u24(uint32_t v) { return big_endian(v, 3); }
  Writer& u32(uint32_t v) { return big_endian(v, 4); }
  Writer& u64(uint64_t v) { return big_endian(v, 8); }
  Writer& bytes(ByteView v);
  Writer& zeros(size_t n);

  // Writes a u8/u16/u24 length, then whatever `body` writes, then patches the length.
  template <class F> Writer& prefixed8(F&& body) { return prefixed(1, body); }
  template <class F> Writer& prefixed16(F&& body) { return prefixed(2, body); }
  template <class F> Writer& prefixed24(F&& body) { return prefixed(3, body); }

  // Convenience for a length-prefixed opaque vector.
  Writer& vec8(ByteView v) { return prefixed8([&](Writer& w) { w.bytes(v); }); }
  Writer& vec16(ByteView v) { return prefixed16([&](Writer& w) { w.bytes(v); }); }
  Writer& vec24(ByteView v) { return prefixed24([&](Writer& w) { w.bytes(v); }); }

  // Marks the output invalid: an encoder found a value its field cannot hold.
  Writer& fail() {
    ok_ = false;
    return *this;
  }

  bool ok() const { return ok_; }
  size_t size() const { return out_.size(); }
  Bytes& buffer() { return out_; }

 private:
  Writer& big_endian(uint64_t v, size_t n);
  bool reserve(size_t n);
  template <class F> Writer& prefixed(size_t len_bytes, F& body) {
    size_t at = out_.size();
    zeros(len_bytes);
    if (!ok_) return *this;
    body(*this);
    if (!ok_) return *this;
    patch_length(at, len_bytes);
    return *this;
  }
  void patch_length(size_t at, size_t len_bytes);

  Bytes& out_;
  size_t limit_;
  bool ok_ = true;
};

}  // namespace setls
