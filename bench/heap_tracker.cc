#include "bench/heap_tracker.h"

#include <cerrno>
#include <cstddef>
#include <cstring>

extern "C" {
void* __libc_malloc(size_t n);
void __libc_free(void* p);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t n);
void* __libc_memalign(size_t alignment, size_t n);
}

namespace setls::bench::heap {
namespace {

// Open addressing, pointer → size; deletions leave tombstones. Enough for
// the few thousand blocks one connection allocates.
constexpr size_t kSlots = size_t{1} << 18;
constexpr uintptr_t kEmpty = 0;
constexpr uintptr_t kTomb = 1;
uintptr_t keys[kSlots];
size_t sizes[kSlots];
size_t used = 0;  // non-empty slots, tombstones included
bool on = false;
Stats st;

size_t slot_of(uintptr_t p) { return static_cast<size_t>((p >> 4) * 0x9E3779B97F4A7C15ull) & (kSlots - 1); }

void insert(void* ptr, size_t n) {
  if (ptr == nullptr) return;
  if (used * 4 >= kSlots * 3) return;  // full: stop counting rather than corrupt (never seen)
  auto p = reinterpret_cast<uintptr_t>(ptr);
  size_t i = slot_of(p);
  while (keys[i] != kEmpty && keys[i] != kTomb) i = (i + 1) & (kSlots - 1);
  if (keys[i] == kEmpty) ++used;
  keys[i] = p;
  sizes[i] = n;
  st.allocations += 1;
  st.live += n;
  if (st.live > st.peak) st.peak = st.live;
}

void erase(void* ptr) {
  if (ptr == nullptr || used == 0) return;
  auto p = reinterpret_cast<uintptr_t>(ptr);
  for (size_t i = slot_of(p), probes = 0; keys[i] != kEmpty && probes < kSlots; i = (i + 1) & (kSlots - 1), ++probes) {
    if (keys[i] == p) {
      keys[i] = kTomb;
      st.live -= sizes[i];
      return;
    }
  }
}

}  // namespace

void start() {
  std::memset(keys, 0, sizeof keys);
  used = 0;
  st = Stats{};
  on = true;
}
void set_tracking(bool t) { on = t; }
bool tracking() { return on; }
Stats stats() { return st; }

}  // namespace setls::bench::heap

using namespace setls::bench;

extern "C" {

void* malloc(size_t n) {
  void* p = __libc_malloc(n);
  if (heap::on) heap::insert(p, n);
  return p;
}

void free(void* p) {
  heap::erase(p);
  __libc_free(p);
}

void* calloc(size_t n, size_t size) {
  void* p = __libc_calloc(n, size);
  if (heap::on) heap::insert(p, n * size);
  return p;
}

void* realloc(void* old, size_t n) {
  void* p = __libc_realloc(old, n);
  if (p == nullptr && n != 0) return nullptr;  // the old block is still there
  heap::erase(old);
  if (heap::on) heap::insert(p, n);
  return p;
}

void* memalign(size_t alignment, size_t n) {
  void* p = __libc_memalign(alignment, n);
  if (heap::on) heap::insert(p, n);
  return p;
}

void* aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }

int posix_memalign(void** out, size_t alignment, size_t n) {
  void* p = memalign(alignment, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t n) { return memalign(4096, n); }
void* pvalloc(size_t n) { return memalign(4096, (n + 4095) & ~size_t{4095}); }

}  // extern "C"
