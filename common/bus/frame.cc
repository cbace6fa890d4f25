#include "common/bus/frame.h"

#include "common/bus/crc32.h"
#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::bus {

Bytes encode_frame(const Frame& f) {
  Bytes out;
  out.reserve(kHeaderSize + f.payload.size() + kCrcSize);
  if (!encode_frame_into(f, out)) return {};  // payload over kMaxPayload: a caller bug, caught by tests
  return out;
}

bool encode_frame_into(const Frame& f, Bytes& out) {
  out.clear();
  Writer w(out, kMaxFrame);
  w.u8(f.marker).u8(f.flags).u16(f.seq).u16(f.code).vec16(f.payload);
  w.u32(crc32(out));
  if (!w.ok()) out.clear();
  return w.ok();
}

Result<Frame> decode_frame(ByteView bytes, uint8_t expected_marker) {
  if (bytes.size() < kHeaderSize + kCrcSize) return Status::BusFrameLength;
  if (bytes.size() > kMaxFrame) return Status::BusFrameTooLarge;
  // The CRC covers the header too, so check it before trusting any field.
  size_t body = bytes.size() - kCrcSize;
  Reader crc_reader(bytes.subspan(body));
  uint32_t crc = 0;
  if (!crc_reader.u32(crc)) return Status::BusFrameLength;
  if (crc != crc32(bytes.first(body))) return Status::BusCrc;

  Reader r(bytes.first(body));
  Frame f;
  uint16_t length = 0;
  if (!r.u8(f.marker) || !r.u8(f.flags) || !r.u16(f.seq) || !r.u16(f.code) || !r.u16(length))
    return Status::BusFrameLength;
  if (f.marker != expected_marker || (f.flags & ~kKnownFlags) != 0) return Status::BusMagic;
  if (length > kMaxPayload) return Status::BusFrameTooLarge;
  if (length != r.remaining()) return Status::BusFrameLength;
  if (!r.bytes(length, f.payload)) return Status::BusFrameLength;
  return f;
}

}  // namespace setls::bus
