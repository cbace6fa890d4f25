#include "host/tunnel/ticket_store.h"

namespace setls::host::tunnel {

void TicketStore::keep(std::vector<ResumptionTicket> tickets) {
  for (auto& t : tickets) latest_[t.server_name] = std::move(t);
}

std::optional<ResumptionTicket> TicketStore::take(const std::string& server_name, uint64_t now_ms) {
  auto it = latest_.find(server_name);
  if (it == latest_.end()) return std::nullopt;
  ResumptionTicket t = std::move(it->second);
  latest_.erase(it);
  if (t.expired(now_ms)) return std::nullopt;
  return t;
}

}  // namespace setls::host::tunnel
