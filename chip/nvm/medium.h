// The chip's non-volatile memory as the firmware sees it: two flash banks
// written page by page, and a monotonic counter (on-die in silicon). Storage
// (storage.h) builds atomic, authenticated commits on top of this; tests wrap
// a medium to cut power at any step.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::chip {

constexpr size_t kBankSize = 32 * 1024;
constexpr size_t kPageSize = 256;
constexpr uint8_t kErasedByte = 0xFF;

class NvmMedium {
 public:
  virtual ~NvmMedium() = default;
  // The whole bank, kBankSize bytes; erased bytes read as 0xFF.
  virtual Result<Bytes> read(int bank) = 0;
  virtual Outcome erase(int bank) = 0;
  // Programs one page: offset is page-aligned, data at most kPageSize bytes.
  virtual Outcome program(int bank, size_t offset, ByteView data) = 0;
  // Returns once everything programmed so far is durable.
  virtual Outcome sync() = 0;
  virtual Result<uint64_t> read_counter() = 0;
  // Raises the counter to `value`; a monotonic counter refuses to go down.
  virtual Outcome advance_counter(uint64_t value) = 0;
};

// A medium in RAM, for tests and the in-process chip.
class MemoryMedium final : public NvmMedium {
 public:
  MemoryMedium();
  Result<Bytes> read(int bank) override;
  Outcome erase(int bank) override;
  Outcome program(int bank, size_t offset, ByteView data) override;
  Outcome sync() override { return {}; }
  Result<uint64_t> read_counter() override { return counter_; }
  Outcome advance_counter(uint64_t value) override;

  // Direct access for tests that tamper with the image.
  Bytes& bank(int b) { return banks_[static_cast<size_t>(b)]; }
  void set_counter(uint64_t v) { counter_ = v; }

 private:
  std::array<Bytes, 2> banks_;
  uint64_t counter_ = 0;
};

// Banks in DIR/nvm.bin (2 × 32 KiB, pwrite + fdatasync) and the counter in
// DIR/counter.bin.
class FileMedium final : public NvmMedium {
 public:
  static Result<std::unique_ptr<FileMedium>> open(const std::string& dir);
  ~FileMedium() override;
  Result<Bytes> read(int bank) override;
  Outcome erase(int bank) override;
  Outcome program(int bank, size_t offset, ByteView data) override;
  Outcome sync() override;
  Result<uint64_t> read_counter() override;
  Outcome advance_counter(uint64_t value) override;

  // True when DIR holds an NVM image (used to tell a blank chip from a copied image).
  static bool exists(const std::string& dir);

 private:
  FileMedium(int nvm_fd, int counter_fd) : nvm_fd_(nvm_fd), counter_fd_(counter_fd) {}
  int nvm_fd_;
  int counter_fd_;
};

bool valid_page_write(int bank, size_t offset, size_t size);

}  // namespace setls::chip
