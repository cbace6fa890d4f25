// Checks every codec struct must pass, shared by the TLS codec tests.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <initializer_list>
#include <string>

#include "common/bytes/bytes.h"
#include "common/tls/codec.h"

namespace setls::tls::test {

inline Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

// Keeps test bytes alive until the program ends, so that parsed views into
// them outlive the statement that made them.
inline ByteView keep(Bytes b) {
  static std::deque<Bytes> kept;
  kept.push_back(std::move(b));
  return kept.back();
}

inline Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) append(out, p);
  return out;
}

// Big-endian u16 values as bytes (to build lists for encoding).
inline Bytes be16(std::initializer_list<uint16_t> values) {
  Bytes out;
  for (uint16_t v : values) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

// Parses `body` as T, expecting success, and checks that encoding gives the
// same bytes back and that those parse again.
template <class T>
T expect_round_trip(ByteView body) {
  Result<T> parsed = decode<T>(body);
  EXPECT_TRUE(parsed.ok()) << "does not parse: " << to_hex(body);
  if (!parsed.ok()) return T{};
  Bytes again = encode_to_bytes(*parsed);
  EXPECT_EQ(to_hex(again), to_hex(body));
  EXPECT_TRUE(decode<T>(again).ok());
  return *parsed;
}

// Encodes `value`, expecting success, and checks the round trip from there.
template <class T>
Bytes expect_encodes(const T& value) {
  Bytes out;
  Writer w(out);
  value.encode(w);
  EXPECT_TRUE(w.ok()) << "the encoder refused the value";
  if (w.ok()) expect_round_trip<T>(out);
  return out;
}

// The encoder fails the writer rather than emit an invalid value.
template <class T>
bool encoder_refuses(const T& value) {
  Bytes out;
  Writer w(out);
  value.encode(w);
  return !w.ok();
}

template <class T>
Status decode_failure(ByteView body) {
  return decode<T>(body).status();
}

// Every strict prefix fails cleanly with TlsDecode (except `allowed`
// lengths, where a shorter form is valid), and one trailing byte fails too.
template <class T>
void expect_strict_framing(ByteView body, std::initializer_list<size_t> allowed = {}) {
  for (size_t n = 0; n < body.size(); ++n) {
    bool ok_here = false;
    for (size_t a : allowed) ok_here |= a == n;
    Result<T> r = decode<T>(body.first(n));
    if (ok_here) {
      EXPECT_TRUE(r.ok()) << "prefix " << n;
    } else {
      EXPECT_EQ(r.status(), Status::TlsDecode) << "prefix " << n << " of " << body.size();
    }
  }
  Bytes longer = to_bytes(body);
  longer.push_back(0);
  EXPECT_EQ(decode<T>(longer).status(), Status::TlsDecode) << "trailing byte";
}

}  // namespace setls::tls::test
