#include "chip/tls/transcript.h"

#include <cstdlib>

namespace setls::chip {

void Transcript::add(ByteView message) {
  if (!chosen_ || *chosen_ == HashAlg::Sha256) sha256_.update(message);
  if (!chosen_ || *chosen_ == HashAlg::Sha384) sha384_.update(message);
}

void Transcript::choose(HashAlg alg) { chosen_ = alg; }

Digest Transcript::current() const {
  if (!chosen_) std::abort();  // a firmware bug: no hash before the suite is known
  return *chosen_ == HashAlg::Sha256 ? sha256_.current() : sha384_.current();
}

Digest Transcript::current(HashAlg alg) const {
  if (chosen_ && *chosen_ != alg) std::abort();  // a firmware bug: that hash was dropped
  return alg == HashAlg::Sha256 ? sha256_.current() : sha384_.current();
}

void Transcript::replace_with_message_hash() {
  Digest first = current();
  Hash fresh(*chosen_);
  const uint8_t header[4] = {254, 0, 0, static_cast<uint8_t>(first.size)};
  fresh.update(header);
  fresh.update(first.view());
  (*chosen_ == HashAlg::Sha256 ? sha256_ : sha384_) = std::move(fresh);
}

}  // namespace setls::chip
