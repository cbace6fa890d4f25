#include "common/tls/record.h"

namespace setls::tls {

bool content_type_known(uint8_t type) {
  switch (static_cast<ContentType>(type)) {
    case ContentType::ChangeCipherSpec:
    case ContentType::Alert:
    case ContentType::Handshake:
    case ContentType::ApplicationData:
      return true;
    case ContentType::Invalid:
      return false;
  }
  return false;
}

Result<RecordHeader> parse_record_header(ByteView data) {
  Reader r(data);
  uint8_t type = 0;
  RecordHeader h;
  if (!r.u8(type) || !r.u16(h.version) || !r.u16(h.length)) return Status::TlsDecode;
  if (!content_type_known(type)) return Status::TlsUnexpectedMessage;
  h.type = static_cast<ContentType>(type);
  return h;
}

void write_record_header(Writer& w, const RecordHeader& h) {
  w.u8(static_cast<uint8_t>(h.type)).u16(h.version).u16(h.length);
}

Result<RecordFrame> frame_record(ByteView received, size_t max_fragment) {
  RecordFrame f;
  Reader r(received);
  uint8_t type = 0;
  // Judge the type byte on its own, so that garbage (a plaintext HTTP
  // answer, say) is refused without waiting for more of it.
  if (r.u8(type) && !content_type_known(type)) return Status::TlsUnexpectedMessage;
  if (received.size() < kRecordHeaderSize) {
    f.missing = kRecordHeaderSize - received.size();
    return f;
  }
  Result<RecordHeader> h = parse_record_header(received);
  if (!h) return h.error();
  f.header = *h;
  if (f.header.length > max_fragment) return Status::TlsRecordOverflow;
  Reader body(received);
  if (!body.skip(kRecordHeaderSize)) return Status::TlsDecode;
  if (body.remaining() < f.header.length) {
    f.missing = f.header.length - body.remaining();
    return f;
  }
  if (!body.bytes(f.header.length, f.fragment)) return Status::TlsDecode;
  f.size = kRecordHeaderSize + f.header.length;
  return f;
}

bool Alert::parse(Reader& r, Alert& out) {
  uint8_t level = 0;
  if (!r.u8(level) || !r.u8(out.description) || !r.expect_end()) return false;
  if (level != static_cast<uint8_t>(AlertLevel::Warning) && level != static_cast<uint8_t>(AlertLevel::Fatal))
    return r.fail(ParseError::BadValue);
  out.level = static_cast<AlertLevel>(level);
  return true;
}

void Alert::encode(Writer& w) const {
  if (level != AlertLevel::Warning && level != AlertLevel::Fatal) w.fail();
  w.u8(static_cast<uint8_t>(level)).u8(description);
}

}  // namespace setls::tls
