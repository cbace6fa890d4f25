// A copy of this process's writable memory (heap, stacks, anonymous
// mappings, the data of every loaded library), taken through /proc/self/mem,
// to search later for bytes that must never have been there. Taking the
// copy before the needles exist keeps them out of it: the search cannot
// find the test's own copy of a key. The copy is kept masked (XOR with a
// random pad), so that a later snapshot of the same process does not find
// in it what this one saw: a key found while a session was open would
// otherwise still be "in memory" after it closed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes/bytes.h"

namespace setls::test {

class MemorySnapshot {
 public:
  // Every readable and writable private mapping but the kernel's
  // ([vvar], [vsyscall]). Throws if /proc/self is unreadable.
  static MemorySnapshot of_this_process();

  bool contains(ByteView needle) const;
  // "[heap] @ 0x5581…" for every place `needle` was found.
  std::vector<std::string> where(ByteView needle) const;
  size_t bytes() const;
  size_t regions() const { return regions_.size(); }

 private:
  struct Region {
    std::string name;
    uintptr_t begin = 0;
    Bytes data;  // masked
  };
  void mask(Bytes& data) const;  // its own inverse
  // Calls `found(region, offset)` for each place of `needle` until it returns false.
  template <class Found>
  void search(ByteView needle, Found&& found) const;
  std::vector<Region> regions_;
  std::array<uint8_t, 61> pad_{};  // a length no structure is aligned to
};

}  // namespace setls::test
