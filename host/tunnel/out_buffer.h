// Bytes waiting for a non-blocking socket to take them. The tunnel keeps one
// per direction and stops reading from the other side while it is over its
// bound, so a slow reader slows its writer instead of growing memory.
#pragma once

#include <cstddef>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::host::tunnel {

class OutBuffer {
 public:
  void append(ByteView more);
  size_t size() const { return data_.size() - pos_; }
  bool empty() const { return size() == 0; }
  // Sends as much as `fd` takes without blocking; fails with IoError (errno
  // in detail) when the peer is gone. Sends nothing more once it is empty.
  Outcome flush(int fd);
  void clear();

 private:
  Bytes data_;
  size_t pos_ = 0;  // data_ before this was sent
};

}  // namespace setls::host::tunnel
