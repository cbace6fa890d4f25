// setls-chipd as a child process on a state directory of its own, and the
// setls CLI pointed at it: the tests that run the real binaries.
#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace setls::test {

class ChipDaemon {
 public:
  // Starts setls-chipd on STATE_DIR with its socket at SOCKET (both paths
  // under a test's TempDir); its stderr goes to LOG. Waits until it listens.
  ChipDaemon(std::string state_dir, std::string socket, std::string log, std::vector<std::string> extra = {});
  ~ChipDaemon() { stop(); }

  bool listening() const { return listening_; }
  std::string address() const { return "unix:" + socket_; }
  const std::string& socket() const { return socket_; }
  pid_t pid() const { return process_.pid(); }
  // SIGTERM by PID; the exit code (0 for a clean shutdown).
  int stop(int signal = 15) { return process_.stop(signal, 10s); }
  // What the daemon printed so far.
  std::string log() const;

  // Runs `setls ARGS --chip unix:SOCKET`.
  RunResult setls(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) const;

 private:
  std::string socket_, log_;
  Process process_;
  bool listening_ = false;
};

}  // namespace setls::test
