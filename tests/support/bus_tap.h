// A transport that records every frame crossing the bus (a logic analyser on
// the I2C/SPI lines) and can rewrite frames on the way (an active attacker).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/bus/transport.h"

namespace setls::test {

class BusTap final : public bus::Transport {
 public:
  explicit BusTap(std::unique_ptr<bus::Transport> inner) : inner_(std::move(inner)) {}
  Result<Bytes> exchange(ByteView frame) override;

  std::vector<Bytes> requests;
  std::vector<Bytes> answers;
  // When set, may rewrite each request before the chip sees it.
  std::function<void(Bytes&)> tamper_request;

  // True if `needle` appears anywhere in what crossed the bus.
  bool saw(ByteView needle) const;

 private:
  std::unique_ptr<bus::Transport> inner_;
};

}  // namespace setls::test
