// The newest session ticket per server name, so that the next connection
// through the tunnel can resume (a shorter handshake: no certificate chain,
// no client signature). The resumption secret stays in the chip's ticket
// cache; this holds only what the host must send. A ticket is handed out
// once (RFC 8446 §C.4: a client should not reuse a ticket), and the chip
// erases its entry when it is used.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/tls/config.h"

namespace setls::host::tunnel {

class TicketStore {
 public:
  // Keeps the newest of `tickets` (all for the same name, in arrival order).
  void keep(std::vector<ResumptionTicket> tickets);
  // The ticket for `server_name`, if one is fresh at `now_ms`; removed from the store.
  std::optional<ResumptionTicket> take(const std::string& server_name, uint64_t now_ms);
  size_t size() const { return latest_.size(); }

 private:
  std::map<std::string, ResumptionTicket> latest_;
};

}  // namespace setls::host::tunnel
