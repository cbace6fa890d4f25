// TLS 1.3 with the handshake in the chip, against a real openssl s_server:
// every suite, both groups, HelloRetryRequest, ALPN, client authentication,
// resumption, KeyUpdate both ways, bulk data, in chip and host record mode.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/tls/cipher_suite.h"
#include "tests/tls_client/real_server_fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;
using host::Client;
using host::ClientConfig;

struct OpensslServer : RealServerTest {};

TEST_P(OpensslServer, MutualAuthenticationAndDataBothWays) {
  RunningServer server = start_openssl_server(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  const bus::TlsSummary& s = c->summary();
  EXPECT_EQ(s.version, tls::kTls13);
  EXPECT_EQ(s.suite, static_cast<uint16_t>(tls::CipherSuite::Aes128GcmSha256));
  EXPECT_EQ(s.group, kP256);
  EXPECT_TRUE(s.flags & bus::TlsSummary::kServerRequestedCert);
  EXPECT_TRUE(s.flags & bus::TlsSummary::kClientAuthenticated);
  ASSERT_FALSE(s.chain_subjects.empty());
  EXPECT_NE(s.chain_subjects[0].find("localhost"), std::string::npos) << s.chain_subjects[0];
  echo(*c, "hello from a chip-protected device");
  EXPECT_TRUE(c->close().ok());
}

TEST_P(OpensslServer, EverySuite) {
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_CCM_SHA256"}) {
    SCOPED_TRACE(suite);
    RunningServer server = start_openssl_server(dir, {"-ciphersuites", suite});
    auto c = connect(server, config());
    ASSERT_TRUE(c);
    EXPECT_STREQ(tls::suite_name(c->summary().suite), suite);
    echo(*c, std::string("suite ") + suite);
  }
}

TEST_P(OpensslServer, HelloRetryRequestToP384) {
  RunningServer server = start_openssl_server(dir, {"-groups", "P-384"});
  auto c = connect(server, config());  // key share for P-256 first
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().group, kP384);
  echo(*c, "after a HelloRetryRequest");
}

TEST_P(OpensslServer, AlpnIsNegotiated) {
  RunningServer server = start_openssl_server(dir, {"-alpn", "mqtt"});
  ClientConfig cfg = config();
  cfg.alpn = {"x-unknown", "mqtt"};
  auto c = connect(server, cfg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().alpn, "mqtt");
}

TEST_P(OpensslServer, ServerWithoutClientAuthentication) {
  RunningServer server = start_openssl_server(dir, {}, /*require_client_cert=*/false);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->summary().flags & bus::TlsSummary::kClientAuthenticated);
  echo(*c, "no client certificate asked");
}

TEST_P(OpensslServer, ResumptionWithATicketKeptInTheChip) {
  RunningServer server = start_openssl_server(dir);
  std::vector<host::ResumptionTicket> tickets;
  {
    auto c = connect(server, config());
    ASSERT_TRUE(c);
    echo(*c, "first connection");  // the tickets arrive with the first answer
    tickets = c->take_tickets();
    EXPECT_TRUE(c->close().ok());
  }
  ASSERT_FALSE(tickets.empty()) << "s_server sends two tickets after the handshake";
  for (const auto& t : tickets) EXPECT_NE(t.chip_entry, 0u);
  ClientConfig cfg = config();
  cfg.resume = tickets.back();
  auto again = connect(server, cfg);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->summary().flags & bus::TlsSummary::kResumed);
  echo(*again, "resumed");
}

TEST_P(OpensslServer, KeyUpdateBothWays) {
  RunningServer server = start_openssl_server(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  echo(*c, "before the update");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c->key_update(/*request_peer_update=*/true).ok());
    echo(*c, "after update " + std::to_string(i));
  }
}

TEST_P(OpensslServer, TenMegabytesBothWays) {
  RunningServer server = start_openssl_server(dir);
  auto c = connect(server, config());
  ASSERT_TRUE(c);
  std::string line(999, 'x');
  for (size_t i = 0; i < line.size(); ++i) line[i] = static_cast<char>('a' + (i * 7) % 26);
  std::string chunk;
  for (int i = 0; i < 128; ++i) chunk += line + "\n";  // 128 KB
  // s_server answers as it reads: send a chunk, take its answer, so that
  // neither side's socket buffer fills while the other waits.
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

TEST_P(OpensslServer, AnotherNameIsRefusedByTheChip) {
  RunningServer server = start_openssl_server(dir);
  ClientConfig cfg = config();
  cfg.server_name = "other.example";
  auto c = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), cfg);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status(), Status::NameMismatch) << describe(c.error());
}

TEST_P(OpensslServer, AServerFromAnotherCaIsRefusedByTheChip) {
  TestPki other = TestPki::create();
  TempDir other_dir;
  write_server_files(other, other_dir);
  // The other PKI's server, but it trusts our device CA, so only our check fails.
  write_text(other_dir.file("device-ca.crt"), device.pki.device_ca.pem);
  RunningServer server = start_openssl_server(other_dir);
  auto c = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status(), Status::ChainInvalid) << describe(c.error());
}

std::string mode_name(const testing::TestParamInfo<RecordMode>& info) {
  return info.param == RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, OpensslServer, testing::Values(RecordMode::Chip, RecordMode::Host), mode_name);

}  // namespace
}  // namespace setls::test
