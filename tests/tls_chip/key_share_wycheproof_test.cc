// Wycheproof's ECDH vectors (P-256, P-384) through the chip's own code:
// the ecpoint files (raw points, what a TLS 1.3 key_share carries) through
// chip::key_share_secret, the function ServerHello handling calls; the
// SubjectPublicKeyInfo files through EcKey::from_spki_der + ecdh, the path
// of the secure channel's ECDH with the host's pairing key. Every valid
// vector must give its shared secret; every invalid one a typed refusal.
// The vectors are read in place from ../shared/vectors.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <map>
#include <nlohmann/json.hpp>

#include "chip/tls/key_share.h"
#include "common/tls/constants.h"
#include "tests/support/vectors.h"

namespace setls::test {
namespace {

// The chip's ephemeral key stand-in: a private scalar from the vector (the
// chip generates its own; only the derivation is under test here).
EcKey private_key(Curve curve, const std::string& hex) {
  BIGNUM* priv = nullptr;
  if (BN_hex2bn(&priv, hex.c_str()) == 0) return {};
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  if (bld != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                      curve == Curve::P256 ? "prime256v1" : "secp384r1", 0) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) == 1)
    params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  BN_clear_free(priv);
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  if (params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1)
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return pkey != nullptr ? EcKey(pkey) : EcKey();
}

Bytes hex(const std::string& s) {
  Bytes out;
  EXPECT_TRUE(from_hex(s, out)) << s;
  return out;
}

bool has_flag(const nlohmann::json& t, const std::string& flag) {
  for (const auto& f : t["flags"])
    if (f == flag) return true;
  return false;
}

// "valid 330/330", per result kind: how many behaved as the test demands.
struct Tally {
  std::map<std::string, std::pair<int, int>> by_result;  // result → (as expected, total)
  void add(const std::string& result, bool as_expected) {
    auto& [ok, total] = by_result[result];
    ok += as_expected ? 1 : 0;
    ++total;
  }
  std::string text() const {
    std::string out;
    for (const auto& [result, counts] : by_result)
      out += result + " " + std::to_string(counts.first) + "/" + std::to_string(counts.second) + "  ";
    return out;
  }
};

nlohmann::json load(const std::string& file) {
  std::string text = read_vector("wycheproof/" + file);
  if (text.empty()) return nullptr;
  return nlohmann::json::parse(text);
}

struct Case {
  const char* file;
  Curve curve;
  uint16_t group;
  int expected_tests;  // the file's numberOfTests, so a truncated file cannot pass
};

class KeyShareWycheproof : public ::testing::TestWithParam<Case> {};

// TLS 1.3 accepts only the uncompressed form (RFC 8446 §4.2.8.2): the
// "acceptable" compressed points are refused like the invalid ones.
TEST_P(KeyShareWycheproof, EveryPointGivesTheVectorsSecretOrATypedRefusal) {
  const Case& c = GetParam();
  nlohmann::json v = load(c.file);
  if (v.is_null()) GTEST_SKIP() << "Wycheproof vectors not found at " SETLS_VECTORS_DIR "/wycheproof/" << c.file;
  Tally tally;
  int run = 0;
  for (const auto& group : v["testGroups"]) {
    ASSERT_EQ(group["encoding"], "ecpoint");
    for (const auto& t : group["tests"]) {
      ++run;
      std::string result = t["result"];
      int id = t["tcId"];
      EcKey mine = private_key(c.curve, t["private"]);
      ASSERT_TRUE(mine.valid()) << "tcId " << id;
      auto shared = chip::key_share_secret(mine, c.group, hex(t["public"]));
      bool as_expected = false;
      if (result == "valid") {
        as_expected = shared.ok() && Bytes(shared->view().begin(), shared->view().end()) == hex(t["shared"]);
      } else if (result == "invalid" ||
                 (result == "acceptable" && (has_flag(t, "CompressedPoint") || has_flag(t, "CompressedPublic")))) {
        as_expected = !shared.ok() && shared.status() == Status::ServerKeyShareInvalid;
      } else {
        ADD_FAILURE() << "tcId " << id << ": an acceptable case this test has no rule for: " << t.dump();
      }
      EXPECT_TRUE(as_expected) << "tcId " << id << " (" << result << ", " << t["comment"] << "): "
                               << (shared.ok() ? "accepted" : describe(shared.error()));
      tally.add(result, as_expected);
    }
  }
  EXPECT_EQ(run, c.expected_tests);
  EXPECT_EQ(run, v["numberOfTests"].get<int>());
  std::printf("[ wycheproof ] %s through chip::key_share_secret: %s\n", c.file, tally.text().c_str());
}

INSTANTIATE_TEST_SUITE_P(
    Curves, KeyShareWycheproof,
    ::testing::Values(Case{"ecdh_secp256r1_ecpoint_test.json", Curve::P256,
                           static_cast<uint16_t>(tls::NamedGroup::Secp256r1), 355},
                      Case{"ecdh_secp384r1_ecpoint_test.json", Curve::P384,
                           static_cast<uint16_t>(tls::NamedGroup::Secp384r1), 790}),
    [](const auto& p) { return p.param.curve == Curve::P256 ? std::string("P256") : std::string("P384"); });

// The key_share of a group other than the key's own is never combined.
TEST(KeyShare, AGroupThatIsNotTheKeysCurveIsRefused) {
  auto mine = EcKey::generate(Curve::P256);
  ASSERT_TRUE(mine.ok());
  auto other = EcKey::generate(Curve::P384);
  ASSERT_TRUE(other.ok());
  auto r = chip::key_share_secret(*mine, static_cast<uint16_t>(tls::NamedGroup::Secp384r1), other->public_point());
  EXPECT_EQ(r.status(), Status::ServerGroupNotOffered);
  r = chip::key_share_secret(*mine, static_cast<uint16_t>(tls::NamedGroup::X25519), Bytes(32, 9));
  EXPECT_EQ(r.status(), Status::ServerGroupNotOffered);
  // The same point on the right group works: the refusals above are about the group.
  auto peer = EcKey::generate(Curve::P256);
  ASSERT_TRUE(peer.ok());
  EXPECT_TRUE(chip::key_share_secret(*mine, static_cast<uint16_t>(tls::NamedGroup::Secp256r1), peer->public_point()).ok());
}

class SpkiWycheproof : public ::testing::TestWithParam<Case> {};

// The SubjectPublicKeyInfo vectors: wrong curves, explicit or modified
// parameters, bad ASN.1. Valid → the vector's secret; invalid → refused;
// acceptable (unusual but legal encodings) → refused or the right secret,
// counted, never a wrong secret.
TEST_P(SpkiWycheproof, EveryKeyGivesTheVectorsSecretOrATypedRefusal) {
  const Case& c = GetParam();
  nlohmann::json v = load(c.file);
  if (v.is_null()) GTEST_SKIP() << "Wycheproof vectors not found at " SETLS_VECTORS_DIR "/wycheproof/" << c.file;
  Tally tally;
  int run = 0, acceptable_accepted = 0;
  for (const auto& group : v["testGroups"]) {
    ASSERT_EQ(group["encoding"], "asn");
    for (const auto& t : group["tests"]) {
      ++run;
      std::string result = t["result"];
      int id = t["tcId"];
      EcKey mine = private_key(c.curve, t["private"]);
      ASSERT_TRUE(mine.valid()) << "tcId " << id;
      Result<Secret> shared = Status::BadPublicKey;
      auto peer = EcKey::from_spki_der(hex(t["public"]));
      if (peer) shared = mine.ecdh(*peer);
      bool right_secret =
          shared.ok() && Bytes(shared->view().begin(), shared->view().end()) == hex(t["shared"]);
      bool as_expected = result == "valid"     ? right_secret
                         : result == "invalid" ? !shared.ok()
                                               : (!shared.ok() || right_secret);
      if (result == "acceptable" && shared.ok()) ++acceptable_accepted;
      EXPECT_TRUE(as_expected) << "tcId " << id << " (" << result << ", " << t["comment"] << "): "
                               << (shared.ok() ? "accepted" : describe(shared.error()));
      tally.add(result, as_expected);
    }
  }
  EXPECT_EQ(run, c.expected_tests);
  std::printf("[ wycheproof ] %s through EcKey::from_spki_der + ecdh: %s(acceptable ones accepted: %d)\n", c.file,
              tally.text().c_str(), acceptable_accepted);
}

INSTANTIATE_TEST_SUITE_P(
    Curves, SpkiWycheproof,
    ::testing::Values(Case{"ecdh_secp256r1_test.json", Curve::P256,
                           static_cast<uint16_t>(tls::NamedGroup::Secp256r1), 612},
                      Case{"ecdh_secp384r1_test.json", Curve::P384,
                           static_cast<uint16_t>(tls::NamedGroup::Secp384r1), 1047}),
    [](const auto& p) { return p.param.curve == Curve::P256 ? std::string("P256") : std::string("P384"); });

}  // namespace
}  // namespace setls::test
