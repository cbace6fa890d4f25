#include "host/io/address.h"

#include <arpa/inet.h>

namespace setls::host {

std::optional<Bytes> parse_ip_address(const std::string& text) {
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return Bytes(buf, buf + 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return Bytes(buf, buf + 16);
  return std::nullopt;
}

}  // namespace setls::host
