// Handshake message framing (RFC 8446 §4, RFC 5246 §7.4): the 4-byte header,
// and reassembly of messages that the record layer splits across records or
// packs several to a record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/tls/codec.h"
#include "common/tls/constants.h"

namespace setls::tls {

constexpr size_t kHandshakeHeaderSize = 4;
constexpr size_t kMaxHandshakeBody = (size_t{1} << 24) - 1;

struct HandshakeMessage {
  HandshakeType type = HandshakeType::HelloRequest;
  ByteView body;
  ByteView raw;  // header + body: exactly what goes into the transcript hash
};

// One whole message: `raw` must be a header and exactly the body it announces.
Result<HandshakeMessage> parse_handshake(ByteView raw);

// Writes type, u24 length and the body `body(Writer&)` writes.
template <class F>
void write_handshake(Writer& w, HandshakeType type, F&& body) {
  w.u8(static_cast<uint8_t>(type));
  w.prefixed24(body);
}

// Writes a whole message from a message struct (messages.h) with its kType.
template <class T>
void write_message(Writer& w, const T& msg) {
  write_handshake(w, T::kType, [&](Writer& b) { msg.encode(b); });
}

// Parses the body of `m` as T; a message of another type is TlsUnexpectedMessage.
template <class T>
Result<T> decode_message(const HandshakeMessage& m) {
  if (m.type != T::kType) return Status::TlsUnexpectedMessage;
  return decode<T>(m.body);
}

// Reassembles handshake messages from the plaintext of handshake records.
//
// Bounded: a message whose announced body exceeds max_body is refused
// (TlsMessageTooLarge) as soon as its 4-byte header arrives, and the buffer
// never holds more than one partial message plus one record's plaintext.
// Errors are sticky: after one, every feed() fails the same way.
//
//   Outcome o = a.feed(fragment);
//   while (auto m = a.next()) handle(*m);   // drain before the next feed()
//
// Messages returned by next() point into the assembler and stay valid until
// the next feed() or reset().
class HandshakeAssembler {
 public:
  explicit HandshakeAssembler(size_t max_body);

  // Appends the plaintext of one handshake record (1..kMaxPlaintext bytes:
  // RFC 8446 §5.1 forbids zero-length handshake fragments, TlsDecode here).
  // Feeding more than one record's worth without draining is a caller bug
  // (Status::Internal).
  Outcome feed(ByteView fragment);
  // The next complete message, if any.
  std::optional<HandshakeMessage> next();

  // Bytes of a message whose end has not arrived yet.
  bool partial_pending() const { return buf_.size() > complete_end_; }
  // Nothing buffered at all: no unread message and no partial one. A message
  // that changes keys must be the last in its record (RFC 8446 §5.1): check
  // empty() right after taking it.
  bool empty() const { return read_ == buf_.size(); }
  size_t max_body() const { return max_body_; }
  void reset();

 private:
  Outcome scan();

  Bytes buf_;
  size_t read_ = 0;          // start of the first unread message
  size_t complete_end_ = 0;  // end of the last complete (and checked) message
  size_t max_body_;
  Status failed_ = Status::Ok;
};

}  // namespace setls::tls
