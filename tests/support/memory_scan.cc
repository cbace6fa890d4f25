#include "tests/support/memory_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace setls::test {

namespace {

constexpr uintptr_t kMaxRegion = uintptr_t{1} << 30;

struct Mapping {
  uintptr_t begin = 0, end = 0;
  std::string name;
};

std::vector<Mapping> writable_mappings() {
  std::ifstream maps("/proc/self/maps");
  if (!maps) throw std::runtime_error("cannot read /proc/self/maps");
  std::vector<Mapping> out;
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, name;
    fields >> range >> perms >> offset >> device >> inode;
    std::getline(fields >> std::ws, name);
    if (perms.size() < 4 || perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p') continue;
    if (name == "[vvar]" || name == "[vsyscall]" || name == "[vdso]") continue;
    Mapping m;
    if (std::sscanf(range.c_str(), "%lx-%lx", &m.begin, &m.end) != 2) continue;
    // A reservation this large is not data a host library wrote (a
    // sanitizer's shadow); copying it would exhaust memory.
    if (m.end - m.begin > kMaxRegion) continue;
    m.name = name.empty() ? "anonymous" : name;
    out.push_back(m);
  }
  return out;
}

}  // namespace

MemorySnapshot MemorySnapshot::of_this_process(std::initializer_list<const MemorySnapshot*> ignore) {
  // The list first: the copies allocated below are new mappings or heap
  // growth, never read (the heap's own range is the one read at list time).
  std::vector<Mapping> mappings = writable_mappings();
  int fd = ::open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open /proc/self/mem");
  MemorySnapshot snap;
  snap.regions_.reserve(mappings.size());
  for (const Mapping& m : mappings) {
    Region r;
    r.name = m.name;
    r.begin = m.begin;
    r.data.resize(m.end - m.begin);
    size_t got = 0;
    while (got < r.data.size()) {
      ssize_t n = ::pread(fd, r.data.data() + got, r.data.size() - got, static_cast<off_t>(m.begin + got));
      if (n <= 0) break;  // a mapping that went away or a guard page: keep what was read
      got += static_cast<size_t>(n);
    }
    r.data.resize(got);
    // Blank what earlier snapshots hold, where it lies in this mapping.
    for (const MemorySnapshot* earlier : ignore) {
      for (const Region& e : earlier->regions_) {
        auto from = std::max(reinterpret_cast<uintptr_t>(e.data.data()), m.begin);
        auto to = std::min(reinterpret_cast<uintptr_t>(e.data.data()) + e.data.size(), m.begin + r.data.size());
        if (from < to) std::fill(r.data.begin() + (from - m.begin), r.data.begin() + (to - m.begin), uint8_t{0});
      }
    }
    snap.regions_.push_back(std::move(r));
  }
  ::close(fd);
  if (snap.regions_.empty()) throw std::runtime_error("no writable memory found in /proc/self/maps");
  return snap;
}

std::vector<std::string> MemorySnapshot::where(ByteView needle) const {
  std::vector<std::string> out;
  if (needle.empty()) return out;
  for (const Region& r : regions_) {
    for (auto at = r.data.begin();
         (at = std::search(at, r.data.end(), needle.begin(), needle.end())) != r.data.end(); ++at) {
      char address[32];
      std::snprintf(address, sizeof(address), "%#lx", static_cast<unsigned long>(r.begin + (at - r.data.begin())));
      out.push_back(r.name + " @ " + address);
    }
  }
  return out;
}

bool MemorySnapshot::contains(ByteView needle) const {
  if (needle.empty()) return false;
  for (const Region& r : regions_) {
    if (std::search(r.data.begin(), r.data.end(), needle.begin(), needle.end()) != r.data.end()) return true;
  }
  return false;
}

size_t MemorySnapshot::bytes() const {
  size_t n = 0;
  for (const Region& r : regions_) n += r.data.size();
  return n;
}

}  // namespace setls::test
