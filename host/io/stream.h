// The byte stream under a blocking TLS client: a TCP socket, or whatever
// the application moves bytes over (a UART modem, a proxy, a test pipe),
// given as callbacks. The TLS engine itself never sees either.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::host {

struct StreamIo {
  using Timeout = std::chrono::milliseconds;
  // Reads at most buf.size() bytes, waiting at most `timeout`: the count
  // (> 0), 0 at the end of the stream, or an error (Status::Timeout when
  // nothing arrived in time).
  std::function<Result<size_t>(std::span<uint8_t> buf, Timeout timeout)> read;
  // Writes all of `data` within `timeout`, or fails.
  std::function<Outcome(ByteView data, Timeout timeout)> write;
  // Optional: called once when the client closes, after close_notify was written.
  std::function<void()> close;

  bool valid() const { return read && write; }
};

// A connected TCP socket as a StreamIo; close() shuts it down and closes it.
StreamIo socket_stream(int fd);

}  // namespace setls::host
