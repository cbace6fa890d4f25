#include "tests/support/server_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace setls::test {

namespace {

// The first "@NAME@" (capitals and underscores) left in `text`, or "".
// A plain scan: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.
std::string leftover_placeholder(const std::string& text) {
  for (size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    size_t end = at + 1;
    while (end < text.size() && ((text[end] >= 'A' && text[end] <= 'Z') || text[end] == '_')) ++end;
    if (end > at + 1 && end < text.size() && text[end] == '@') return text.substr(at, end - at + 1);
  }
  return "";
}

}  // namespace

std::string render_server_config(const std::string& name, const std::map<std::string, std::string>& values) {
  std::string path = std::string(SETLS_SOURCE_DIR) + "/examples/server-config/" + name + ".in";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  EXPECT_FALSE(text.empty()) << "cannot read " << path;
  for (const auto& [key, value] : values) {
    std::string placeholder = "@" + key + "@";
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  if (std::string left = leftover_placeholder(text); !left.empty())
    ADD_FAILURE() << name << ": no value for " << left;
  return text;
}

}  // namespace setls::test
