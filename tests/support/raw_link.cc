#include "tests/support/raw_link.h"

#include "common/bus/crc32.h"
#include "common/bus/messages.h"
#include "common/bytes/reader.h"

namespace setls::test {

Bytes command_frame(uint16_t code, uint16_t seq, ByteView payload, uint8_t flags) {
  return bus::encode_frame({bus::kCommandMarker, flags, seq, code, payload});
}

void fix_crc(Bytes& frame) {
  if (frame.size() < bus::kCrcSize) return;
  size_t body = frame.size() - bus::kCrcSize;
  uint32_t crc = bus::crc32(ByteView(frame).first(body));
  for (size_t i = 0; i < 4; ++i) frame[body + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}

uint32_t Answer::detail() const {
  Reader r(payload);
  uint32_t d = 0;
  return r.u32(d) ? d : 0;
}

Answer parse_answer(ByteView frame) {
  Answer a;
  auto f = bus::decode_frame(frame, bus::kResponseMarker);
  if (!f || !status_known(f->code)) return a;
  a.valid = true;
  a.status = static_cast<Status>(f->code);
  a.flags = f->flags;
  a.seq = f->seq;
  a.payload.assign(f->payload.begin(), f->payload.end());
  return a;
}

Answer RawLink::hello() { return send(bus::Command::Hello, bus::encode(bus::HelloRequest{})); }

Answer RawLink::send(uint16_t code, ByteView payload, uint8_t flags) {
  return raw(command_frame(code, ++seq_, payload, flags));
}

}  // namespace setls::test
