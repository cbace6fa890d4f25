// An NVM medium that loses power (ARCHITECTURE.md invariant 8). It passes
// every operation to a target medium that outlives it (a MemoryMedium or a
// FileMedium) and numbers the write steps: erase, program, sync and
// advance_counter. With a cut planned at step k, step k is torn in one of
// the ways below, and every operation after it fails as on a dead chip. A
// new Firmware then starts on the target to see what survived.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chip/nvm/medium.h"

namespace setls::test {

enum class NvmStep : uint8_t { Erase, Program, Sync, Counter };
const char* step_name(NvmStep s);

// How the interrupted step is left.
enum class Tear : uint8_t {
  None,          // nothing of it happened
  Half,          // program: the first half of the bytes; erase: the first half of the pages
  AllButOne,     // program: all but the last byte; erase: all but the last page
  Completed,     // it happened, but power died before the firmware heard back
  LoseUnsynced,  // nothing of it happened, and every other page programmed since
                 // the last sync is lost too (a disk that reorders unsynced writes)
};
const char* tear_name(Tear t);
// The tears that make sense for a step kind (each is one crash point).
std::vector<Tear> tears_for(NvmStep s);

class PowerCutMedium final : public chip::NvmMedium {
 public:
  struct Cut {
    size_t step = 0;
    Tear tear = Tear::None;
  };
  // No cut: a pass-through that only counts steps.
  explicit PowerCutMedium(chip::NvmMedium& target, std::optional<Cut> cut = std::nullopt)
      : target_(target), cut_(cut) {}

  Result<Bytes> read(int bank) override;
  Outcome erase(int bank) override;
  Outcome program(int bank, size_t offset, ByteView data) override;
  Outcome sync() override;
  Result<uint64_t> read_counter() override;
  Outcome advance_counter(uint64_t value) override;

  // The write steps seen so far, in order (the torn one included).
  const std::vector<NvmStep>& steps() const { return steps_; }
  bool power_lost() const { return dead_; }

 private:
  // True when this step is the one power dies in.
  bool cut_now(NvmStep s);
  void lose_unsynced();

  struct Written {
    int bank;
    size_t offset;
    Bytes before;  // the page's content before this program
  };

  chip::NvmMedium& target_;
  std::optional<Cut> cut_;
  std::vector<NvmStep> steps_;
  std::vector<Written> unsynced_;
  bool dead_ = false;
};

}  // namespace setls::test
