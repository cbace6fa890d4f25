#include "tests/support/memory_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
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

MemorySnapshot MemorySnapshot::of_this_process() {
  // The list first: the copies allocated below are new mappings or heap
  // growth, never read (the heap's own range is the one read at list time).
  std::vector<Mapping> mappings = writable_mappings();
  int fd = ::open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open /proc/self/mem");
  MemorySnapshot snap;
  std::random_device random;
  for (uint8_t& b : snap.pad_) b = static_cast<uint8_t>(random());
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
    snap.mask(r.data);
    snap.regions_.push_back(std::move(r));
  }
  ::close(fd);
  if (snap.regions_.empty()) throw std::runtime_error("no writable memory found in /proc/self/maps");
  return snap;
}

void MemorySnapshot::mask(Bytes& data) const {
  for (size_t i = 0; i < data.size(); ++i) data[i] ^= pad_[i % pad_.size()];
}

template <class Found>
void MemorySnapshot::search(ByteView needle, Found&& found) const {
  if (needle.empty()) return;
  Bytes plain;
  bool more = true;
  for (const Region& r : regions_) {
    plain = r.data;
    mask(plain);
    for (auto at = plain.begin(); more && (at = std::search(at, plain.end(), needle.begin(), needle.end())) != plain.end();
         ++at)
      more = found(r, static_cast<size_t>(at - plain.begin()));
    std::fill(plain.begin(), plain.end(), uint8_t{0});
    if (!more) break;
  }
}

bool MemorySnapshot::contains(ByteView needle) const {
  bool found = false;
  search(needle, [&](const Region&, size_t) { return !(found = true); });
  return found;
}

std::vector<std::string> MemorySnapshot::where(ByteView needle) const {
  std::vector<std::string> out;
  search(needle, [&](const Region& r, size_t offset) {
    char address[32];
    std::snprintf(address, sizeof address, "%#lx", static_cast<unsigned long>(r.begin + offset));
    out.push_back(r.name + " @ " + address);
    return true;
  });
  return out;
}

size_t MemorySnapshot::bytes() const {
  size_t n = 0;
  for (const Region& r : regions_) n += r.data.size();
  return n;
}

}  // namespace setls::test
