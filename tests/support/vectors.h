// Test vectors from independent projects, read in place from
// ../shared/vectors (never copied into the repository).
#pragma once

#include <string>

namespace setls::test {

// Full path of a vector file, or "" when the vectors are not on this machine.
std::string vector_path(const std::string& relative);
// Reads a vector file (transparently decompressing .xz with `xz -dc`).
std::string read_vector(const std::string& relative);

}  // namespace setls::test
