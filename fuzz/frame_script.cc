#include "fuzz/frame_script.h"

#include "common/bus/crc32.h"
#include "common/bus/frame.h"
#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::fuzz {

std::vector<ScriptFrame> parse_script(ByteView input, size_t max_frames) {
  std::vector<ScriptFrame> out;
  Reader r(input);
  while (out.size() < max_frames) {
    ScriptFrame f;
    Reader body;
    if (!r.u8(f.control) || !r.prefixed16(body)) break;
    f.frame = body.rest();
    out.push_back(f);
  }
  return out;
}

void append_frame(Bytes& script, uint8_t control, ByteView frame) {
  Writer(script).u8(control).vec16(frame);
}

Bytes repair(const ScriptFrame& f, uint16_t seq) {
  Bytes frame(f.frame.begin(), f.frame.end());
  constexpr size_t kMin = bus::kHeaderSize + bus::kCrcSize;
  if (frame.size() < kMin) return frame;
  if (f.control & kRepairLength) {
    size_t length = frame.size() - kMin;
    frame[6] = static_cast<uint8_t>(length >> 8);
    frame[7] = static_cast<uint8_t>(length);
  }
  if (f.control & kRepairSeq) {
    frame[2] = static_cast<uint8_t>(seq >> 8);
    frame[3] = static_cast<uint8_t>(seq);
  }
  if (f.control & kRepairCrc) {
    size_t body = frame.size() - bus::kCrcSize;
    uint32_t crc = bus::crc32(ByteView(frame).first(body));
    for (size_t i = 0; i < 4; ++i) frame[body + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
  }
  return frame;
}

}  // namespace setls::fuzz
