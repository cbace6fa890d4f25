#include "chip/tls/ticket_cache.h"

namespace setls::chip {

uint16_t TicketCache::store(TicketEntry entry) {
  if (next_id_ == 0) next_id_ = 1;  // 0 means "no ticket" on the bus
  entry.id = next_id_++;
  std::optional<TicketEntry>* slot = nullptr;
  for (auto& e : entries_)
    if (!e) {
      slot = &e;
      break;
    }
  if (slot == nullptr) {
    slot = &entries_[0];
    for (auto& e : entries_)
      if (e->id < (*slot)->id) slot = &e;  // oldest id goes first
  }
  uint16_t id = entry.id;
  *slot = std::move(entry);
  return id;
}

const TicketEntry* TicketCache::find(uint16_t id) const {
  for (const auto& e : entries_)
    if (e && e->id == id) return &*e;
  return nullptr;
}

void TicketCache::erase(uint16_t id) {
  for (auto& e : entries_)
    if (e && e->id == id) e.reset();  // Secret wipes itself
}

void TicketCache::clear() {
  for (auto& e : entries_) e.reset();
}

}  // namespace setls::chip
