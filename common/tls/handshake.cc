#include "common/tls/handshake.h"

#include <algorithm>

#include "common/tls/record.h"

namespace setls::tls {

namespace {
// The 4-byte header: msg_type and a u24 body length.
struct Header {
  uint8_t type = 0;
  uint32_t length = 0;
};
bool read_header(Reader& r, Header& h) { return r.u8(h.type) && r.u24(h.length); }
}  // namespace

Result<HandshakeMessage> parse_handshake(ByteView raw) {
  Reader r(raw);
  Header h;
  HandshakeMessage m;
  if (!read_header(r, h) || !r.bytes(h.length, m.body) || !r.expect_end()) return Status::TlsDecode;
  m.type = static_cast<HandshakeType>(h.type);
  m.raw = raw;
  return m;
}

HandshakeAssembler::HandshakeAssembler(size_t max_body) : max_body_(std::min(max_body, kMaxHandshakeBody)) {}

void HandshakeAssembler::reset() {
  buf_.clear();
  read_ = 0;
  complete_end_ = 0;
  failed_ = Status::Ok;
}

Outcome HandshakeAssembler::feed(ByteView fragment) {
  if (failed_ != Status::Ok) return failed_;
  if (fragment.empty()) return failed_ = Status::TlsDecode;
  if (fragment.size() > kMaxPlaintext) return failed_ = Status::TlsRecordOverflow;
  // Drop what was read; views from earlier next() calls end here.
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(read_));
  complete_end_ -= read_;
  read_ = 0;
  // A drained buffer holds less than one message, so this bound only trips
  // for a caller that keeps feeding without calling next().
  size_t capacity = kHandshakeHeaderSize + max_body_ + kMaxPlaintext;
  if (buf_.size() + fragment.size() > capacity) return failed_ = Status::Internal;
  append(buf_, fragment);
  Outcome o = scan();
  if (!o) failed_ = o.status();
  return o;
}

Outcome HandshakeAssembler::scan() {
  // Walk the headers after the last complete message: every complete message
  // is checked once, and a partial one is refused as soon as its header
  // shows it too large.
  Reader r(buf_);
  if (!r.skip(complete_end_)) return Status::Internal;
  while (true) {
    Header h;
    if (!read_header(r, h)) return {};
    if (h.length > max_body_) return Status::TlsMessageTooLarge;
    if (!r.skip(h.length)) return {};
    complete_end_ = r.position();
  }
}

std::optional<HandshakeMessage> HandshakeAssembler::next() {
  if (read_ >= complete_end_) return std::nullopt;
  Reader r(buf_);
  Header h;
  ByteView raw;
  if (!r.skip(read_) || !r.bytes(complete_end_ - read_, raw)) return std::nullopt;
  Reader m(raw);
  HandshakeMessage out;
  if (!read_header(m, h) || !m.bytes(h.length, out.body)) return std::nullopt;
  out.type = static_cast<HandshakeType>(h.type);
  out.raw = m.consumed();
  read_ += out.raw.size();
  return out;
}

}  // namespace setls::tls
