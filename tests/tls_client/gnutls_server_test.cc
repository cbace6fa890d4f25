// TLS 1.3 against gnutls-serv, which (unlike OpenSSL 3.0) implements
// record_size_limit (RFC 8449): both directions honour the other side's limit.
#include <gtest/gtest.h>

#include "tests/tls_client/real_server_fixture.h"

namespace setls::test {
namespace {

struct GnutlsServer : RealServerTest {};

TEST_P(GnutlsServer, MutualAuthenticationAndEcho) {
  RunningServer server = start_gnutls_server(dir);
  auto c = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config());
  ASSERT_TRUE(c.ok()) << describe(c.error()) << server.log_text();
  EXPECT_TRUE((*c)->summary().flags & bus::TlsSummary::kClientAuthenticated);
  EXPECT_EQ(echo_all(**c, "hello gnutls\n"), "hello gnutls\n");
}

TEST_P(GnutlsServer, RecordSizeLimitsBothWays) {
  // The server accepts records of at most 512 bytes; we accept 1024.
  RunningServer server = start_gnutls_server(dir, {"--recordsize", "512"});
  host::ClientConfig cfg = config();
  cfg.receive_buffer = 1024;
  auto c = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), cfg);
  ASSERT_TRUE(c.ok()) << describe(c.error()) << server.log_text();
  uint16_t limit = (*c)->summary().peer_record_limit;
  EXPECT_GT(limit, 0u);
  EXPECT_LE(limit, 512u);
  // gnutls-serv --echo answers line by line: lines longer than its limit.
  std::string data;
  for (int line = 0; line < 8; ++line) {
    for (int i = 0; i < 1500; ++i) data += static_cast<char>('a' + (i + line) % 23);
    data += '\n';
  }
  EXPECT_EQ(echo_all(**c, data), data);
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, GnutlsServer, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
