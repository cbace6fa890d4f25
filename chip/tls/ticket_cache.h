// Resumption state kept inside the chip (RAM, lost on power cycle): the
// TLS 1.3 resumption PSK or the TLS 1.2 master secret never leaves it. The
// host keeps only the opaque ticket and the entry's id.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto/hash.h"
#include "common/secure/secret.h"

namespace setls::chip {

struct TicketEntry {
  uint16_t id = 0;
  uint16_t version = 0;      // kTls13 or kTls12
  uint16_t suite = 0;
  std::string server_name;   // resumption only towards the name that was authenticated
  Secret secret;             // 1.3: the resumption PSK; 1.2: the master secret
  Digest ticket_hash;        // SHA-256 of the ticket / session id the host must present
  uint64_t issued_ms = 0;    // host time when received
  uint32_t lifetime_s = 0;
  uint32_t age_add = 0;      // 1.3 ticket_age_add
  bool extended_master_secret = false;
  bool session_id = false;   // 1.2: ticket_hash is of the server's session id, not of a ticket
};

class TicketCache {
 public:
  static constexpr size_t kEntries = 8;

  // Stores an entry (evicting the oldest) and returns its id.
  uint16_t store(TicketEntry entry);
  // The entry with `id`, if it still exists.
  const TicketEntry* find(uint16_t id) const;
  void erase(uint16_t id);
  void clear();

 private:
  std::array<std::optional<TicketEntry>, kEntries> entries_;
  uint16_t next_id_ = 1;
};

}  // namespace setls::chip
