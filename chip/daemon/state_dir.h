// A chip's state directory for setls-chipd (like swtpm's --tpmstate): the
// NVM image and counter, a lock so that one daemon owns it, and by default
// the fuses. See docs/chipd.md for the layout.
#pragma once

#include <memory>
#include <string>

#include "chip/firmware/firmware.h"

namespace setls::chip {

struct StateDirOptions {
  std::string dir;
  std::string fuses_path;  // empty: DIR/fuses.bin
  FirmwareConfig firmware;
};

class StateDir {
 public:
  // Opens (or creates, for a new chip) the directory and starts the firmware.
  // Refuses an NVM image without its fuses, or one that fails its checks.
  static Result<std::unique_ptr<StateDir>> open(const StateDirOptions& options, std::string& message);
  ~StateDir();
  Firmware& firmware() { return *firmware_; }
  bool created() const { return created_; }

 private:
  StateDir() = default;
  int lock_fd_ = -1;
  bool created_ = false;
  std::unique_ptr<Firmware> firmware_;
};

}  // namespace setls::chip
