#include "chip/tls/session_table.h"

#include "common/crypto/random.h"

namespace setls::chip {

namespace {
constexpr uint32_t kGenerationMask = 0x00FFFFFF;
constexpr unsigned kSlotBits = 8;
}  // namespace

SessionTable::SessionTable(size_t slots) : slots_(std::min<size_t>(slots, 255)) {
  // A random first generation: handles from before a power cycle do not
  // come back to life after it.
  uint8_t seed[3] = {};
  if (random_bytes(seed).ok()) next_generation_ = (uint32_t{seed[0]} << 16) | (uint32_t{seed[1]} << 8) | seed[2];
}

Result<SessionTable::Opened> SessionTable::open(uint32_t owner) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (slot.session) continue;
    next_generation_ = (next_generation_ + 1) & kGenerationMask;
    if (next_generation_ == 0) next_generation_ = 1;  // handle 0 never exists
    slot.generation = next_generation_;
    slot.session = std::make_unique<TlsSession>();
    slot.session->owner = owner;
    return Opened{(slot.generation << kSlotBits) | static_cast<uint32_t>(i), slot.session.get()};
  }
  return Status::SessionsFull;
}

SessionTable::Slot* SessionTable::slot_of(uint32_t handle) {
  size_t index = handle & ((1u << kSlotBits) - 1);
  uint32_t generation = handle >> kSlotBits;
  if (index >= slots_.size() || generation == 0) return nullptr;
  Slot& slot = slots_[index];
  if (!slot.session || slot.generation != generation) return nullptr;
  return &slot;
}

Result<TlsSession*> SessionTable::find(uint32_t handle, uint32_t owner) {
  Slot* slot = slot_of(handle);
  if (slot == nullptr || slot->session->owner != owner) return Status::UnknownSession;
  return slot->session.get();
}

void SessionTable::end(uint32_t handle) {
  if (Slot* slot = slot_of(handle)) slot->session.reset();  // members wipe themselves
}

void SessionTable::end_all(uint32_t owner) {
  for (Slot& slot : slots_)
    if (slot.session && slot.session->owner == owner) slot.session.reset();
}

void SessionTable::clear() {
  for (Slot& slot : slots_) slot.session.reset();
}

size_t SessionTable::used() const {
  size_t n = 0;
  for (const Slot& slot : slots_)
    if (slot.session) ++n;
  return n;
}

}  // namespace setls::chip
