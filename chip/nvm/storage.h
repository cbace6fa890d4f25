// Atomic, authenticated commits of the chip's state (ARCHITECTURE.md
// invariant 8; docs/nvm.md).
//
// A commit writes the whole image to the bank that does not hold the current
// one, header page last, syncs, then raises the monotonic counter to the
// image's generation. At start the chip takes the valid image with the
// highest generation, which must be the counter's value or one more (power
// lost before the counter moved). Anything else — no valid image, an older
// one, an edited one — is tampering or a foreign image, and the chip refuses
// to run. Images are AES-256-GCM under a key derived from the fuses: private
// keys are not readable in the image, and any edited byte fails the tag.
#pragma once

#include <memory>

#include "chip/nvm/fuses.h"
#include "chip/nvm/medium.h"
#include "chip/nvm/state.h"

namespace setls::chip {

class Storage {
 public:
  // Loads the current state from the medium, or a blank state for a new chip.
  static Result<std::unique_ptr<Storage>> open(std::unique_ptr<NvmMedium> medium, const Fuses& fuses,
                                               NvmState& state_out);

  Outcome commit(const NvmState& state);
  // Erases the bank that does not hold the current image, unless it is
  // blank already (after a zeroize, so that no older image with keys stays
  // in flash).
  Outcome scrub_stale_bank();

  size_t capacity() const;
  size_t used() const { return used_; }
  uint64_t generation() const { return generation_; }
  NvmMedium& medium() { return *medium_; }

 private:
  Storage(std::unique_ptr<NvmMedium> medium, Secret key)
      : medium_(std::move(medium)), key_(std::move(key)) {}

  std::unique_ptr<NvmMedium> medium_;
  Secret key_;  // AES-256-GCM key derived from the fuses
  int current_bank_ = -1;  // -1: nothing written yet
  uint64_t generation_ = 0;
  size_t used_ = 0;
};

}  // namespace setls::chip
