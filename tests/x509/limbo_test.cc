// x509-limbo (C2SP, with Netflix's BetterTLS cases) through the chip's exact
// path: every case gets a fresh RAM chip, its trusted certificates go in
// through ADD_ROOT (the chip may refuse some, as a device would), and the
// peer certificate plus the untrusted intermediates go to X509_VERIFY as a
// server would send them. Read in place from ../shared/vectors.
//
// In scope: server validation (what the chip does) with no required EKU or
// serverAuth. Out of scope: the client-validation cases (a chip verifies
// servers only). Everything in scope counts, including cases that need
// features the chip deliberately lacks (CRLs, a configurable depth,
// pools of more than 8 certificates); docs/x509-policy.md lists why each
// remaining case is wrong.
//
// The score is a regression gate: it may go up, never down. Set
// SETLS_LIMBO_VERBOSE=1 to list every wrong case with the chip's reason.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/vectors.h"
#include "tools/setls/x509_offline.h"

namespace setls::test {
namespace {

// Right answers out of all 9780 cases (skipped cases count as not right).
// Raise it when the chip gets better; never lower it without a reason in
// docs/x509-policy.md.
constexpr size_t kMinimumRight = 9721;

std::vector<Bytes> pem_certificates(const std::string& pem) {
  std::vector<Bytes> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len > 0) out.emplace_back(der, der + len);
    OPENSSL_free(der);
    X509_free(cert);
  }
  BIO_free(bio);
  return out;
}

// "2024-03-01T00:00:00.999+00:00" → whole UNIX seconds (the chip takes
// seconds; a fraction is dropped, which is what a second-resolution clock
// reads). Limbo gives every time in UTC.
bool parse_time(const std::string& text, int64_t& out) {
  std::tm tm{};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) != 6)
    return false;
  if (text.find("+00:00") == std::string::npos && text.back() != 'Z') return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  out = static_cast<int64_t>(timegm(&tm));
  return true;
}

// "bettertls::nameconstraints::tc1" → "bettertls::nameconstraints";
// "rfc5280::ca-as-leaf" → "rfc5280".
std::string category(const std::string& id) {
  size_t first = id.find("::");
  if (first == std::string::npos) return id;
  size_t second = id.find("::", first + 2);
  return second == std::string::npos ? id.substr(0, first) : id.substr(0, second);
}

struct Verdict {
  bool in_scope = true;
  bool right = false;
  std::string detail;  // the chip's reason, for the verbose listing
};

Verdict run_case(const nlohmann::json& tc, int64_t now) {
  Verdict v;
  if (tc.at("validation_kind") != "SERVER") {
    v.in_scope = false;
    v.detail = "client validation";
    return v;
  }
  for (const auto& eku : tc.at("extended_key_usage"))
    if (eku != "serverAuth") {
      v.in_scope = false;
      v.detail = "requires EKU " + eku.get<std::string>();
      return v;
    }
  bool expect_success = tc.at("expected_result") == "SUCCESS";
  const auto& peer = tc.at("expected_peer_name");
  if (peer.is_null()) {
    // The chip always verifies the name a handshake was opened for.
    v.right = !expect_success;
    v.detail = "no peer name: the chip always checks one";
    return v;
  }

  std::vector<Bytes> trust, presented;
  for (const auto& pem : tc.at("trusted_certs"))
    for (auto& der : pem_certificates(pem.get<std::string>())) trust.push_back(std::move(der));
  for (auto& der : pem_certificates(tc.at("peer_certificate").get<std::string>())) presented.push_back(std::move(der));
  for (const auto& pem : tc.at("untrusted_intermediates"))
    for (auto& der : pem_certificates(pem.get<std::string>())) presented.push_back(std::move(der));

  std::string value = peer.at("value").get<std::string>();
  bus::PeerNameKind kind = bus::PeerNameKind::Dns;
  Bytes name(value.begin(), value.end());
  if (peer.at("kind") == "IP") {
    auto ip = host::parse_ip_address(value);
    if (!ip) {
      v.detail = "unparsable IP " + value;
      v.right = !expect_success;
      return v;
    }
    kind = bus::PeerNameKind::Ip;
    name = *ip;
  } else if (peer.at("kind") != "DNS") {
    v.in_scope = false;
    v.detail = "peer name kind " + peer.at("kind").get<std::string>();
    return v;
  }
  int64_t at = now;
  if (!tc.at("validation_time").is_null() && !parse_time(tc.at("validation_time").get<std::string>(), at)) {
    v.detail = "unparsable time";
    return v;
  }

  auto run = cli::verify_offline(trust, presented, kind, name, static_cast<uint64_t>(at));
  if (!run) {
    v.detail = "in-process chip failed: " + describe(run.error());
    return v;
  }
  bool ok = run->verdict.ok();
  v.right = ok == expect_success;
  v.detail = ok ? "verified" : describe(run->verdict.error());
  if (!run->refused_trust.empty()) v.detail += " [chip refused a trusted cert: " + describe(run->refused_trust[0].error) + "]";
  return v;
}

TEST(Limbo, ServerValidationScoreDoesNotRegress) {
  std::string text = read_vector("x509-limbo/limbo.json.xz");
  if (text.empty()) GTEST_SKIP() << "x509-limbo vectors not found at " SETLS_VECTORS_DIR "/x509-limbo/limbo.json.xz";
  auto start = std::chrono::steady_clock::now();
  nlohmann::json limbo = nlohmann::json::parse(text);
  text.clear();
  const auto& cases = limbo["testcases"];
  ASSERT_GT(cases.size(), 0u);
  // Limbo's null validation_time means "now"; those certificates run to 2969.
  int64_t now = static_cast<int64_t>(std::time(nullptr));

  // Cases are independent (one chip each): two workers halve the wall time.
  std::vector<Verdict> verdicts(cases.size());
  unsigned workers = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      for (size_t i = w; i < cases.size(); i += workers) {
        try {
          verdicts[i] = run_case(cases[i], now);
        } catch (const std::exception& e) {  // a case that does not follow the schema
          verdicts[i].detail = std::string("malformed case: ") + e.what();
        }
      }
    });
  for (auto& t : pool) t.join();

  struct Tally {
    size_t total = 0, right = 0, skipped = 0;
  };
  std::map<std::string, Tally> by_category;
  Tally all;
  bool verbose = std::getenv("SETLS_LIMBO_VERBOSE") != nullptr;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string id = cases[i]["id"].get<std::string>();
    Tally& t = by_category[category(id)];
    ++t.total;
    ++all.total;
    const Verdict& v = verdicts[i];
    if (!v.in_scope) {
      ++t.skipped;
      ++all.skipped;
    } else if (v.right) {
      ++t.right;
      ++all.right;
    } else if (verbose) {
      std::printf("WRONG %s (expected %s): %s\n", id.c_str(), cases[i]["expected_result"].get<std::string>().c_str(),
                  v.detail.c_str());
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("x509-limbo: %zu cases, %zu in scope, %zu right, %zu wrong, %zu skipped (%.1f s, %u workers)\n",
              all.total, all.total - all.skipped, all.right, all.total - all.skipped - all.right, all.skipped,
              seconds, workers);
  for (const auto& [name, t] : by_category) {
    size_t wrong = t.total - t.skipped - t.right;
    if (wrong == 0 && t.skipped == 0) continue;
    std::printf("  %-32s %5zu cases  %3zu wrong  %3zu skipped\n", name.c_str(), t.total, wrong, t.skipped);
  }
  EXPECT_GE(all.right, kMinimumRight) << "the x509-limbo score regressed; run with SETLS_LIMBO_VERBOSE=1";
}

}  // namespace
}  // namespace setls::test
