#include "chip/daemon/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace setls::chip {

StateDir::~StateDir() {
  firmware_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<StateDir>> StateDir::open(const StateDirOptions& options, std::string& message) {
  std::unique_ptr<StateDir> sd(new StateDir());
  const std::string& dir = options.dir;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    message = "cannot create state directory " + dir + ": " + std::strerror(errno);
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  }
  sd->lock_fd_ = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (sd->lock_fd_ < 0 || ::flock(sd->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    message = "state directory " + dir + " is in use by another chip process";
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  }

  std::string fuses_path = options.fuses_path.empty() ? dir + "/fuses.bin" : options.fuses_path;
  bool has_image = FileMedium::exists(dir);
  struct stat st {};
  bool has_fuses = ::stat(fuses_path.c_str(), &st) == 0;
  if (!has_fuses && has_image) {
    message = "the NVM image in " + dir + " has no fuses at " + fuses_path +
              ": it was copied from another chip, and a chip cannot run on an image that is not its own";
    return Status::NvmTampered;
  }
  if (!has_fuses) {
    auto burnt = burn_fuses();
    if (!burnt) return burnt.error();
    SETLS_TRY(save_fuses(fuses_path, *burnt));
    sd->created_ = true;
  }
  auto fuses = load_fuses(fuses_path);
  if (!fuses) {
    message = "the fuse file " + fuses_path + " is unreadable or damaged";
    return fuses.error();
  }
  auto medium = FileMedium::open(dir);
  if (!medium) {
    message = "cannot open the NVM image in " + dir;
    return medium.error();
  }
  auto firmware = Firmware::start(std::move(*medium), *fuses, options.firmware);
  if (!firmware) {
    if (firmware.error().status == Status::NvmTampered)
      message = "the NVM image in " + dir +
                " failed its integrity check (edited, rolled back, or written by another chip); refusing to run";
    else
      message = "cannot start the chip on " + dir;
    return firmware.error();
  }
  sd->firmware_ = std::move(*firmware);
  return sd;
}

}  // namespace setls::chip
