// Hand-built frames fed straight into a chip::BusPort, for the tests that
// must send what ChipDriver never would: damaged, out-of-order or
// mis-chunked frames.
#pragma once

#include <cstdint>

#include "chip/bus/port.h"
#include "common/bus/command.h"
#include "common/bus/frame.h"

namespace setls::test {

// A command frame with a correct CRC.
Bytes command_frame(uint16_t code, uint16_t seq, ByteView payload = {}, uint8_t flags = 0);
inline Bytes command_frame(bus::Command c, uint16_t seq, ByteView payload = {}, uint8_t flags = 0) {
  return command_frame(static_cast<uint16_t>(c), seq, payload, flags);
}
// Recomputes the CRC of a frame whose other bytes a test edited.
void fix_crc(Bytes& frame);

// A response frame, decoded; `valid` is false when it does not decode.
struct Answer {
  bool valid = false;
  Status status = Status::Internal;
  uint8_t flags = 0;
  uint16_t seq = 0;
  Bytes payload;
  // The u32 detail an error answer carries.
  uint32_t detail() const;
};
Answer parse_answer(ByteView frame);

class RawLink {
 public:
  explicit RawLink(chip::Firmware& fw, uint32_t connection_id = 7) : port_(fw, connection_id) {}

  // HELLO for version 1 with the next sequence number.
  Answer hello();
  // A well-formed command with the next sequence number.
  Answer send(uint16_t code, ByteView payload = {}, uint8_t flags = 0);
  Answer send(bus::Command c, ByteView payload = {}, uint8_t flags = 0) {
    return send(static_cast<uint16_t>(c), payload, flags);
  }
  // Exactly these bytes; the link's own numbering is not touched.
  Answer raw(ByteView frame) { return parse_answer(port_.handle(frame)); }

  // The sequence number send() uses next; tests that send raw frames with
  // it call advance() when the chip accepted one.
  uint16_t next_seq() const { return static_cast<uint16_t>(seq_ + 1); }
  void advance() { ++seq_; }
  chip::BusPort& port() { return port_; }

 private:
  chip::BusPort port_;
  uint16_t seq_ = 0;
};

}  // namespace setls::test
