#include "host/io/stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include "host/io/tcp.h"

namespace setls::host {

StreamIo socket_stream(int fd) {
  StreamIo io;
  io.read = [fd](std::span<uint8_t> buf, StreamIo::Timeout timeout) { return read_some(fd, buf, timeout); };
  io.write = [fd](ByteView data, StreamIo::Timeout timeout) { return write_all(fd, data, timeout); };
  io.close = [fd] {
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  };
  return io;
}

}  // namespace setls::host
