// Bus frames (docs/bus-protocol.md §2): the unit a host and a chip exchange,
// sized like an I2C/SPI secure element's buffer.
//
//   0  u8   marker   0xC5 command (host → chip), 0x5C response (chip → host)
//   1  u8   flags    bit 0 MORE (a chunk with more to follow), bit 1 SECURE
//   2  u16  seq      command sequence number; a response echoes it
//   4  u16  code     command id, or status in a response
//   6  u16  length   payload length, ≤ 2048
//   8  ...  payload
//   8+n u32 CRC-32 over bytes 0 .. 8+n-1
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::bus {

constexpr uint16_t kProtocolVersion = 1;
constexpr uint8_t kCommandMarker = 0xC5;
constexpr uint8_t kResponseMarker = 0x5C;
constexpr size_t kHeaderSize = 8;
constexpr size_t kCrcSize = 4;
constexpr size_t kMaxPayload = 2048;
constexpr size_t kMaxFrame = kHeaderSize + kMaxPayload + kCrcSize;
// Largest object a chunked transfer may carry, either way.
constexpr size_t kMaxTransfer = 64 * 1024;

enum FrameFlag : uint8_t {
  kFlagMore = 0x01,    // more chunks of this command or response follow
  kFlagSecure = 0x02,  // the payload is secure-channel ciphertext
};
constexpr uint8_t kKnownFlags = kFlagMore | kFlagSecure;

struct Frame {
  uint8_t marker = kCommandMarker;
  uint8_t flags = 0;
  uint16_t seq = 0;
  uint16_t code = 0;
  ByteView payload;  // points into the decoded buffer
};

Bytes encode_frame(const Frame& f);
// The same into `out`, replacing its content but keeping its capacity (a
// driver encodes every frame into one buffer); false if the payload is too large.
bool encode_frame_into(const Frame& f, Bytes& out);
// Checks marker, flags, length and CRC. The payload view borrows `bytes`.
Result<Frame> decode_frame(ByteView bytes, uint8_t expected_marker);

}  // namespace setls::bus
