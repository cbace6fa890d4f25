// setls-chipd's bus server: a UNIX SOCK_SEQPACKET socket, any number of host
// connections, one command at a time (a chip has one core and one bus).
#pragma once

#include <memory>
#include <string>

#include "chip/firmware/firmware.h"
#include "chip/perf/latency.h"

namespace setls::chip {

struct ServerOptions {
  std::string socket_path;
  bool verbose = false;
  size_t max_connections = 64;
  std::string banner;  // printed once the socket listens (readiness)
  // Latency model (docs/performance.md): each answer is delayed by the time
  // the profiled part would need for it (unless !sleep), and with `verbose`
  // each frame's modeled cost is traced.
  const LatencyProfile* profile = nullptr;
  bool sleep = true;
  // When set, the meter's totals are written here (JSON, atomically) after
  // every frame: a benchmark reads the modeled time without a bus command.
  std::string stats_path;
};

// Serves until SIGTERM or SIGINT; returns the process exit code.
int serve(Firmware& firmware, const ServerOptions& options);

}  // namespace setls::chip
