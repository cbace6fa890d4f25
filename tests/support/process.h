// Child processes for tests: servers started in the background and stopped by
// PID (never by name), and commands run to completion with a time bound.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace setls::test {

using namespace std::chrono_literals;

// Path of one of the project's binaries in the build tree: "setls", "setls-chipd".
std::string binary(const std::string& name);

struct RunResult {
  int exit_code = -1;  // -1 if it timed out or died by a signal
  std::string out;
  std::string err;
};

// Runs argv to completion (killed after `timeout`), feeding `input` to stdin.
RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
              std::chrono::milliseconds timeout = 60s, const std::vector<std::string>& env = {});

class Process {
 public:
  Process() = default;
  // Starts argv in the background; stdout and stderr go to `log_path` (or /dev/null).
  static Process start(const std::vector<std::string>& argv, const std::string& log_path = "",
                       const std::vector<std::string>& env = {});
  Process(Process&& o) noexcept;
  Process& operator=(Process&& o) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` to the PID and waits up to `timeout`, then SIGKILL. Returns
  // the exit code, or 128+signal if it died by a signal.
  int stop(int signal = 15, std::chrono::milliseconds timeout = 10s);
  // Waits for the process to exit by itself.
  int wait(std::chrono::milliseconds timeout = 10s);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

bool wait_for_path(const std::string& path, std::chrono::milliseconds timeout = 10s);
// True once something listens on 127.0.0.1:port (TCP).
bool wait_for_port(int port, std::chrono::milliseconds timeout = 10s);
// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace setls::test
