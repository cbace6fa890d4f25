// A bus link with faults, drawn from a seeded RNG so that every run of a
// seed is the same: bits flipped in a request or an answer, a request lost,
// an answer lost (the chip executed, the host hears nothing), a frame
// delivered twice, and an older frame delivered again before the current one.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>

#include "common/bus/transport.h"

namespace setls::test {

enum class Fault : uint8_t {
  FlipRequest,  // 1 to 3 bits of the request flipped on the way to the chip
  FlipAnswer,   // 1 to 3 bits of the answer flipped on the way back
  DropRequest,  // the request never reaches the chip; the host times out
  DropAnswer,   // the chip executes, the answer is lost; the host times out
  Repeat,       // the request reaches the chip twice in a row
  StaleRepeat,  // an earlier request (not a HELLO) reaches the chip again first
  kCount,
};
const char* fault_name(Fault f);

struct FaultPlan {
  uint64_t seed = 1;
  double rate = 0.3;  // probability that an exchange suffers a fault
  // Faults that lose an exchange (flips, drops) never hit more than this
  // many exchanges in a row, so that a driver with more retransmissions than
  // this always gets through. Set it higher to model a dead link.
  int max_consecutive_losses = 2;
  // Which faults may be drawn (bit i: Fault i); all of them by default.
  uint32_t kinds = (1u << static_cast<int>(Fault::kCount)) - 1;
};

struct FaultStats {
  uint64_t exchanges = 0;
  std::array<uint64_t, static_cast<size_t>(Fault::kCount)> injected{};
  uint64_t total() const;
  uint64_t of(Fault f) const { return injected[static_cast<size_t>(f)]; }
};

class FaultyTransport final : public bus::Transport {
 public:
  FaultyTransport(std::unique_ptr<bus::Transport> inner, FaultPlan plan);
  Result<Bytes> exchange(ByteView frame) override;

  const FaultStats& stats() const { return stats_; }
  // Faults off (rate 0) or on again, e.g. around a setup step.
  void set_rate(double rate) { plan_.rate = rate; }

 private:
  void flip_bits(Bytes& frame);

  std::unique_ptr<bus::Transport> inner_;
  FaultPlan plan_;
  std::mt19937_64 rng_;
  FaultStats stats_;
  int losses_in_a_row_ = 0;
  std::deque<Bytes> history_;  // recent non-HELLO requests, for StaleRepeat
};

}  // namespace setls::test
