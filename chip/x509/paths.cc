#include "chip/x509/paths.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace setls::chip::x509 {

namespace {

struct Search {
  std::span<X509* const> intermediates;
  std::span<X509* const> anchors;
  size_t max_intermediates = 0;
  size_t steps = 0;
  std::vector<size_t> path;
  std::vector<std::vector<size_t>> found;

  bool exhausted() const { return steps >= kMaxPathSearchSteps || found.size() >= kMaxCandidatePaths; }

  bool issued(X509* issuer, X509* subject) {
    ++steps;
    return X509_check_issued(issuer, subject) == X509_V_OK;
  }

  // Depth-first from `cert`; the recursion is at most max_intermediates deep.
  void extend(X509* cert) {
    for (X509* anchor : anchors) {
      if (exhausted()) return;
      if (issued(anchor, cert)) {
        found.push_back(path);
        break;
      }
    }
    if (path.size() >= max_intermediates) return;
    for (size_t i = 0; i < intermediates.size() && !exhausted(); ++i) {
      if (std::find(path.begin(), path.end(), i) != path.end()) continue;
      if (!issued(intermediates[i], cert)) continue;
      path.push_back(i);
      extend(intermediates[i]);
      path.pop_back();
    }
  }
};

}  // namespace

std::vector<std::vector<size_t>> candidate_paths(X509* leaf, std::span<X509* const> intermediates,
                                                 std::span<X509* const> anchors, size_t max_intermediates) {
  Search s{intermediates, anchors, max_intermediates};
  s.extend(leaf);
  // Try short paths first: fewer signatures to check, and the one a
  // well-configured server meant.
  std::stable_sort(s.found.begin(), s.found.end(),
                   [](const auto& a, const auto& b) { return a.size() < b.size(); });
  return std::move(s.found);
}

}  // namespace setls::chip::x509
