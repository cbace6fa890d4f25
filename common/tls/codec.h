// Conventions shared by every parser and encoder of the TLS message codec
// (record.h, handshake.h, extensions.h, messages.h, messages12.h).
//
// Parsing. A struct T has `static bool parse(Reader& r, T& out)`:
//  - A message or extension body parser reads all of `r` (the body) and
//    fails on trailing bytes. An element parser (one KeyShareEntry of a list,
//    one Extension, the extensions block) reads just its element.
//  - On failure the reader records why (the first error sticks):
//      ParseError::BadValue              a value the RFC forbids → illegal_parameter
//      Truncated/TrailingBytes/BadLength  bytes that do not decode → decode_error
//    decode_status() maps that to Status::TlsIllegalParameter or
//    Status::TlsDecode; decode<T>() parses a whole body into a Result<T>.
//  - Parsed structs are views: their ByteViews and lists point into the
//    parsed buffer, which must outlive them. Nothing is allocated.
//
// Encoding. `void encode(Writer&) const` writes exactly what parse() reads,
// and for a parsed struct reproduces the input bytes. An encoder checks the
// bounds its parser checks and fails the writer instead of emitting bytes
// that the other side would have to refuse.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/result.h"

namespace setls::tls {

Status decode_status(ParseError e);

// Parses a whole body (a handshake message body, an extension's data).
template <class T>
Result<T> decode(ByteView body) {
  Reader r(body);
  T out{};
  if (!T::parse(r, out)) return decode_status(r.error());
  return out;
}

// Encodes into a fresh buffer; empty when the encoder refused the value.
template <class T>
Bytes encode_to_bytes(const T& value) {
  Bytes out;
  Writer w(out);
  value.encode(w);
  if (!w.ok()) out.clear();
  return out;
}

// TLS vectors (RFC 8446 §3.4): a u8/u16/u24 length in [min, max], then the
// contents. read_vecN hands the contents to `body(Reader&)`, which must
// consume all of them; an error inside is reported on the parent reader so
// that decode_status() sees it.
namespace detail {
bool open_vector(Reader& r, size_t length_bytes, size_t min, size_t max, Reader& child);
bool close_vector(Reader& parent, Reader& child, bool body_ok);
void check_length(Writer& w, size_t start, size_t length_bytes, size_t min, size_t max);
}  // namespace detail

template <class F>
bool read_vector(Reader& r, size_t length_bytes, size_t min, size_t max, F&& body) {
  Reader child;
  if (!detail::open_vector(r, length_bytes, min, max, child)) return false;
  return detail::close_vector(r, child, body(child));
}
template <class F>
bool read_vec8(Reader& r, size_t min, size_t max, F&& body) {
  return read_vector(r, 1, min, max, body);
}
template <class F>
bool read_vec16(Reader& r, size_t min, size_t max, F&& body) {
  return read_vector(r, 2, min, max, body);
}
template <class F>
bool read_vec24(Reader& r, size_t min, size_t max, F&& body) {
  return read_vector(r, 3, min, max, body);
}

// An opaque vector, returned as a view.
bool read_opaque8(Reader& r, size_t min, size_t max, ByteView& out);
bool read_opaque16(Reader& r, size_t min, size_t max, ByteView& out);
bool read_opaque24(Reader& r, size_t min, size_t max, ByteView& out);

// Writes a length-prefixed vector whose contents `body(Writer&)` writes, and
// fails the writer when the contents fall outside [min, max].
template <class F>
void write_vector(Writer& w, size_t length_bytes, size_t min, size_t max, F&& body) {
  size_t start = w.size();
  if (length_bytes == 1) w.prefixed8(body);
  else if (length_bytes == 2) w.prefixed16(body);
  else w.prefixed24(body);
  detail::check_length(w, start, length_bytes, min, max);
}
template <class F>
void write_vec8(Writer& w, size_t min, size_t max, F&& body) {
  write_vector(w, 1, min, max, body);
}
template <class F>
void write_vec16(Writer& w, size_t min, size_t max, F&& body) {
  write_vector(w, 2, min, max, body);
}
template <class F>
void write_vec24(Writer& w, size_t min, size_t max, F&& body) {
  write_vector(w, 3, min, max, body);
}

void write_opaque8(Writer& w, size_t min, size_t max, ByteView v);
void write_opaque16(Writer& w, size_t min, size_t max, ByteView v);
void write_opaque24(Writer& w, size_t min, size_t max, ByteView v);

}  // namespace setls::tls
