#include "common/bytes/writer.h"

namespace setls {

bool Writer::reserve(size_t n) {
  if (!ok_ || n > limit_ || out_.size() > limit_ - n) {
    ok_ = false;
    return false;
  }
  return true;
}

Writer& Writer::big_endian(uint64_t v, size_t n) {
  if (!reserve(n)) return *this;
  for (size_t i = n; i > 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
  return *this;
}

Writer& Writer::bytes(ByteView v) {
  if (reserve(v.size())) out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}

Writer& Writer::zeros(size_t n) {
  if (reserve(n)) out_.insert(out_.end(), n, 0);
  return *this;
}

void Writer::patch_length(size_t at, size_t len_bytes) {
  size_t len = out_.size() - at - len_bytes;
  if (len_bytes < sizeof(size_t) && len >> (8 * len_bytes) != 0) {
    ok_ = false;  // the block outgrew its length prefix
    return;
  }
  for (size_t i = 0; i < len_bytes; ++i)
    out_[at + i] = static_cast<uint8_t>(len >> (8 * (len_bytes - 1 - i)));
}

}  // namespace setls
