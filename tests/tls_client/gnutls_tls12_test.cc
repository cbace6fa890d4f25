// TLS 1.2 against gnutls-serv with a TLS 1.2 priority string: every
// ECDHE-ECDSA AEAD suite (CCM-8 included), record_size_limit in its TLS 1.2
// form, and a server told not to use the extended master secret
// (%NO_SESSION_HASH), which the chip refuses.
#include <gtest/gtest.h>

#include "common/tls/cipher_suite.h"
#include "tests/tls_client/real_server_fixture.h"

namespace setls::test {
namespace {

std::string priority12(const std::string& ciphers, const std::string& extra = "") {
  return "NONE:+VERS-TLS1.2:" + ciphers +
         ":+AEAD:+SHA256:+SHA384:+GROUP-SECP256R1:+GROUP-SECP384R1:+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SHA384:"
         "+ECDHE-ECDSA:+COMP-NULL:%SAFE_RENEGOTIATION" +
         extra;
}

struct GnutlsTls12 : RealServerTest {};

TEST_P(GnutlsTls12, EverySuiteWithClientAuthentication) {
  const std::pair<const char*, tls::CipherSuite> suites[] = {
      {"+AES-128-GCM", tls::CipherSuite::EcdheEcdsaAes128GcmSha256},
      {"+AES-256-GCM", tls::CipherSuite::EcdheEcdsaAes256GcmSha384},
      {"+AES-128-CCM", tls::CipherSuite::EcdheEcdsaAes128Ccm},
      {"+AES-256-CCM", tls::CipherSuite::EcdheEcdsaAes256Ccm},
      {"+AES-128-CCM-8", tls::CipherSuite::EcdheEcdsaAes128Ccm8},
  };
  for (const auto& [cipher, id] : suites) {
    SCOPED_TRACE(cipher);
    RunningServer server = start_gnutls_server(dir, {"--priority", priority12(cipher)});
    auto c = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config());
    ASSERT_TRUE(c.ok()) << describe(c.error()) << server.log_text();
    const bus::TlsSummary& s = (*c)->summary();
    EXPECT_EQ(s.version, tls::kTls12);
    EXPECT_EQ(s.suite, static_cast<uint16_t>(id));
    EXPECT_TRUE(s.flags & bus::TlsSummary::kClientAuthenticated);
    EXPECT_TRUE(s.flags & bus::TlsSummary::kExtendedMasterSecret);
    EXPECT_EQ(echo_all(**c, std::string("gnutls ") + cipher + "\n"), std::string("gnutls ") + cipher + "\n");
  }
}

TEST_P(GnutlsTls12, RecordSizeLimitBothWays) {
  RunningServer server =
      start_gnutls_server(dir, {"--priority", priority12("+AES-128-GCM"), "--recordsize", "512"});
  host::ClientConfig cfg = config();
  cfg.receive_buffer = 1024;
  auto c = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), cfg);
  ASSERT_TRUE(c.ok()) << describe(c.error()) << server.log_text();
  EXPECT_EQ((*c)->summary().version, tls::kTls12);
  uint16_t limit = (*c)->summary().peer_record_limit;
  EXPECT_GT(limit, 0u);
  EXPECT_LE(limit, 512u);
  std::string data;
  for (int line = 0; line < 8; ++line) {
    for (int i = 0; i < 1500; ++i) data += static_cast<char>('a' + (i + line) % 23);
    data += '\n';
  }
  EXPECT_EQ(echo_all(**c, data), data);
}

TEST_P(GnutlsTls12, AServerWithoutExtendedMasterSecretIsRefused) {
  RunningServer server = start_gnutls_server(dir, {"--priority", priority12("+AES-128-GCM", ":%NO_SESSION_HASH")});
  auto c = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config());
  ASSERT_FALSE(c.ok()) << "connected without the extended master secret";
  EXPECT_EQ(c.error().status, Status::ServerNoExtendedMasterSecret) << describe(c.error());
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, GnutlsTls12, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
