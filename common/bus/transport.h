// A bus link as the host driver sees it: send one frame, receive the answer.
// Implementations: a UNIX socket to setls-chipd (host/driver), the chip linked
// in-process (chip/bus/in_process.h), and fault injectors in tests.
#pragma once

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::bus {

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `frame` and returns the chip's answer frame. BusTimeout when no
  // answer came (a lost frame either way); BusDisconnected when the link is gone.
  virtual Result<Bytes> exchange(ByteView frame) = 0;
};

}  // namespace setls::bus
