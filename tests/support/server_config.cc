#include "tests/support/server_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace setls::test {

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
  std::smatch left;
  if (std::regex_search(text, left, std::regex("@[A-Z_]+@")))
    ADD_FAILURE() << name << ": no value for " << left.str();
  return text;
}

}  // namespace setls::test
