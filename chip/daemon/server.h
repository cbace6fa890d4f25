// setls-chipd's bus server: a UNIX SOCK_SEQPACKET socket, any number of host
// connections, one command at a time (a chip has one core and one bus).
#pragma once

#include <memory>
#include <string>

#include "chip/firmware/firmware.h"

namespace setls::chip {

struct ServerOptions {
  std::string socket_path;
  bool verbose = false;
  size_t max_connections = 64;
  std::string banner;  // printed once the socket listens (readiness)
};

// Serves until SIGTERM or SIGINT; returns the process exit code.
int serve(Firmware& firmware, const ServerOptions& options);

}  // namespace setls::chip
