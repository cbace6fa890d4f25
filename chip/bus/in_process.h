// The chip linked into the host process: the same frames, the same firmware,
// no socket. Used by tests, by `setls x509 verify` (a throwaway chip), and by
// devices that run the chip model in-process.
#pragma once

#include <memory>

#include "chip/bus/port.h"
#include "chip/firmware/firmware.h"
#include "common/bus/transport.h"

namespace setls::chip {

class InProcessTransport final : public bus::Transport {
 public:
  InProcessTransport(Firmware& firmware, uint32_t connection_id) : port_(firmware, connection_id) {}
  Result<Bytes> exchange(ByteView frame) override { return port_.handle(frame); }
  BusPort& port() { return port_; }

 private:
  BusPort port_;
};

// A fresh chip in RAM with newly burnt fuses.
Result<std::unique_ptr<Firmware>> make_ram_chip(FirmwareConfig config = {});

}  // namespace setls::chip
