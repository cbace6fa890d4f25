// A real s_server presenting a leaf outside its validity: the chip refuses
// it at the host's time, and the host cannot talk the chip into another
// time. The chip's time floor (ARCHITECTURE.md "Time", docs/x509-policy.md)
// is never below the newest notBefore of a chain it verified, so after one
// good handshake (notBefore one hour ago) a host clock turned back to the
// days the expired leaf was valid is refused before any certificate is
// looked at.
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "host/driver/pairing.h"
#include "host/tls/client.h"
#include "tests/support/chipd.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

using namespace std::chrono_literals;
constexpr long kDay = 24 * 3600;

// The PKI's files in `dir`, with a server leaf valid from now+not_before to
// now+not_after (seconds), same key, names and issuer as the usual one.
void write_server_files_with_leaf(const TestPki& pki, const TempDir& dir, long not_before, long not_after) {
  TestPki other = pki;
  other.server = issue({.subject = "/CN=localhost/O=setls tests",
                        .dns = {"localhost"},
                        .ips = {"127.0.0.1", "::1"},
                        .eku = "serverAuth",
                        .not_before = not_before,
                        .not_after = not_after},
                       pki.server.key, &pki.intermediate);
  write_server_files(other, dir);
}

uint64_t now_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

struct CertificateTime : ::testing::Test {
  TlsDevice device = TlsDevice::create();
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();
  TempDir good_dir, expired_dir, future_dir;

  void SetUp() override {
    write_server_files(device.pki, good_dir);
    write_server_files_with_leaf(device.pki, expired_dir, -10 * kDay, -1 * kDay);
    write_server_files_with_leaf(device.pki, future_dir, 1 * kDay, 30 * kDay);
  }

  Result<std::unique_ptr<host::Client>> connect(const RunningServer& server, uint64_t clock_ms = 0) {
    host::ClientConfig config;
    config.server_name = "localhost";
    if (clock_ms != 0) config.clock_ms = [clock_ms] { return clock_ms; };
    return host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), config, 20s);
  }
};

TEST_F(CertificateTime, AnExpiredLeafIsRefusedWithAnErrorNamingExpiry) {
  RunningServer server = start_openssl_server(expired_dir);
  auto c = connect(server);
  ASSERT_FALSE(c.ok()) << server.log_text();
  EXPECT_EQ(c.error(), (Error{Status::ChainInvalid, X509_V_ERR_CERT_HAS_EXPIRED}));
  EXPECT_NE(describe(c.error()).find("expired"), std::string::npos) << describe(c.error());
}

TEST_F(CertificateTime, ALeafNotYetValidIsRefusedAndDoesNotRaiseTheFloor) {
  RunningServer server = start_openssl_server(future_dir);
  auto c = connect(server);
  ASSERT_FALSE(c.ok()) << server.log_text();
  EXPECT_EQ(c.error(), (Error{Status::ChainInvalid, X509_V_ERR_CERT_NOT_YET_VALID}));
  EXPECT_NE(describe(c.error()).find("not yet valid"), std::string::npos) << describe(c.error());
  // The refused chain's notBefore (tomorrow) did not become the floor: the
  // true time still works.
  RunningServer good = start_openssl_server(good_dir);
  auto ok = connect(good);
  ASSERT_TRUE(ok.ok()) << describe(ok.error());
  EXPECT_TRUE((*ok)->close().ok());
}

TEST_F(CertificateTime, AHostClockTurnedBackToTheLeafsValidityIsRefused) {
  // One good handshake: the floor rises to the chain's newest notBefore.
  RunningServer good = start_openssl_server(good_dir);
  auto ok = connect(good);
  ASSERT_TRUE(ok.ok()) << describe(ok.error());
  EXPECT_TRUE((*ok)->close().ok());

  RunningServer expired = start_openssl_server(expired_dir);
  uint64_t two_days_ago = now_ms() - 2 * kDay * 1000;  // inside the expired leaf's validity
  auto c = connect(expired, two_days_ago);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status(), Status::TimeBelowFloor) << describe(c.error());
  // At the true time the same server is refused for expiry, as above.
  c = connect(expired);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), (Error{Status::ChainInvalid, X509_V_ERR_CERT_HAS_EXPIRED}));
}

// `setls connect` says it in words, through setls-chipd (the host clock).
TEST(CertificateTimeCli, SetlsConnectNamesExpiry) {
  TempDir dir;
  TestPki pki = TestPki::create();
  ChipDaemon chipd(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
  ASSERT_TRUE(chipd.listening()) << chipd.log();
  {
    auto driver = host::ChipDriver::connect(chipd.address());
    ASSERT_TRUE(driver.ok());
    make_tls_ready(**driver, pki);
  }
  TempDir expired_dir, future_dir;
  write_server_files_with_leaf(pki, expired_dir, -10 * kDay, -1 * kDay);
  write_server_files_with_leaf(pki, future_dir, 1 * kDay, 30 * kDay);
  for (auto [server_dir, words] : {std::pair{&expired_dir, "certificate has expired"},
                                   std::pair{&future_dir, "certificate is not yet valid"}}) {
    RunningServer server = start_openssl_server(*server_dir);
    RunResult r = chipd.setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost",
                               "--send", "x\n"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace setls::test
