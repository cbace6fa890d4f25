// libFuzzer target: the bus frame codec and every payload codec of
// common/bus/messages.h, on arbitrary bytes. Beyond "no crash, no UB", each
// codec must be canonical: whatever decodes re-encodes to the same bytes,
// so that two parsers can never disagree about what a frame said.
#include <cstdint>
#include <cstdlib>

#include "common/bus/frame.h"
#include "common/bus/messages.h"

namespace {

using namespace setls;

void require(bool ok) {
  if (!ok) std::abort();
}

template <class M>
void round_trip(ByteView payload) {
  M m;
  if (bus::decode(payload, m)) require(bus::encode(m) == Bytes(payload.begin(), payload.end()));
}

void every_message(ByteView p) {
  round_trip<bus::HelloRequest>(p);
  round_trip<bus::HelloResponse>(p);
  round_trip<bus::ChipInfo>(p);
  round_trip<bus::ReadObjectResponse>(p);
  round_trip<bus::KeygenResponse>(p);
  Bytes same(p.begin(), p.end());
  uint8_t u8 = 0;
  if (bus::parse_u8(p, u8)) require(bus::encode_u8(u8) == same);
  uint16_t u16 = 0;
  if (bus::parse_u16(p, u16)) require(bus::encode_u16(u16) == same);
  ByteView vec;
  if (bus::parse_vec16(p, vec)) require(bus::encode_vec16(vec) == same);
  bus::ObjectRole role{};
  ByteView der;
  if (bus::parse_role_and_der(p, role, der)) require(bus::encode_role_and_der(role, der) == same);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  for (uint8_t marker : {bus::kCommandMarker, bus::kResponseMarker}) {
    auto frame = bus::decode_frame(input, marker);
    if (!frame) {
      require(status_class(frame.status()) == StatusClass::Transport);
      continue;
    }
    require(frame->marker == marker && frame->payload.size() <= bus::kMaxPayload);
    require(bus::encode_frame(*frame) == Bytes(input.begin(), input.end()));
    every_message(frame->payload);
  }
  every_message(input);
  return 0;
}
