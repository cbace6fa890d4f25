// A bus link that keeps a copy of every answer frame, so that a test can
// scan all the bytes a chip ever sent back.
#pragma once

#include <memory>
#include <vector>

#include "common/bus/transport.h"

namespace setls::test {

class RecordingTransport final : public bus::Transport {
 public:
  explicit RecordingTransport(std::unique_ptr<bus::Transport> inner) : inner_(std::move(inner)) {}
  Result<Bytes> exchange(ByteView frame) override {
    auto answer = inner_->exchange(frame);
    if (answer) answers_.push_back(*answer);
    return answer;
  }
  const std::vector<Bytes>& answers() const { return answers_; }

 private:
  std::unique_ptr<bus::Transport> inner_;
  std::vector<Bytes> answers_;
};

}  // namespace setls::test
