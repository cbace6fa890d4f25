// `setls connect --stdin`: an interactive session like openssl s_client.
// Standard input goes to the server as it arrives, the server's data goes
// to standard output as it arrives, both through one poll() loop.
#pragma once

#include <chrono>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "host/tls/client.h"

namespace setls::cli {

struct StreamOptions {
  // s_client's default: the end of input ends the session (close_notify).
  // With ign_eof (s_client -ign_eof) the session goes on until the server
  // closes or stays quiet for `quiet_after_eof`.
  bool ign_eof = false;
  std::chrono::milliseconds quiet_after_eof{5000};
  bool print = true;  // write the server's data to stdout as it arrives
};

struct StreamResult {
  Bytes received;
  size_t sent = 0;
  bool closed_by_server = false;
  bool input_ended = false;
};

// Runs until the input ends (see StreamOptions), the server closes, or an
// error. The client must be a TCP client (client.fd() >= 0).
Result<StreamResult> stream_stdin(host::Client& client, int input_fd, const StreamOptions& options);

}  // namespace setls::cli
