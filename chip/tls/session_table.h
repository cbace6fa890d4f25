// The chip's TLS session slots (FirmwareConfig::session_slots, 4 by default)
// and their handles. A handle is the slot index in the low byte and a 24-bit
// generation above it; the generation changes every time a slot is taken and
// starts at a random value on every power cycle, so a stale handle — of an
// ended or aborted session, or from before a reset — never reaches the
// session that took its slot. A session belongs to the link that opened it:
// another link's handle is as unknown to it as a stale one.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "chip/tls/session.h"
#include "common/result.h"

namespace setls::chip {

class SessionTable {
 public:
  SessionTable() = default;
  explicit SessionTable(size_t slots);

  struct Opened {
    uint32_t handle = 0;
    TlsSession* session = nullptr;
  };
  // A fresh session owned by `owner`; SessionsFull when every slot is taken.
  Result<Opened> open(uint32_t owner);
  // The live session `handle` names, if `owner` opened it; UnknownSession otherwise.
  Result<TlsSession*> find(uint32_t handle, uint32_t owner);
  // Frees the slot and wipes the session (no-op for a handle that is not live).
  void end(uint32_t handle);
  // Frees every slot `owner` holds (its link went away).
  void end_all(uint32_t owner);
  void clear();

  size_t used() const;
  size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    uint32_t generation = 0;  // of the session in it, or of the last one
    std::unique_ptr<TlsSession> session;
  };
  Slot* slot_of(uint32_t handle);

  std::vector<Slot> slots_;
  uint32_t next_generation_ = 1;
};

}  // namespace setls::chip
