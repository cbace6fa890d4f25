// Bounds-checked reader over a byte span, in the spirit of BoringSSL's CBS.
//
// Every getter either succeeds and advances, or fails, leaves the position
// unchanged and records why (the first failure sticks). Length-prefixed
// fields are read into a child Reader whose end is the field's end; callers
// finish a child with expect_end() so that trailing bytes are an error.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes/bytes.h"

namespace setls {

enum class ParseError : uint8_t {
  None = 0,
  Truncated,      // a field runs past the end of its enclosing data
  TrailingBytes,  // a structure is followed by bytes that belong to nothing
  BadLength,      // a length is outside the range the field allows
  BadValue,       // a value the format forbids (reported by callers via fail())
};

const char* parse_error_name(ParseError e);

class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView data) : data_(data) {}

  [[nodiscard]] bool u8(uint8_t& v);
  [[nodiscard]] bool u16(uint16_t& v);
  [[nodiscard]] bool u24(uint32_t& v);
  [[nodiscard]] bool u32(uint32_t& v);
  [[nodiscard]] bool u64(uint64_t& v);
  // A view of the next n bytes (no copy).
  [[nodiscard]] bool bytes(size_t n, ByteView& v);
  // Copies the next out.size() bytes.
  [[nodiscard]] bool copy(std::span<uint8_t> out);
  [[nodiscard]] bool skip(size_t n);

  // Length-prefixed sub-structures (u8/u16/u24 length), read as a child reader.
  [[nodiscard]] bool prefixed8(Reader& child) { return prefixed(1, child); }
  [[nodiscard]] bool prefixed16(Reader& child) { return prefixed(2, child); }
  [[nodiscard]] bool prefixed24(Reader& child) { return prefixed(3, child); }
  // Same, with the length bounded to [min, max] (TLS vector bounds).
  [[nodiscard]] bool prefixed8(Reader& child, size_t min, size_t max);
  [[nodiscard]] bool prefixed16(Reader& child, size_t min, size_t max);
  [[nodiscard]] bool prefixed24(Reader& child, size_t min, size_t max);

  // True when nothing is left; otherwise records TrailingBytes.
  [[nodiscard]] bool expect_end();
  // Records a caller-detected error (e.g. a forbidden value) and returns false.
  bool fail(ParseError e);

  bool empty() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  ByteView rest() const { return data_.subspan(pos_); }
  // The bytes consumed so far (for hashing exactly what was parsed).
  ByteView consumed() const { return data_.first(pos_); }
  ParseError error() const { return error_; }

 private:
  bool prefixed(size_t len_bytes, Reader& child, size_t min = 0, size_t max = SIZE_MAX);
  bool big_endian(size_t n, uint64_t& v);

  ByteView data_;
  size_t pos_ = 0;
  ParseError error_ = ParseError::None;
};

}  // namespace setls
