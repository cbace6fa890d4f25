// Byte spans and owned byte strings used across the bus and the TLS codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace setls {

using ByteView = std::span<const uint8_t>;
using Bytes = std::vector<uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

// Lower-case hex, for logs of public data (never of secrets).
std::string to_hex(ByteView data);
// Parses hex (upper or lower case, no separators); false on odd length or bad digit.
bool from_hex(std::string_view hex, Bytes& out);

}  // namespace setls
