#include "common/tls/codec.h"

namespace setls::tls {

Status decode_status(ParseError e) {
  // Only a value the RFC forbids is the peer's choice; anything else means
  // the bytes are not a message at all.
  return e == ParseError::BadValue ? Status::TlsIllegalParameter : Status::TlsDecode;
}

namespace detail {

bool open_vector(Reader& r, size_t length_bytes, size_t min, size_t max, Reader& child) {
  if (length_bytes == 1) return r.prefixed8(child, min, max);
  if (length_bytes == 2) return r.prefixed16(child, min, max);
  return r.prefixed24(child, min, max);
}

bool close_vector(Reader& parent, Reader& child, bool body_ok) {
  if (body_ok && child.expect_end()) return true;
  // A body that failed without saying why is treated as a forbidden value.
  ParseError e = child.error();
  return parent.fail(e == ParseError::None ? ParseError::BadValue : e);
}

void check_length(Writer& w, size_t start, size_t length_bytes, size_t min, size_t max) {
  if (!w.ok()) return;
  size_t n = w.size() - start - length_bytes;
  if (n < min || n > max) w.fail();
}

}  // namespace detail

namespace {
bool read_opaque(Reader& r, size_t length_bytes, size_t min, size_t max, ByteView& out) {
  return read_vector(r, length_bytes, min, max, [&](Reader& c) { return c.bytes(c.remaining(), out); });
}
}  // namespace

bool read_opaque8(Reader& r, size_t min, size_t max, ByteView& out) { return read_opaque(r, 1, min, max, out); }
bool read_opaque16(Reader& r, size_t min, size_t max, ByteView& out) { return read_opaque(r, 2, min, max, out); }
bool read_opaque24(Reader& r, size_t min, size_t max, ByteView& out) { return read_opaque(r, 3, min, max, out); }

void write_opaque8(Writer& w, size_t min, size_t max, ByteView v) {
  write_vec8(w, min, max, [&](Writer& c) { c.bytes(v); });
}
void write_opaque16(Writer& w, size_t min, size_t max, ByteView v) {
  write_vec16(w, min, max, [&](Writer& c) { c.bytes(v); });
}
void write_opaque24(Writer& w, size_t min, size_t max, ByteView v) {
  write_vec24(w, min, max, [&](Writer& c) { c.bytes(v); });
}

}  // namespace setls::tls
