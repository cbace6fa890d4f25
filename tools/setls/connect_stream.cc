#include "tools/setls/connect_stream.h"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>

namespace setls::cli {

namespace {
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// One poll() waits at most this long, so the quiet timer is checked.
constexpr int kTickMs = 200;
// A read after poll() said the socket is readable: long enough to finish a
// record that arrives in pieces, short enough not to hold up the input.
constexpr auto kReadSlice = 20ms;
}  // namespace

Result<StreamResult> stream_stdin(host::Client& client, int input_fd, const StreamOptions& options) {
  if (client.fd() < 0) return Status::BadArgument;
  StreamResult out;
  bool input_open = true;
  auto last_activity = Clock::now();
  std::array<uint8_t, 16 * 1024> buf;
  for (;;) {
    pollfd fds[2] = {{client.fd(), POLLIN, 0}, {input_open ? input_fd : -1, POLLIN, 0}};
    int ready = ::poll(fds, 2, kTickMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Error{Status::IoError, static_cast<uint32_t>(errno)};

    if (fds[0].revents != 0) {
      auto data = client.read(kReadSlice);  // only a handshake message (a ticket) came: Timeout
      if (!data && data.status() != Status::Timeout) return data.error();
      if (data && data->empty()) {
        out.closed_by_server = true;
        return out;
      }
      if (data) {
        out.received.insert(out.received.end(), data->begin(), data->end());
        if (options.print) {
          std::fwrite(data->data(), 1, data->size(), stdout);
          std::fflush(stdout);
        }
        last_activity = Clock::now();
      }
    }

    if (input_open && fds[1].revents != 0) {
      ssize_t n = ::read(input_fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error{Status::IoError, static_cast<uint32_t>(errno)};
      if (n == 0) {
        input_open = false;
        out.input_ended = true;
        if (!options.ign_eof) return out;
        last_activity = Clock::now();
      } else {
        SETLS_TRY(client.write(ByteView(buf.data(), static_cast<size_t>(n))));
        out.sent += static_cast<size_t>(n);
      }
    }

    if (!input_open && Clock::now() - last_activity >= options.quiet_after_eof) return out;
  }
}

}  // namespace setls::cli
