#include "chip/nvm/fuses.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/crypto/random.h"

namespace setls::chip {

namespace {
constexpr char kMagic[8] = {'S', 'E', 'T', 'L', 'S', 'F', 'U', 'S'};
constexpr size_t kSecretSize = 32;
constexpr size_t kFileSize = sizeof kMagic + bus::kSerialSize + kSecretSize;
}  // namespace

Result<Fuses> burn_fuses() {
  Fuses f;
  SETLS_TRY(random_bytes(f.serial));
  SETLS_TRY(random_bytes(f.device_secret.reset(kSecretSize)));
  return f;
}

Result<Fuses> load_fuses(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{Status::NvmTampered, static_cast<uint32_t>(errno)};
  uint8_t buf[kFileSize + 1];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  Fuses f;
  Reader r(ByteView(buf, n > 0 ? static_cast<size_t>(n) : 0));
  ByteView magic;
  bool ok = r.bytes(sizeof kMagic, magic) &&
            ct_equal(magic, ByteView(reinterpret_cast<const uint8_t*>(kMagic), sizeof kMagic)) &&
            r.copy(f.serial) && r.copy(f.device_secret.reset(kSecretSize)) && r.expect_end();
  wipe(buf, sizeof buf);
  if (!ok) return Status::NvmTampered;
  return f;
}

Outcome save_fuses(const std::string& path, const Fuses& fuses) {
  SecretBytes file;
  auto buf = file.reset(kFileSize);
  std::copy(std::begin(kMagic), std::end(kMagic), buf.begin());
  std::copy(fuses.serial.begin(), fuses.serial.end(), buf.begin() + sizeof kMagic);
  ByteView secret = fuses.device_secret.view();
  std::copy(secret.begin(), secret.end(), buf.begin() + sizeof kMagic + bus::kSerialSize);
  // O_EXCL: fuses are burnt once and never rewritten.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error{Status::NvmIo, static_cast<uint32_t>(errno)};
  bool ok = ::write(fd, buf.data(), buf.size()) == static_cast<ssize_t>(buf.size()) && fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::NvmIo;
  return {};
}

}  // namespace setls::chip
