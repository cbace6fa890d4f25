#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chip/nvm/medium.h"
#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::chip {

namespace {

const char* kNvmFile = "/nvm.bin";
const char* kCounterFile = "/counter.bin";

bool write_all_at(int fd, ByteView data, off_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool read_all_at(int fd, std::span<uint8_t> out, off_t offset) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = pread(fd, out.data() + done, out.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool FileMedium::exists(const std::string& dir) {
  struct stat st {};
  return ::stat((dir + kNvmFile).c_str(), &st) == 0;
}

Result<std::unique_ptr<FileMedium>> FileMedium::open(const std::string& dir) {
  bool fresh = !exists(dir);
  int nvm = ::open((dir + kNvmFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int counter = ::open((dir + kCounterFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (nvm < 0 || counter < 0) {
    if (nvm >= 0) ::close(nvm);
    if (counter >= 0) ::close(counter);
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  }
  std::unique_ptr<FileMedium> medium(new FileMedium(nvm, counter));
  if (fresh) {
    // A new part comes with erased flash and a zero counter.
    Bytes erased(2 * kBankSize, kErasedByte);
    Bytes zero(8, 0);
    if (!write_all_at(nvm, erased, 0) || !write_all_at(counter, zero, 0) || fsync(nvm) != 0 ||
        fsync(counter) != 0 || !sync_dir(dir))
      return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  }
  struct stat st {};
  if (fstat(nvm, &st) != 0 || static_cast<size_t>(st.st_size) != 2 * kBankSize)
    return Status::NvmTampered;  // flash does not change size
  return medium;
}

FileMedium::~FileMedium() {
  ::close(nvm_fd_);
  ::close(counter_fd_);
}

Result<Bytes> FileMedium::read(int bank) {
  if (bank != 0 && bank != 1) return Status::BadArgument;
  Bytes out(kBankSize);
  if (!read_all_at(nvm_fd_, out, static_cast<off_t>(bank) * static_cast<off_t>(kBankSize)))
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  return out;
}

Outcome FileMedium::erase(int bank) {
  if (bank != 0 && bank != 1) return Status::BadArgument;
  Bytes erased(kBankSize, kErasedByte);
  if (!write_all_at(nvm_fd_, erased, static_cast<off_t>(bank) * static_cast<off_t>(kBankSize)))
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  return {};
}

Outcome FileMedium::program(int bank, size_t offset, ByteView data) {
  if (!valid_page_write(bank, offset, data.size())) return Status::BadArgument;
  off_t at = static_cast<off_t>(bank) * static_cast<off_t>(kBankSize) + static_cast<off_t>(offset);
  if (!write_all_at(nvm_fd_, data, at)) return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  return {};
}

Outcome FileMedium::sync() {
  if (fdatasync(nvm_fd_) != 0) return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  return {};
}

Result<uint64_t> FileMedium::read_counter() {
  uint8_t buf[8];
  if (!read_all_at(counter_fd_, buf, 0)) return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  Reader r(buf);
  uint64_t v = 0;
  if (!r.u64(v)) return Status::NvmIo;
  return v;
}

Outcome FileMedium::advance_counter(uint64_t value) {
  auto current = read_counter();
  if (!current) return current.error();
  if (value < *current) return Status::NvmIo;
  Bytes buf;
  Writer(buf).u64(value);
  // One aligned 8-byte write: the counter moves atomically on a real disk.
  if (!write_all_at(counter_fd_, buf, 0) || fdatasync(counter_fd_) != 0)
    return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  return {};
}

}  // namespace setls::chip
