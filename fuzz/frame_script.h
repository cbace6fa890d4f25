// The input format of chip_dispatch_fuzz: a list of bus frames, each with a
// control byte that tells which fields to repair before the frame goes to
// the chip. The mutator flips those bits like any other, so about half of
// the mutated frames get a correct length, sequence number and CRC and
// reach the firmware, and the other half exercise the frame checks.
//
//   record = u8 control, u16 length (big-endian), `length` bytes of frame
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes/bytes.h"

namespace setls::fuzz {

enum Repair : uint8_t {
  kRepairLength = 1 << 0,  // set the header's length field from the frame size
  kRepairSeq = 1 << 1,     // use the sequence number the chip expects next
  kRepairCrc = 1 << 2,     // recompute the CRC
  kRepairAll = kRepairLength | kRepairSeq | kRepairCrc,
};

struct ScriptFrame {
  uint8_t control = 0;
  ByteView frame;
};

// Splits an input into frames (a truncated last record is dropped), at
// most `max_frames` of them.
std::vector<ScriptFrame> parse_script(ByteView input, size_t max_frames);
void append_frame(Bytes& script, uint8_t control, ByteView frame);
// The frame with the repairs its control byte asks for; `seq` is the
// sequence number the chip expects next.
Bytes repair(const ScriptFrame& f, uint16_t seq);

}  // namespace setls::fuzz
