// A copy of this process's writable memory (heap, stacks, anonymous
// mappings, the data of every loaded library), taken through /proc/self/mem,
// to search later for bytes that must never have been there. Taking the
// copy before the needles exist keeps them out of it: the search cannot
// find the test's own copy of a key.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/bytes/bytes.h"

namespace setls::test {

class MemorySnapshot {
 public:
  // Every readable and writable private mapping but the kernel's
  // ([vvar], [vsyscall]). Throws if /proc/self is unreadable. The copies
  // held by `ignore` (earlier snapshots still alive) read as zeros: a
  // snapshot taken during a session would otherwise carry that session's
  // secrets into the one taken after it.
  static MemorySnapshot of_this_process(std::initializer_list<const MemorySnapshot*> ignore = {});

  bool contains(ByteView needle) const;
  // Where `needle` occurs: "mapping name @ address" for each hit, to say in
  // a failure message which memory kept a secret.
  std::vector<std::string> where(ByteView needle) const;
  size_t bytes() const;
  size_t regions() const { return regions_.size(); }

 private:
  struct Region {
    std::string name;
    uintptr_t begin = 0;
    Bytes data;
  };
  std::vector<Region> regions_;
};

}  // namespace setls::test
