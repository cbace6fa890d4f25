// TLS 1.2 resumption with the master secret kept in the chip, against real
// servers: RFC 5077 session tickets and RFC 5246 session ids, with openssl
// s_server -tls1_2 (tickets by default, session ids with -no_ticket) and
// gnutls-serv with a TLS 1.2 priority string (tickets by default, session
// ids with --noticket), client authentication required, in both record
// modes. Then what the chip refuses at TlsStart whatever the host presents:
// an entry for another server name, a ticket or session id that is not the
// entry's, a TLS 1.2 entry offered as a TLS 1.3 PSK, an expired entry.
// (tls12_mitm_test.cc rewrites resumed ServerHellos: another suite, no EMS.)
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "common/tls/cipher_suite.h"
#include "host/tls/client_hello.h"
#include "tests/tls_client/real_server_fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;
using bus::TlsSummary;
using host::ClientConfig;
using host::ResumptionTicket;

std::string gnutls_priority12(const std::string& extra = "") {
  return "NONE:+VERS-TLS1.2:+AES-128-GCM:+AES-256-GCM:+AEAD:+SHA256:+SHA384:+GROUP-SECP256R1:+GROUP-SECP384R1:"
         "+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SHA384:+ECDHE-ECDSA:+COMP-NULL:%SAFE_RENEGOTIATION" +
         extra;
}

struct Tls12Resumption : RealServerTest {
  enum class Peer { Openssl, Gnutls };

  // One full handshake, some data, and the session it leaves in the chip.
  ResumptionTicket first_session(const RunningServer& server, Peer peer, ClientConfig cfg) {
    auto c = connect(server, cfg);
    EXPECT_TRUE(c);
    if (!c) return {};
    const TlsSummary& s = c->summary();
    EXPECT_EQ(s.version, tls::kTls12);
    EXPECT_FALSE(s.flags & TlsSummary::kResumed);
    EXPECT_TRUE(s.flags & TlsSummary::kClientAuthenticated);
    exchange(*c, peer, "full handshake");
    auto tickets = c->take_tickets();
    EXPECT_EQ(tickets.size(), 1u) << "one resumable session per TLS 1.2 handshake";
    EXPECT_TRUE(c->close().ok());
    return tickets.empty() ? ResumptionTicket{} : tickets.back();
  }

  // A resumed handshake with `ticket`; returns the session it leaves.
  std::optional<ResumptionTicket> resumed(const RunningServer& server, Peer peer, ClientConfig cfg,
                                          const ResumptionTicket& ticket) {
    cfg.resume = ticket;
    auto c = connect(server, cfg);
    EXPECT_TRUE(c);
    if (!c) return std::nullopt;
    const TlsSummary& s = c->summary();
    EXPECT_EQ(s.version, tls::kTls12);
    EXPECT_TRUE(s.flags & TlsSummary::kResumed) << "the server fell back to a full handshake";
    EXPECT_TRUE(s.flags & TlsSummary::kExtendedMasterSecret);
    EXPECT_EQ(s.suite, ticket.suite);
    // No certificate either way: the original handshake authenticated both sides.
    EXPECT_TRUE(s.chain_subjects.empty());
    EXPECT_FALSE(s.flags & TlsSummary::kClientAuthenticated);
    exchange(*c, peer, "abbreviated handshake");
    auto tickets = c->take_tickets();
    EXPECT_TRUE(c->close().ok());
    if (tickets.empty()) return std::nullopt;
    return tickets.back();
  }

  void exchange(host::Client& c, Peer peer, const std::string& line) {
    if (peer == Peer::Openssl) {
      echo(c, line);
    } else {
      EXPECT_EQ(echo_all(c, line + "\n"), line + "\n");
    }
  }

  // Both sides of the resumption: a session of `kind`, resumed, and resumed
  // again with the session the resumed handshake left.
  void resume_twice(const RunningServer& server, Peer peer, ClientConfig cfg, bool by_session_id) {
    ResumptionTicket t = first_session(server, peer, cfg);
    ASSERT_NE(t.chip_entry, 0u) << server.log_text();
    EXPECT_EQ(t.version, tls::kTls12);
    EXPECT_EQ(t.session_id, by_session_id);
    EXPECT_FALSE(t.ticket.empty());
    if (by_session_id) {
      EXPECT_LE(t.ticket.size(), 32u);
    }
    auto again = resumed(server, peer, cfg, t);
    ASSERT_TRUE(again) << "a resumed session stays resumable" << server.log_text();
    EXPECT_NE(again->chip_entry, t.chip_entry);
    EXPECT_EQ(again->session_id, by_session_id);
    resumed(server, peer, cfg, *again);
  }
};

TEST_P(Tls12Resumption, OpensslTicketsAfterOfferingBothVersions) {
  RunningServer server = start_openssl_server12(dir);
  resume_twice(server, Peer::Openssl, config(), /*by_session_id=*/false);
}

TEST_P(Tls12Resumption, OpensslTicketsOfferingTls12Only) {
  RunningServer server = start_openssl_server12(dir, {"-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"});
  ClientConfig cfg = config();
  cfg.versions = {tls::kTls12};
  resume_twice(server, Peer::Openssl, cfg, /*by_session_id=*/false);
}

TEST_P(Tls12Resumption, OpensslSessionIds) {
  RunningServer server = start_openssl_server12(dir, {"-no_ticket"});
  resume_twice(server, Peer::Openssl, config(), /*by_session_id=*/true);
}

TEST_P(Tls12Resumption, OpensslCcm8SessionIdsOfferingTls12Only) {
  RunningServer server = start_openssl_server12(dir, {"-no_ticket", "-cipher", "ECDHE-ECDSA-AES128-CCM8"});
  ClientConfig cfg = config();
  cfg.versions = {tls::kTls12};
  resume_twice(server, Peer::Openssl, cfg, /*by_session_id=*/true);
}

TEST_P(Tls12Resumption, GnutlsTickets) {
  RunningServer server = start_gnutls_server(dir, {"--priority", gnutls_priority12()});
  resume_twice(server, Peer::Gnutls, config(), /*by_session_id=*/false);
}

// A small receive buffer (record_size_limit 600, max_fragment_length 512
// offered): the server's NewSessionTicket must come in records that fit.
TEST_P(Tls12Resumption, GnutlsTicketsWithASmallReceiveBuffer) {
  RunningServer server = start_gnutls_server(dir, {"--priority", gnutls_priority12()});
  ClientConfig cfg = config();
  cfg.receive_buffer = 600;
  resume_twice(server, Peer::Gnutls, cfg, /*by_session_id=*/false);
}

TEST_P(Tls12Resumption, OpensslTicketsWithMaxFragmentLength512) {
  RunningServer server = start_openssl_server12(dir);
  ClientConfig cfg = config();
  cfg.receive_buffer = 600;  // s_server has no record_size_limit: MFL 512
  resume_twice(server, Peer::Openssl, cfg, /*by_session_id=*/false);
}

TEST_P(Tls12Resumption, GnutlsSessionIds) {
  RunningServer server = start_gnutls_server(dir, {"--priority", gnutls_priority12(), "--noticket"});
  resume_twice(server, Peer::Gnutls, config(), /*by_session_id=*/true);
}

TEST_P(Tls12Resumption, AServerThatForgotTheSessionGetsAFullHandshake) {
  ResumptionTicket t;
  {
    RunningServer first = start_openssl_server12(dir, {"-no_ticket"});
    t = first_session(first, Peer::Openssl, config());
  }
  ASSERT_NE(t.chip_entry, 0u);
  // A new server process: its session cache is empty, so it answers with a
  // full handshake, which the chip verifies in full.
  RunningServer fresh = start_openssl_server12(dir, {"-no_ticket"});
  ClientConfig cfg = config();
  cfg.resume = t;
  auto c = connect(fresh, cfg);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->summary().flags & TlsSummary::kResumed);
  EXPECT_TRUE(c->summary().flags & TlsSummary::kClientAuthenticated);
  EXPECT_FALSE(c->summary().chain_subjects.empty());
  echo(*c, "full handshake after all");
  EXPECT_EQ(c->take_tickets().size(), 1u);
}

// The host keeps a TLS 1.2 session for 24 h; the chip holds it only for
// the ticket's lifetime hint (s_server: 2 h). Three hours on, the chip
// refuses the resumption at TlsStart, before anything was sent, and the
// engine makes a full handshake instead of failing the connection.
TEST_P(Tls12Resumption, ASessionTheChipExpiredGetsAFullHandshake) {
  RunningServer server = start_openssl_server12(dir);
  ResumptionTicket t = first_session(server, Peer::Openssl, config());
  ASSERT_NE(t.chip_entry, 0u);
  ASSERT_FALSE(t.session_id);
  ClientConfig cfg = config();
  cfg.resume = t;
  uint64_t later = t.received_ms + uint64_t{3} * 3600 * 1000;
  cfg.clock_ms = [later] { return later; };
  ASSERT_FALSE(t.expired(later)) << "the host must still offer it for this test to mean anything";
  auto c = connect(server, cfg);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->engine().resumption_refused());
  EXPECT_FALSE(c->summary().flags & TlsSummary::kResumed);
  EXPECT_TRUE(c->summary().flags & TlsSummary::kClientAuthenticated);
  EXPECT_FALSE(c->summary().chain_subjects.empty()) << "the server is verified in full";
  echo(*c, "full handshake after all");
  EXPECT_EQ(c->take_tickets().size(), 1u);
}

TEST_P(Tls12Resumption, ATls12SessionIsNotOfferedToATls13OnlyConnection) {
  RunningServer server12 = start_openssl_server12(dir);
  ResumptionTicket t = first_session(server12, Peer::Openssl, config());
  ASSERT_NE(t.chip_entry, 0u);
  RunningServer server13 = start_openssl_server(dir);
  ClientConfig cfg = config();
  cfg.versions = {tls::kTls13};
  cfg.resume = t;
  auto c = connect(server13, cfg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary().version, tls::kTls13);
  EXPECT_FALSE(c->summary().flags & TlsSummary::kResumed);
}

// The figures for docs/chip-tls.md (Bus budget): from TLS_START to `Done`
// of a resumed handshake — TLS_START, then one TLS_HANDSHAKE with the
// server's whole abbreviated flight (ServerHello, [NewSessionTicket], CCS,
// Finished), whose answer carries our CCS and Finished.
TEST_P(Tls12Resumption, BusBudgetOfAResumedHandshake) {
  for (bool session_ids : {false, true}) {
    RunningServer server = start_openssl_server12(
        dir, session_ids ? std::vector<std::string>{"-no_ticket"} : std::vector<std::string>{});
    ResumptionTicket t = first_session(server, Peer::Openssl, config());
    ASSERT_NE(t.chip_entry, 0u);
    ClientConfig cfg = config();
    cfg.resume = t;
    driver->reset_stats();
    auto c = connect(server, cfg);
    ASSERT_TRUE(c);
    host::BusStats s = driver->stats();
    ASSERT_TRUE(c->summary().flags & TlsSummary::kResumed);
    std::cout << "[ budget   ] TLS 1.2 resumed handshake (" << (session_ids ? "session id" : "session ticket")
              << "), " << (GetParam() == RecordMode::Chip ? "chip record mode" : "host record mode")
              << ", secure channel: " << s.round_trips << " round trips, " << s.bytes_sent << " bytes sent, "
              << s.bytes_received << " bytes received\n";
    // 2 when the server's flight arrives in one read; a split read adds a TLS_HANDSHAKE.
    EXPECT_LE(s.round_trips, 3u);
    echo(*c, "after the budget");
  }
}

std::string mode_name(const testing::TestParamInfo<RecordMode>& info) {
  return info.param == RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Tls12Resumption, testing::Values(RecordMode::Chip, RecordMode::Host),
                         mode_name);

// ---- what the chip refuses at TlsStart, whatever the host presents

struct Tls12ResumptionRefused : RealServerTest {
  ResumptionTicket session;

  void SetUp() override {
    RealServerTest::SetUp();
    RunningServer server = start_openssl_server12(dir);
    auto c = connect(server, config());
    ASSERT_TRUE(c);
    auto tickets = c->take_tickets();
    ASSERT_EQ(tickets.size(), 1u);
    session = tickets[0];
  }

  // The TlsStart a host would send to resume `session`, as the chip sees it.
  bus::TlsStartRequest start_request(const ResumptionTicket& t, bool as_tls13_psk = false) {
    host::HelloOffer o;
    o.versions = as_tls13_psk ? std::vector<uint16_t>{tls::kTls13, tls::kTls12} : std::vector<uint16_t>{tls::kTls12};
    o.suites = {0x1301, t.suite};
    if (!as_tls13_psk) o.suites = {t.suite};
    o.groups = {kP256, kP384};
    o.share_groups = {kP256};
    o.server_name = "localhost";
    if (as_tls13_psk) {
      o.ticket = t.ticket;
    } else {
      (t.session_id ? o.session_id12 : o.session_ticket12) = t.ticket;
    }
    auto hello = host::client_hello_template(o);
    EXPECT_TRUE(hello.ok());
    bus::TlsStartRequest r;
    r.mode = GetParam();
    r.name = "localhost";
    r.unix_time_ms = now_ms();
    r.resume_id = t.chip_entry;
    r.client_hello = hello.ok() ? *hello : Bytes{};
    return r;
  }

  static uint64_t now_ms() {
    using namespace std::chrono;
    return static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  }

  Status start_status(const bus::TlsStartRequest& r) {
    auto started = driver->tls_start(r);
    if (started) {
      (void)driver->tls_end(started->handle);
      return Status::Ok;
    }
    return started.status();
  }
};

TEST_P(Tls12ResumptionRefused, TheEntryWithItsTicketAndNameStarts) {
  // The control: exactly this request is accepted (and uses the entry up).
  bus::TlsStartRequest r = start_request(session);
  EXPECT_EQ(start_status(r), Status::Ok);
  EXPECT_EQ(start_status(r), Status::TicketInvalid) << "an entry is used once";
}

TEST_P(Tls12ResumptionRefused, AnotherServerName) {
  bus::TlsStartRequest r = start_request(session);
  // The same hello for 127.0.0.1 (no SNI for an address): not the name the session authenticated.
  host::HelloOffer o;
  o.versions = {tls::kTls12};
  o.suites = {session.suite};
  o.groups = {kP256, kP384};
  o.session_ticket12 = session.ticket;
  r.client_hello = *host::client_hello_template(o);
  r.name_kind = bus::NameKind::Ip;
  r.name = std::string("\x7f\x00\x00\x01", 4);
  EXPECT_EQ(start_status(r), Status::TicketInvalid);
  EXPECT_EQ(start_status(start_request(session)), Status::Ok) << "a refused start leaves the entry";
}

TEST_P(Tls12ResumptionRefused, ATicketThatIsNotTheEntrys) {
  ResumptionTicket altered = session;
  altered.ticket.back() ^= 1;
  EXPECT_EQ(start_status(start_request(altered)), Status::TicketInvalid);
  ResumptionTicket as_session_id = session;  // the ticket's bytes cut to a session id
  as_session_id.session_id = true;
  as_session_id.ticket.resize(32);
  EXPECT_EQ(start_status(start_request(as_session_id)), Status::ClientHelloTemplate);
}

TEST_P(Tls12ResumptionRefused, ATls12EntryOfferedAsATls13Psk) {
  EXPECT_EQ(start_status(start_request(session, /*as_tls13_psk=*/true)), Status::TicketInvalid);
}

TEST_P(Tls12ResumptionRefused, AnExpiredEntry) {
  bus::TlsStartRequest r = start_request(session);
  r.unix_time_ms += uint64_t{25} * 3600 * 1000;  // past the chip's 24 h limit
  EXPECT_EQ(start_status(r), Status::TicketInvalid);
}

TEST_P(Tls12ResumptionRefused, AnotherSuiteThanTheEntrys) {
  ResumptionTicket other = session;
  other.suite = static_cast<uint16_t>(tls::CipherSuite::EcdheEcdsaAes128Ccm);
  ASSERT_NE(other.suite, session.suite);
  EXPECT_EQ(start_status(start_request(other)), Status::TicketInvalid);
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Tls12ResumptionRefused, testing::Values(RecordMode::Chip, RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
