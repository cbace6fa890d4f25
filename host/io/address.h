// Telling an IP address from a host name, for the server name a connection
// is opened for: the chip matches an IP against iPAddress SANs, a name
// against dNSName SANs, and only a name goes into SNI (RFC 6066 §3).
#pragma once

#include <optional>
#include <string>

#include "common/bytes/bytes.h"

namespace setls::host {

// "192.0.2.1" or "2001:db8::1" as 4 or 16 bytes; nullopt for anything else.
std::optional<Bytes> parse_ip_address(const std::string& text);

}  // namespace setls::host
