// Candidate certification paths for a server chain, for when libcrypto's
// path builder takes a wrong turn: it picks the first plausible issuer at
// each step and never backtracks, so a server that sends an extra
// cross-certificate, or two intermediates with one name, fails although a
// valid path exists (RFC 4158 describes the problem). This enumerates the
// paths by issuer/subject linkage only (libcrypto's X509_check_issued: names,
// key identifiers, keyCertSign); each one is then validated in full by
// libcrypto with exactly its own intermediates.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

typedef struct x509_st X509;

namespace setls::chip::x509 {

// Work bounds, so that a hostile chain costs the chip a bounded amount of
// time: linkage checks while searching, and paths handed back.
constexpr size_t kMaxPathSearchSteps = 2048;
constexpr size_t kMaxCandidatePaths = 16;

// Each path lists indices into `intermediates`, from the leaf's issuer up to
// the certificate an anchor issued (empty: an anchor issued the leaf).
// Shorter paths and earlier intermediates come first; no certificate appears
// twice in a path, and a path is at most `max_intermediates` long.
std::vector<std::vector<size_t>> candidate_paths(X509* leaf, std::span<X509* const> intermediates,
                                                 std::span<X509* const> anchors, size_t max_intermediates);

}  // namespace setls::chip::x509
