#include "common/bytes/reader.h"

namespace setls {

const char* parse_error_name(ParseError e) {
  switch (e) {
    case ParseError::None: return "none";
    case ParseError::Truncated: return "truncated";
    case ParseError::TrailingBytes: return "trailing bytes";
    case ParseError::BadLength: return "length out of range";
    case ParseError::BadValue: return "forbidden value";
  }
  return "unknown";
}

bool Reader::fail(ParseError e) {
  if (error_ == ParseError::None) error_ = e;
  return false;
}

bool Reader::big_endian(size_t n, uint64_t& v) {
  if (remaining() < n) return fail(ParseError::Truncated);
  uint64_t out = 0;
  for (size_t i = 0; i < n; ++i) out = out << 8 | data_[pos_ + i];
  pos_ += n;
  v = out;
  return true;
}

bool Reader::u8(uint8_t& v) {
  uint64_t x;
  if (!big_endian(1, x)) return false;
  v = static_cast<uint8_t>(x);
  return true;
}

bool Reader::u16(uint16_t& v) {
  uint64_t x;
  if (!big_endian(2, x)) return false;
  v = static_cast<uint16_t>(x);
  return true;
}

bool Reader::u24(uint32_t& v) {
  uint64_t x;
  if (!big_endian(3, x)) return false;
  v = static_cast<uint32_t>(x);
  return true;
}

bool Reader::u32(uint32_t& v) {
  uint64_t x;
  if (!big_endian(4, x)) return false;
  v = static_cast<uint32_t>(x);
  return true;
}

bool Reader::u64(uint64_t& v) { return big_endian(8, v); }

bool Reader::bytes(size_t n, ByteView& v) {
  if (remaining() < n) return fail(ParseError::Truncated);
  v = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::copy(std::span<uint8_t> out) {
  ByteView v;
  if (!bytes(out.size(), v)) return false;
  std::copy(v.begin(), v.end(), out.begin());
  return true;
}

bool Reader::skip(size_t n) {
  ByteView ignored;
  return bytes(n, ignored);
}

bool Reader::prefixed(size_t len_bytes, Reader& child, size_t min, size_t max) {
  size_t start = pos_;
  uint64_t len;
  if (!big_endian(len_bytes, len)) return false;
  if (len < min || len > max) {
    pos_ = start;
    return fail(ParseError::BadLength);
  }
  ByteView body;
  if (!bytes(static_cast<size_t>(len), body)) {
    pos_ = start;
    return false;
  }
  child = Reader(body);
  return true;
}

bool Reader::prefixed8(Reader& child, size_t min, size_t max) { return prefixed(1, child, min, max); }
bool Reader::prefixed16(Reader& child, size_t min, size_t max) { return prefixed(2, child, min, max); }
bool Reader::prefixed24(Reader& child, size_t min, size_t max) { return prefixed(3, child, min, max); }

bool Reader::expect_end() { return empty() || fail(ParseError::TrailingBytes); }

}  // namespace setls
