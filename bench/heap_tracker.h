// Exact heap accounting for the heap probe: malloc and friends are replaced
// in that executable (heap_tracker.cc) and forward to glibc. Only blocks
// allocated while tracking is on are counted, so a probe can run a TLS
// server, or the chip, in the same thread and exclude them: it turns
// tracking off around their calls. A counted block freed later (tracked or
// not) is uncounted; sizes are the requested ones, not malloc's rounding.
// Single-threaded by design.
#pragma once

#include <cstdint>

namespace setls::bench::heap {

struct Stats {
  uint64_t allocations = 0;  // counted malloc/calloc/realloc/memalign calls
  uint64_t live = 0;         // counted bytes not yet freed
  uint64_t peak = 0;         // the highest `live` since start()
};

// Forgets every counted block and starts counting (peak = live = 0).
void start();
void set_tracking(bool on);
bool tracking();
Stats stats();

// Turns tracking off for a scope (the server's or the chip's turn).
class Untracked {
 public:
  Untracked() : was_(tracking()) { set_tracking(false); }
  ~Untracked() { set_tracking(was_); }
  Untracked(const Untracked&) = delete;
  Untracked& operator=(const Untracked&) = delete;

 private:
  bool was_;
};

}  // namespace setls::bench::heap
