#include "tests/support/bus_tap.h"

#include <algorithm>

#include "common/bus/crc32.h"

namespace setls::test {

Result<Bytes> BusTap::exchange(ByteView frame) {
  Bytes request(frame.begin(), frame.end());
  if (tamper_request) tamper_request(request);
  requests.push_back(request);
  auto answer = inner_->exchange(request);
  if (answer) answers.push_back(*answer);
  return answer;
}

bool BusTap::saw(ByteView needle) const {
  auto contains = [&](const Bytes& hay) {
    return !needle.empty() && std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
  };
  return std::any_of(requests.begin(), requests.end(), contains) ||
         std::any_of(answers.begin(), answers.end(), contains);
}

void fix_crc(Bytes& frame) {
  if (frame.size() < 4) return;
  uint32_t crc = bus::crc32(ByteView(frame).first(frame.size() - 4));
  for (size_t i = 0; i < 4; ++i) frame[frame.size() - 4 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}

}  // namespace setls::test
