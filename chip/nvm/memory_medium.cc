#include "chip/nvm/medium.h"

#include <algorithm>

namespace setls::chip {

bool valid_page_write(int bank, size_t offset, size_t size) {
  return (bank == 0 || bank == 1) && offset % kPageSize == 0 && size <= kPageSize &&
         offset + size <= kBankSize;
}

MemoryMedium::MemoryMedium() {
  for (auto& b : banks_) b.assign(kBankSize, kErasedByte);
}

Result<Bytes> MemoryMedium::read(int bank) {
  if (bank != 0 && bank != 1) return Status::BadArgument;
  return banks_[static_cast<size_t>(bank)];
}

Outcome MemoryMedium::erase(int bank) {
  if (bank != 0 && bank != 1) return Status::BadArgument;
  std::fill(banks_[static_cast<size_t>(bank)].begin(), banks_[static_cast<size_t>(bank)].end(), kErasedByte);
  return {};
}

Outcome MemoryMedium::program(int bank, size_t offset, ByteView data) {
  if (!valid_page_write(bank, offset, data.size())) return Status::BadArgument;
  std::copy(data.begin(), data.end(), banks_[static_cast<size_t>(bank)].begin() + static_cast<long>(offset));
  return {};
}

Outcome MemoryMedium::advance_counter(uint64_t value) {
  if (value < counter_) return Status::NvmIo;
  counter_ = value;
  return {};
}

}  // namespace setls::chip
