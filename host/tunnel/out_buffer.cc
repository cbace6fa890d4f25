#include "host/tunnel/out_buffer.h"

#include <sys/socket.h>

#include <cerrno>

namespace setls::host::tunnel {

void OutBuffer::append(ByteView more) {
  // Drop what was sent before growing, so the buffer holds at most one
  // bound's worth plus the last append.
  if (pos_ > 0 && pos_ >= data_.size() / 2) {
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  data_.insert(data_.end(), more.begin(), more.end());
}

Outcome OutBuffer::flush(int fd) {
  while (pos_ < data_.size()) {
    ssize_t n = ::send(fd, data_.data() + pos_, data_.size() - pos_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      pos_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return {};
    return Error{Status::IoError, static_cast<uint32_t>(errno)};
  }
  clear();
  return {};
}

void OutBuffer::clear() {
  data_.clear();
  pos_ = 0;
}

}  // namespace setls::host::tunnel
