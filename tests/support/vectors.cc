#include "tests/support/vectors.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace setls::test {

std::string vector_path(const std::string& relative) {
  std::string path = std::string(SETLS_VECTORS_DIR) + "/" + relative;
  return std::filesystem::exists(path) ? path : "";
}

std::string read_vector(const std::string& relative) {
  std::string path = vector_path(relative);
  if (path.empty()) return "";
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".xz") == 0) {
    std::string out;
    FILE* p = popen(("xz -dc '" + path + "'").c_str(), "r");
    if (p == nullptr) return "";
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace setls::test
