// `setls connect` and the C example against setls-chipd and openssl
// s_server: the binaries a device maker runs, end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "common/tls/constants.h"
#include "host/driver/pairing.h"
#include "tests/support/chipd.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ConnectCli : ::testing::Test {
  TempDir dir;
  TestPki pki = TestPki::create();
  std::unique_ptr<ChipDaemon> chipd;
  std::string pairing;

  void SetUp() override {
    write_server_files(pki, dir);
    chipd = std::make_unique<ChipDaemon>(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
    ASSERT_TRUE(chipd->listening()) << chipd->log();
    auto driver = host::ChipDriver::connect(chipd->address());
    ASSERT_TRUE(driver.ok());
    TlsReady ready = make_tls_ready(**driver, pki);
    pairing = dir.file("host.pairing");
    ASSERT_TRUE(host::save_pairing(pairing, ready.host_key, ready.chip_channel_spki).ok());
  }

  nlohmann::json connect(const RunningServer& server, std::vector<std::string> extra) {
    std::vector<std::string> args = {"connect", "127.0.0.1:" + std::to_string(server.port), "--servername",
                                     "localhost", "--json", "--read-timeout", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = chipd->setls(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << "\nserver:\n" << server.log_text();
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
};

TEST_F(ConnectCli, ChipRecordModeSendsAndPrintsTheAnswer) {
  RunningServer server = start_openssl_server(dir);
  auto j = connect(server, {"--send", "ping through the chip\n"});
  EXPECT_EQ(j["version"], "TLS 1.3");
  EXPECT_EQ(j["client_authenticated"], true);
  EXPECT_EQ(j["record_mode"], "chip");
  EXPECT_EQ(j["received"], "pihc eht hguorht gnip\n");
  // The budget of issue 3: a full mutual-auth handshake in at most 8 bus
  // round trips plus certificate chunks (this run includes the data too).
  EXPECT_GT(j["bus"]["round_trips"].get<int>(), 0);
}

TEST_F(ConnectCli, HostRecordModeNeedsAndUsesTheSecureChannel) {
  RunningServer server = start_openssl_server(dir);
  auto j = connect(server, {"--record-mode", "host", "--pairing", pairing, "--send", "abc\n"});
  EXPECT_EQ(j["received"], "cba\n");
  // Without the channel the chip keeps the keys to itself.
  RunResult r = chipd->setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost",
                              "--record-mode", "host", "--send", "x\n"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("channel"), std::string::npos) << r.err;
}

TEST_F(ConnectCli, TicketSavedByOneProcessResumesInTheNext) {
  RunningServer server = start_openssl_server(dir);
  std::string ticket = dir.file("ticket.json");
  auto first = connect(server, {"--send", "one\n", "--ticket-out", ticket});
  EXPECT_EQ(first["resumed"], false);
  auto second = connect(server, {"--send", "two\n", "--ticket-in", ticket});
  EXPECT_EQ(second["resumed"], true);
  EXPECT_EQ(second["received"], "owt\n");
  // No Certificate in a resumed handshake: the chain comes from the ticket's
  // notes, the one the chip verified at the first connection.
  EXPECT_EQ(first["chain_verified_at"], "this handshake");
  EXPECT_EQ(second["chain_verified_at"], "original handshake");
  ASSERT_FALSE(first["chain"].empty());
  EXPECT_EQ(second["chain"], first["chain"]);
}

// A ticket the chip no longer holds (used once already, or lost with the
// chip's RAM when setls-chipd restarted) is no reason to fail: the chip
// refuses it before doing anything, and connect makes a full handshake,
// verifying the server again, and says so.
TEST_F(ConnectCli, ATicketTheChipForgotFallsBackToAFullHandshake) {
  RunningServer server = start_openssl_server(dir);
  std::string ticket = dir.file("ticket.json");
  connect(server, {"--send", "one\n", "--ticket-out", ticket});
  auto resumed = connect(server, {"--send", "two\n", "--ticket-in", ticket});
  EXPECT_EQ(resumed["resumed"], true);
  EXPECT_EQ(resumed["resumption_refused"], false);
  // The same ticket again: TLS 1.3 tickets are used once (RFC 8446 §C.4).
  auto again = connect(server, {"--send", "three\n", "--ticket-in", ticket, "--ticket-out", ticket});
  EXPECT_EQ(again["resumed"], false);
  EXPECT_EQ(again["resumption_refused"], true);
  EXPECT_EQ(again["chain_verified_at"], "this handshake");
  EXPECT_EQ(again["received"], "eerht\n");
  // A chip restart empties its ticket cache; the human output says why.
  ASSERT_EQ(chipd->stop(), 0);
  chipd = std::make_unique<ChipDaemon>(dir.file("state"), dir.file("chip.sock"), dir.file("chipd2.log"));
  ASSERT_TRUE(chipd->listening()) << chipd->log();
  {
    auto driver = host::ChipDriver::connect(chipd->address());
    ASSERT_TRUE(driver.ok());
    secure_boot(**driver, pki);  // a power cycle asks for it again
  }
  RunResult r = chipd->setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost",
                              "--send", "four\n", "--read-timeout", "2", "--ticket-in", ticket});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ruof\n");
  EXPECT_NE(r.err.find("no longer holds the session"), std::string::npos) << r.err;
}

TEST_F(ConnectCli, ARefusedServerGetsAClearMessage) {
  RunningServer server = start_openssl_server(dir);
  RunResult r = chipd->setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "wrong.example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Next:"), std::string::npos) << r.err;
}

TEST_F(ConnectCli, Tls12IsNegotiatedAndNamedInTheSummary) {
  RunningServer server = start_openssl_server12(dir);
  auto both = connect(server, {"--send", "twelve\n"});
  EXPECT_EQ(both["version"], "TLS 1.2");
  EXPECT_EQ(both["extended_master_secret"], true);
  EXPECT_EQ(both["client_authenticated"], true);
  EXPECT_EQ(both["received"], "evlewt\n");
  auto only = connect(server, {"--tls1.2", "--record-mode", "host", "--pairing", pairing, "--send", "ab\n"});
  EXPECT_EQ(only["version"], "TLS 1.2");
  EXPECT_EQ(only["received"], "ba\n");
  // The human summary on stderr names the version too.
  RunResult r = chipd->setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost",
                              "--tls1.2", "--send", "x\n", "--read-timeout", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("connected: TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), std::string::npos) << r.err;
}

// TLS 1.2: the session (a ticket, or the server's session id with
// -no_ticket) is saved by one process and resumed by the next, through the
// same setls-chipd, which keeps the master secret.
TEST_F(ConnectCli, Tls12SessionSavedByOneProcessResumesInTheNext) {
  for (bool session_ids : {false, true}) {
    SCOPED_TRACE(session_ids ? "session ids" : "tickets");
    RunningServer server =
        start_openssl_server12(dir, session_ids ? std::vector<std::string>{"-no_ticket"} : std::vector<std::string>{});
    std::string ticket = dir.file(session_ids ? "session12.json" : "ticket12.json");
    auto first = connect(server, {"--tls1.2", "--send", "one\n", "--ticket-out", ticket});
    EXPECT_EQ(first["version"], "TLS 1.2");
    EXPECT_EQ(first["resumed"], false);
    auto saved = nlohmann::json::parse(read_text(ticket), nullptr, false);
    EXPECT_EQ(saved["version"], tls::kTls12);
    EXPECT_EQ(saved["session_id"], session_ids);
    auto second = connect(server, {"--tls1.2", "--record-mode", "host", "--pairing", pairing, "--send", "two\n",
                                   "--ticket-in", ticket, "--ticket-out", ticket});
    EXPECT_EQ(second["version"], "TLS 1.2");
    EXPECT_EQ(second["resumed"], true);
    EXPECT_EQ(second["received"], "owt\n");
    EXPECT_EQ(second["chain_verified_at"], "original handshake");
    // The resumed connection left a session too: a third process resumes it.
    auto third = connect(server, {"--send", "three\n", "--ticket-in", ticket});
    EXPECT_EQ(third["resumed"], true);
    EXPECT_EQ(third["received"], "eerht\n");
  }
}

TEST_F(ConnectCli, Tls13OnlyIsRefusedByATls12Server) {
  RunningServer server = start_openssl_server12(dir);
  RunResult r = chipd->setls({"connect", "127.0.0.1:" + std::to_string(server.port), "--servername", "localhost",
                              "--tls1.3", "--send", "x\n"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("70"), std::string::npos) << r.err;  // protocol_version
}

TEST_F(ConnectCli, TheCExampleConnectsThroughTheChip) {
  RunningServer server = start_openssl_server(dir);
  RunResult r = run({binary("c-client"), chipd->address(), "127.0.0.1", std::to_string(server.port), "localhost",
                     "hello from C\n"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("TLS 1.3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("C morf olleh"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace setls::test
