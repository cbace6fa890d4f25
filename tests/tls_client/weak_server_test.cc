// Real servers configured into what the client must never accept (issue 7):
// openssl s_server speaking only TLS 1.0 or 1.1, only P-192 or brainpool
// groups, and a valid server for another name answering at the address the
// client dialled. The client (host::Client, the chip in process) must fail
// with an error that names the cause, and leave no session in the chip.
#include <gtest/gtest.h>

#include "host/tls/client.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

struct WeakServer : ::testing::Test {
  TlsDevice device = TlsDevice::create();
  TempDir dir;

  void SetUp() override { write_server_files(device.pki, dir); }

  Result<std::unique_ptr<host::Client>> connect(const RunningServer& server, std::string name = "localhost") {
    driver = device.secure_driver();
    host::ClientConfig config;
    config.server_name = std::move(name);
    return host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config,
                                 std::chrono::seconds(10));
  }
  size_t sessions_used() { return device.chip.firmware->ram().sessions.used(); }

  std::unique_ptr<host::ChipDriver> driver;
};

TEST_F(WeakServer, Tls10Or11OnlyIsRefusedWithProtocolVersion) {
  for (const char* flag : {"-tls1", "-tls1_1"}) {
    // SECLEVEL=0: OpenSSL 3 refuses TLS < 1.2 at its default level.
    RunningServer server = start_openssl_server(dir, {flag, "-cipher", "DEFAULT@SECLEVEL=0"}, false);
    auto c = connect(server);
    ASSERT_FALSE(c.ok()) << flag;
    // The server finds no version in common (we offer 1.3 and 1.2):
    // protocol_version (70), reported as the weakness it means.
    EXPECT_EQ(c.status(), Status::ServerNoCommonVersion) << flag << ": " << describe(c.error());
    EXPECT_EQ(c.error().detail, 70u) << flag;
    EXPECT_EQ(sessions_used(), 0u) << flag;
  }
}

TEST_F(WeakServer, P192OrBrainpoolOnlyIsRefusedWithHandshakeFailure) {
  // OpenSSL 3.0 has neither in TLS 1.3, and the client offers only P-256
  // and P-384: no group in common, handshake_failure (40). The case where a
  // server picks such a group anyway is WeakChoices.AKeyShareOnP192OrBrainpool (tls_chip).
  for (const char* group : {"P-192", "brainpoolP256r1"}) {
    RunningServer server = start_openssl_server(dir, {"-groups", group}, false);
    auto c = connect(server);
    ASSERT_FALSE(c.ok()) << group;
    EXPECT_EQ(c.status(), Status::ServerRefusedStrongParameters) << group << ": " << describe(c.error());
    EXPECT_EQ(c.error().detail, 40u) << group;
    EXPECT_EQ(sessions_used(), 0u) << group;
  }
}

TEST_F(WeakServer, ARedirectedConnectionReachesAValidServerForAnotherName) {
  // DNS or routing sends the device to a server with a valid certificate
  // from the same CA, for another name.
  TestPki other = device.pki;
  other.server = issue({.subject = "/CN=iot.example/O=setls tests", .dns = {"iot.example"}, .eku = "serverAuth"},
                       TestKey::ec(), &device.pki.intermediate);
  TempDir other_dir;
  write_server_files(other, other_dir);
  RunningServer server = start_openssl_server(other_dir, {}, false);
  auto c = connect(server, "localhost");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status(), Status::NameMismatch) << describe(c.error());
  EXPECT_EQ(sessions_used(), 0u);
  // The control: the same server is fine for the name it has.
  auto ok = connect(server, "iot.example");
  ASSERT_TRUE(ok.ok()) << describe(ok.error());
  ASSERT_TRUE((*ok)->close().ok());
}

}  // namespace
}  // namespace setls::test
