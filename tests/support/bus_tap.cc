#include "tests/support/bus_tap.h"

#include <algorithm>


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

}  // namespace setls::test
