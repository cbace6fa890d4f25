// TLS 1.2 with the handshake in the chip, against a real openssl s_server
// speaking TLS 1.2 only: every ECDHE-ECDSA AEAD suite, both curves, with and
// without client authentication, the default offer (1.3 + 1.2) and a 1.2-only
// offer, in chip and host record mode; and the servers the chip must refuse,
// each with an error that names the weakness.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "common/tls/cipher_suite.h"
#include "tests/tls_client/real_server_fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;
using host::Client;
using host::ClientConfig;

struct OpensslTls12 : RealServerTest {};

TEST_P(OpensslTls12, MutualAuthenticationAfterOfferingBothVersions) {
  RunningServer server = start_openssl_server12(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  const bus::TlsSummary& s = c->summary();
  EXPECT_EQ(s.version, tls::kTls12);
  EXPECT_EQ(s.suite, static_cast<uint16_t>(tls::CipherSuite::EcdheEcdsaAes128GcmSha256));
  EXPECT_EQ(s.group, kP256);
  EXPECT_TRUE(s.flags & bus::TlsSummary::kExtendedMasterSecret);
  EXPECT_TRUE(s.flags & bus::TlsSummary::kServerRequestedCert);
  EXPECT_TRUE(s.flags & bus::TlsSummary::kClientAuthenticated);
  ASSERT_FALSE(s.chain_subjects.empty());
  EXPECT_NE(s.chain_subjects[0].find("localhost"), std::string::npos) << s.chain_subjects[0];
  echo(*c, "hello over TLS 1.2 from a chip-protected device");
  echo(*c, "and a second record");
  EXPECT_TRUE(c->close().ok());
}

TEST_P(OpensslTls12, EverySuite) {
  for (const tls::SuiteInfo& suite : tls::allowed_suites()) {
    if (suite.version != tls::kTls12) continue;
    SCOPED_TRACE(suite.name);
    RunningServer server = start_openssl_server12(dir, {"-cipher", suite.openssl_name});
    auto c = connect(server, config());
    ASSERT_TRUE(c);
    EXPECT_STREQ(tls::suite_name(c->summary().suite), suite.name);
    echo(*c, std::string("suite ") + suite.name);
  }
}

TEST_P(OpensslTls12, P384) {
  // P-384 first by the server's preference; P-256 stays listed because in
  // TLS 1.2 the groups also bound the client certificate's curve (ours is P-256).
  RunningServer server = start_openssl_server12(dir, {"-groups", "P-384:P-256", "-serverpref"});
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().group, kP384);
  echo(*c, "ECDHE on P-384");
}

TEST_P(OpensslTls12, ServerWithoutClientAuthentication) {
  RunningServer server = start_openssl_server12(dir, {}, /*require_client_cert=*/false);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->summary().flags & bus::TlsSummary::kServerRequestedCert);
  EXPECT_FALSE(c->summary().flags & bus::TlsSummary::kClientAuthenticated);
  echo(*c, "no client certificate asked");
}

TEST_P(OpensslTls12, OfferingTls12Only) {
  RunningServer server = start_openssl_server12(dir);
  ClientConfig cfg = config();
  cfg.versions = {tls::kTls12};
  auto c = connect(server, cfg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().version, tls::kTls12);
  echo(*c, "TLS 1.2 on request");
}

TEST_P(OpensslTls12, OfferingTls13OnlyIsRefusedByATls12Server) {
  RunningServer server = start_openssl_server12(dir);
  ClientConfig cfg = config();
  cfg.versions = {tls::kTls13};
  Error e = refused(server, cfg);
  EXPECT_EQ(e.status, Status::ServerNoCommonVersion) << describe(e);
  EXPECT_EQ(e.detail, static_cast<uint32_t>(tls::AlertDescription::ProtocolVersion)) << describe(e);
}

TEST_P(OpensslTls12, DefaultOfferStillGetsTls13FromATls13Server) {
  RunningServer server = start_openssl_server(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().version, tls::kTls13);
  echo(*c, "TLS 1.3 preferred");
}

TEST_P(OpensslTls12, TenMegabytesBothWays) {
  RunningServer server = start_openssl_server12(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  std::string line(999, 'x');
  for (size_t i = 0; i < line.size(); ++i) line[i] = static_cast<char>('a' + (i * 7) % 26);
  std::string chunk;
  for (int i = 0; i < 128; ++i) chunk += line + "\n";  // 128 KB
  // s_server answers as it reads: a chunk out, its answer back, so that
  // neither socket buffer fills while the other side waits.
  size_t total = 0;
  for (int round = 0; round < 80; ++round) {
    ASSERT_TRUE(c->write(as_bytes(chunk)).ok()) << round;
    std::string back = read_exactly(*c, chunk.size());
    ASSERT_EQ(back.size(), chunk.size()) << round;
    ASSERT_EQ(back.substr(0, 1000), reversed_line(line) + "\n") << round;
    total += back.size();
  }
  EXPECT_GE(total, size_t{10} * 1000 * 1000);
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

// OpenSSL 3.0 has no record_size_limit: a small receive buffer is announced
// with max_fragment_length (RFC 6066), which then binds both directions.
TEST_P(OpensslTls12, MaxFragmentLength512FromTheReceiveBuffer) {
  RunningServer server = start_openssl_server12(dir);
  ClientConfig cfg = config();
  cfg.receive_buffer = 600;  // the largest MFL that fits: 512
  auto c = connect(server, cfg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().version, tls::kTls12);
  EXPECT_EQ(c->summary().peer_record_limit, 512u);
  std::string line(3000, 'x');
  for (size_t i = 0; i < line.size(); ++i) line[i] = static_cast<char>('a' + (i * 5) % 26);
  for (int i = 0; i < 20; ++i) echo(*c, line);
}

// The bus cost of a full TLS 1.2 mutual-auth handshake against a real server:
// TLS_START, the server flight in (client flight out), CCS + Finished in.
TEST_P(OpensslTls12, BusBudgetOfAMutualAuthHandshake) {
  for (const char* groups : {"P-256", "P-384:P-256"}) {
    RunningServer server = start_openssl_server12(dir, {"-groups", groups, "-serverpref"});
    driver->reset_stats();
    auto c = connect(server, config());
    ASSERT_TRUE(c);
    host::BusStats s = driver->stats();
    std::cout << "[ budget   ] TLS 1.2 mutual-auth handshake, ECDHE " << tls::group_name(c->summary().group) << ", "
              << (GetParam() == RecordMode::Chip ? "chip record mode" : "host record mode") << ", secure channel" << ": "
              << s.round_trips << " round trips, " << s.bytes_sent << " bytes sent, " << s.bytes_received
              << " bytes received\n";
    EXPECT_LE(s.round_trips, 8u);
    echo(*c, "after the budget");
  }
}

// ---- servers the chip must refuse, each with an error naming the weakness

TEST_P(OpensslTls12, AServerWithOnlyCbcSuitesIsRefused) {
  RunningServer server = start_openssl_server12(dir, {"-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA"});
  Error e = refused(server, config());
  EXPECT_EQ(e.status, Status::ServerRefusedStrongParameters) << describe(e);
  EXPECT_NE(describe(e).find("CBC"), std::string::npos) << describe(e);
}

TEST_P(OpensslTls12, AServerWithOnlyRsaKeyExchangeIsRefused) {
  RunningServer server = start_openssl_server12(dir, {"-cipher", "AES128-GCM-SHA256:AES256-GCM-SHA384"});
  Error e = refused(server, config());
  EXPECT_EQ(e.status, Status::ServerRefusedStrongParameters) << describe(e);
  EXPECT_NE(describe(e).find("RSA"), std::string::npos) << describe(e);
}

TEST_P(OpensslTls12, AServerWithOnlySha1SignaturesIsRefused) {
  RunningServer server = start_openssl_server12(dir, {"-sigalgs", "ECDSA+SHA1"});
  Error e = refused(server, config());
  EXPECT_EQ(e.status, Status::ServerRefusedStrongParameters) << describe(e);
  EXPECT_NE(describe(e).find("SHA-1"), std::string::npos) << describe(e);
}

TEST_P(OpensslTls12, AServerWithOnlyAnotherCurveIsRefused) {
  RunningServer server = start_openssl_server12(dir, {"-groups", "P-521"});
  Error e = refused(server, config());
  EXPECT_EQ(e.status, Status::ServerRefusedStrongParameters) << describe(e);
}

TEST_P(OpensslTls12, AServerWithOnlyTls11IsRefused) {
  // TLS 1.1 (like 1.0) needs SHA-1 MACs, allowed in OpenSSL 3 only at security level 0.
  RunningServer server =
      start_openssl_server12(dir, {"-tls1_1", "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"});
  // Offering 1.3 and 1.2 (supported_versions), OpenSSL finds no common
  // version: protocol_version, reported as ServerNoCommonVersion, whose hint
  // names TLS 1.0/1.1. Offering 1.2 alone (legacy_version), it settles on 1.1,
  // finds none of our TLS 1.2-only suites usable there and answers
  // handshake_failure: ServerRefusedStrongParameters. A server that did
  // select 1.1 would get ServerOldVersion.
  Error both = refused(server, config());
  EXPECT_EQ(both.status, Status::ServerNoCommonVersion) << describe(both);
  EXPECT_NE(describe(both).find("TLS 1.0/1.1"), std::string::npos) << describe(both);
  ClientConfig only12 = config();
  only12.versions = {tls::kTls12};
  Error e = refused(server, only12);
  EXPECT_EQ(e.status, Status::ServerRefusedStrongParameters) << describe(e);
  EXPECT_EQ(e.detail, static_cast<uint32_t>(tls::AlertDescription::HandshakeFailure)) << describe(e);
}

INSTANTIATE_TEST_SUITE_P(RecordModes, OpensslTls12, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host), mode_name);

}  // namespace
}  // namespace setls::test
