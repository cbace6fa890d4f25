#include "common/result.h"

#include <cstring>

namespace setls {

std::string describe(const Error& e) {
  std::string out = status_message(e.status);
  out += " (";
  out += status_name(e.status);
  if (e.detail != 0) {
    out += ", detail ";
    out += std::to_string(e.detail);
  }
  out += ")";
  const char* hint = status_hint(e.status);
  if (hint[0] != '\0') {
    out += ". Next: ";
    out += hint;
  }
  return out;
}

}  // namespace setls
