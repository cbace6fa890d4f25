// Full TLS 1.3 handshakes run by the chip against libssl: every allowed
// suite, both curves, both record modes, with and without client
// authentication; then application data both ways through the record mode.
#include <gtest/gtest.h>

#include <iostream>

#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;

struct Case {
  Curve curve;
  const char* suite_name;
  uint16_t suite;
  RecordMode mode;
  bool client_auth;
};

std::string describe_case(const Case& c) {
  std::string suite = c.suite == 0x1301 ? "Aes128Gcm" : c.suite == 0x1302 ? "Aes256Gcm" : "Aes128Ccm";
  return std::string(c.curve == Curve::P256 ? "P256_" : "P384_") + suite +
         (c.mode == RecordMode::Host ? "_HostMode" : "_ChipMode") + (c.client_auth ? "_MutualAuth" : "_ServerAuth");
}
std::string case_name(const testing::TestParamInfo<Case>& info) { return describe_case(info.param); }
void PrintTo(const Case& c, std::ostream* os) { *os << describe_case(c); }

std::vector<Case> all_cases() {
  std::vector<Case> out;
  const std::pair<const char*, uint16_t> suites[] = {
      {"TLS_AES_128_GCM_SHA256", 0x1301}, {"TLS_AES_256_GCM_SHA384", 0x1302}, {"TLS_AES_128_CCM_SHA256", 0x1304}};
  for (Curve curve : {Curve::P256, Curve::P384})
    for (auto [name, id] : suites)
      for (RecordMode mode : {RecordMode::Host, RecordMode::Chip})
        for (bool auth : {false, true}) out.push_back({curve, name, id, mode, auth});
  return out;
}

class FullHandshake : public testing::TestWithParam<Case> {};

TEST_P(FullHandshake, AuthenticatesThenCarriesDataBothWays) {
  const Case& k = GetParam();
  ChipTls t(k.curve);
  if (k.client_auth) t.boot();
  ServerOptions so = t.server_options();
  so.ciphersuites = k.suite_name;
  so.client_auth = k.client_auth;
  TlsServer server(so);
  host::ChipDriver& driver = t.driver_for(k.mode);

  auto c = run_handshake(driver, server, t.client_options(k.mode));
  ASSERT_TRUE(c.ok()) << describe(c.error()) << "\n" << server.errors();
  const bus::TlsSummary& s = c->summary;
  EXPECT_EQ(s.version, tls::kTls13);
  EXPECT_EQ(s.suite, k.suite);
  EXPECT_EQ(s.group, k.curve == Curve::P256 ? 23 : 24);
  EXPECT_EQ((s.flags & bus::TlsSummary::kClientAuthenticated) != 0, k.client_auth);
  EXPECT_EQ((s.flags & bus::TlsSummary::kServerRequestedCert) != 0, k.client_auth);
  EXPECT_EQ(s.flags & bus::TlsSummary::kResumed, 0);
  ASSERT_EQ(s.chain_subjects.size(), 3u);  // leaf, intermediate, root
  EXPECT_NE(s.chain_subjects[0].find("localhost"), std::string::npos);
  EXPECT_EQ(server.peer_certificate(), k.client_auth);
  // Keys only in host record mode.
  EXPECT_EQ(c->client_key.has_value(), k.mode == RecordMode::Host);
  EXPECT_EQ(c->server_key.has_value(), k.mode == RecordMode::Host);

  AppSession app(driver, server, *c, k.mode);
  server.write(as_bytes("hello from the server"));
  Bytes got = app.receive();
  EXPECT_EQ(std::string(got.begin(), got.end()), "hello from the server");
  EXPECT_EQ(app.tickets.size(), 2u);  // libssl sends two after the handshake

  Bytes big(40000, 0x61);  // more than one record each way
  app.send(big);
  app.send(as_bytes("and from the device"));
  Bytes read = server.read();
  ASSERT_FALSE(server.failed()) << server.errors();
  ASSERT_EQ(read.size(), big.size() + 19);
  EXPECT_EQ(std::string(read.end() - 19, read.end()), "and from the device");
  server.write(big);
  EXPECT_EQ(app.receive(), big);

  ASSERT_TRUE(driver.tls_end(c->handle).ok());
  EXPECT_EQ(t.sessions_used(), 0u);
  EXPECT_EQ(driver.tls_seal(c->handle, as_bytes("x")).status(), Status::UnknownSession);
}

INSTANTIATE_TEST_SUITE_P(SuitesCurvesModes, FullHandshake, testing::ValuesIn(all_cases()), case_name);

// ---- features

TEST(ChipTlsFeatures, HelloRetryRequestForAGroupWithoutKeyShare) {
  for (RecordMode mode : {RecordMode::Chip, RecordMode::Host}) {
    ChipTls t;
    ServerOptions so = t.server_options();
    so.groups = "P-384";  // the client key-shares P-256 only
    TlsServer server(so);
    ClientOptions co = t.client_options(mode);
    co.key_shares = {23};
    auto c = run_handshake(t.driver_for(mode), server, co);
    ASSERT_TRUE(c.ok()) << describe(c.error()) << server.errors();
    EXPECT_TRUE(c->retried);
    EXPECT_EQ(c->summary.group, 24);
    AppSession app(t.driver_for(mode), server, *c, mode);
    app.send(as_bytes("after a retry"));
    EXPECT_EQ(server.read(), Bytes(as_bytes("after a retry").begin(), as_bytes("after a retry").end()));
  }
}

TEST(ChipTlsFeatures, AlpnIsNegotiatedAmongTheOffered) {
  ChipTls t;
  ServerOptions so = t.server_options();
  so.alpn = {"h2", "mqtt"};
  TlsServer server(so);
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.alpn = {"mqtt", "coap"};
  co.record_size_limit = 4097;  // offered; libssl does not implement it and ignores it
  auto c = run_handshake(t.plain(), server, co);
  ASSERT_TRUE(c.ok()) << describe(c.error());
  EXPECT_EQ(c->summary.alpn, "mqtt");
  EXPECT_EQ(server.alpn(), "mqtt");
  EXPECT_EQ(c->summary.peer_record_limit, 0);
}

TEST(ChipTlsFeatures, ServerNamedByItsIpAddress) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.name_kind = bus::NameKind::Ip;
  co.name = std::string("\x7f\x00\x00\x01", 4);
  auto c = run_handshake(t.plain(), server, co);
  ASSERT_TRUE(c.ok()) << describe(c.error());
  EXPECT_NE(c->summary.chain_subjects[0].find("localhost"), std::string::npos);
}

void resume_in(RecordMode mode) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(mode);
  auto first = run_handshake(t.driver_for(mode), server, co);
  ASSERT_TRUE(first.ok()) << describe(first.error());
  AppSession app(t.driver_for(mode), server, *first, mode);
  server.write(as_bytes("tickets first"));
  app.receive();
  ASSERT_EQ(app.tickets.size(), 2u);
  ASSERT_TRUE(t.driver_for(mode).tls_end(first->handle).ok());

  server.accept();
  co.resume_id = app.tickets[0].id;
  co.ticket = app.tickets[0].ticket;
  co.binder_size = first->summary.suite == 0x1302 ? 48 : 32;
  auto second = run_handshake(t.driver_for(mode), server, co);
  ASSERT_TRUE(second.ok()) << describe(second.error()) << server.errors();
  EXPECT_TRUE(server.resumed());
  EXPECT_NE(second->summary.flags & bus::TlsSummary::kResumed, 0);
  EXPECT_TRUE(second->summary.chain_subjects.empty());  // authenticated by the PSK, no certificate
  AppSession resumed(t.driver_for(mode), server, *second, mode);
  resumed.send(as_bytes("resumed"));
  EXPECT_EQ(server.read(), Bytes(as_bytes("resumed").begin(), as_bytes("resumed").end()));
  ASSERT_TRUE(t.driver_for(mode).tls_end(second->handle).ok());

  // A ticket is used once: the chip took it out of its cache.
  server.accept();
  auto again = run_handshake(t.driver_for(mode), server, co);
  EXPECT_EQ(again.status(), Status::TicketInvalid);
  // The other ticket works, but only towards the name it was issued for.
  server.accept();
  co.resume_id = app.tickets[1].id;
  co.ticket = app.tickets[1].ticket;
  co.name_kind = bus::NameKind::Ip;
  co.name = std::string("\x7f\x00\x00\x01", 4);
  EXPECT_EQ(run_handshake(t.driver_for(mode), server, co).status(), Status::TicketInvalid);
  // A ticket whose bytes differ from the entry's.
  server.accept();
  co.name_kind = bus::NameKind::Dns;
  co.name = "localhost";
  co.ticket.back() ^= 1;
  EXPECT_EQ(run_handshake(t.driver_for(mode), server, co).status(), Status::TicketInvalid);
  EXPECT_EQ(t.sessions_used(), 0u);
}

TEST(ChipTlsFeatures, ResumptionWithATicketInChipMode) { resume_in(RecordMode::Chip); }
TEST(ChipTlsFeatures, ResumptionWithATicketInHostMode) { resume_in(RecordMode::Host); }

TEST(ChipTlsFeatures, TicketsDieWithThePower) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  auto first = run_handshake(t.plain(), server, co);
  ASSERT_TRUE(first.ok());
  AppSession app(t.plain(), server, *first, RecordMode::Chip);
  server.write(as_bytes("x"));
  app.receive();
  ASSERT_FALSE(app.tickets.empty());
  ASSERT_TRUE(t.plain().reset().ok());
  EXPECT_EQ(t.plain().tls_seal(first->handle, as_bytes("x")).status(), Status::UnknownSession);
  server.accept();
  co.resume_id = app.tickets[0].id;
  co.ticket = app.tickets[0].ticket;
  EXPECT_EQ(run_handshake(t.plain(), server, co).status(), Status::TicketInvalid);
}

void key_updates_in(RecordMode mode) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = run_handshake(t.driver_for(mode), server, t.client_options(mode));
  ASSERT_TRUE(c.ok()) << describe(c.error());
  AppSession app(t.driver_for(mode), server, *c, mode);
  server.write(as_bytes("0"));
  app.receive();

  // The device updates its key and asks the server to update its own.
  app.key_update(/*request_peer=*/true);
  app.send(as_bytes("after our update"));
  EXPECT_EQ(server.read(), Bytes(as_bytes("after our update").begin(), as_bytes("after our update").end()));
  server.write(as_bytes("server after its update"));
  Bytes got = app.receive();
  EXPECT_EQ(std::string(got.begin(), got.end()), "server after its update");

  // The server updates and asks us to: the chip answers with its own KeyUpdate.
  server.key_update(/*request_peer=*/true);
  server.write(as_bytes("1"));
  got = app.receive();
  EXPECT_EQ(std::string(got.begin(), got.end()), "1");
  app.send(as_bytes("under our third key"));
  EXPECT_EQ(server.read(), Bytes(as_bytes("under our third key").begin(), as_bytes("under our third key").end()));
  ASSERT_FALSE(server.failed()) << server.errors();
  EXPECT_EQ(app.key_update_answers, 1);
}

TEST(ChipTlsFeatures, KeyUpdateBothWaysInChipMode) { key_updates_in(RecordMode::Chip); }
TEST(ChipTlsFeatures, KeyUpdateBothWaysInHostMode) { key_updates_in(RecordMode::Host); }

TEST(ChipTlsFeatures, ChipModeRekeysOnItsOwnAfterTheConfiguredRecords) {
  chip::FirmwareConfig config;
  config.tls_rekey_records = 3;
  ChipTls t(Curve::P256, config);
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok());
  AppSession app(t.plain(), server, *c, RecordMode::Chip);
  std::string all;
  for (int i = 0; i < 10; ++i) {
    std::string m = "record " + std::to_string(i) + ";";
    auto sealed = t.plain().tls_seal(c->handle, as_bytes(m));
    ASSERT_TRUE(sealed.ok());
    server.receive(*sealed);
    all += m;
  }
  Bytes read = server.read();
  ASSERT_FALSE(server.failed()) << server.errors();
  EXPECT_EQ(std::string(read.begin(), read.end()), all);  // libssl followed three KeyUpdates
}

TEST(ChipTlsFeatures, CloseNotifyFromTheServerIsReported) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok());
  AppSession app(t.plain(), server, *c, RecordMode::Chip);
  server.write(as_bytes("bye"));
  server.close();
  Bytes got = app.receive();
  EXPECT_EQ(std::string(got.begin(), got.end()), "bye");
  EXPECT_EQ(app.alert, 0);
  // Our close_notify still goes out (half-close), then nothing more.
  auto alert = t.plain().tls_seal(c->handle, Bytes{1, 0}, 21);
  ASSERT_TRUE(alert.ok());
  EXPECT_EQ(t.plain().tls_seal(c->handle, as_bytes("late")).status(), Status::SessionState);
}

TEST(ChipTlsFeatures, MessagesSpanRecordsAndRecordsArriveInPieces) {
  ChipTls t(Curve::P384);  // the larger chain
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(co);
  auto start = t.plain().tls_start(req);
  ASSERT_TRUE(start.ok());
  server.receive(plaintext_record(start->client_hello));
  server.handshake();
  // Every message cut into 100-byte records: the Certificate spans a dozen.
  Bytes flight = rewrite_flight(server.take_output(), server.server_handshake_secret,
                                [](std::vector<Bytes>&, const Bytes&) {}, 100);
  // And the bytes come off the socket 37 at a time: the chip takes whole
  // records only and the host keeps the rest.
  Bytes pending;
  std::optional<bus::TlsHandshakeResponse> done;
  int calls = 0;
  for (size_t at = 0; at < flight.size() && !done; at += 37) {
    append(pending, ByteView(flight).subspan(at, std::min<size_t>(37, flight.size() - at)));
    auto step = t.plain().tls_handshake(start->handle, pending);
    ASSERT_TRUE(step.ok()) << describe(step.error()) << " after " << at;
    ++calls;
    pending.erase(pending.begin(), pending.begin() + step->consumed);
    if (step->progress == bus::HandshakeProgress::Done) done = *step;
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(pending.empty());
  EXPECT_GT(calls, 20);
  server.receive(done->output);
  EXPECT_TRUE(server.handshake()) << server.errors();
}

// ---- the bus budget

TEST(ChipTlsBudget, MutualAuthHandshakeRoundTrips) {
  for (Curve curve : {Curve::P256, Curve::P384}) {
    for (RecordMode mode : {RecordMode::Chip, RecordMode::Host}) {
      ChipTls t(curve);
      t.boot();
      ServerOptions so = t.server_options();
      so.client_auth = true;
      TlsServer server(so);
      host::ChipDriver& driver = t.driver_for(mode);
      driver.reset_stats();
      auto c = run_handshake(driver, server, t.client_options(mode));
      ASSERT_TRUE(c.ok()) << describe(c.error());
      host::BusStats s = driver.stats();
      std::cout << "[ budget   ] mutual-auth handshake, " << curve_name(curve) << ", "
                << (mode == RecordMode::Chip ? "chip record mode (plain link)" : "host record mode (secure channel)")
                << ": " << s.round_trips << " round trips, " << s.bytes_sent << " bytes sent, " << s.bytes_received
                << " bytes received\n";
      RecordProperty(std::string(curve_name(curve)) + (mode == RecordMode::Chip ? "_chip_mode" : "_host_mode") +
                         "_round_trips",
                     static_cast<int>(s.round_trips));
      // ≤ 8 exchanges plus one per extra 2 KiB chunk of certificates either way.
      uint64_t chunks = (s.bytes_sent + s.bytes_received) / 2048;
      EXPECT_LE(s.round_trips, 8u + chunks);
      EXPECT_LE(s.round_trips, 8u);
    }
  }
}

}  // namespace
}  // namespace setls::test
