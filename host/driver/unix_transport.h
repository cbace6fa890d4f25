// The host's link to setls-chipd: a UNIX SOCK_SEQPACKET socket, one frame per
// packet (like one I2C/SPI transaction), with a receive timeout.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/bus/transport.h"

namespace setls::host {

class UnixTransport final : public bus::Transport {
 public:
  static Result<std::unique_ptr<UnixTransport>> connect(const std::string& path,
                                                        std::chrono::milliseconds timeout);
  ~UnixTransport() override;
  Result<Bytes> exchange(ByteView frame) override;

 private:
  UnixTransport(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  int fd_;
  std::chrono::milliseconds timeout_;
};

}  // namespace setls::host
