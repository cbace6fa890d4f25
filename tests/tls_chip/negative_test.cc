// What the chip refuses, and that a refusal leaves nothing behind: after
// every failure the slot is free and the next handshake works. A forged
// server is a man in the middle that knows the server's handshake secret
// (libssl's key log) and rewrites its encrypted flight; an identity rewrite
// is the control that shows the rewriting alone breaks nothing.
#include <gtest/gtest.h>

#include "chip/tls/client_flight.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "host/tls/client_hello.h"
#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;

// The slot is free and a fresh handshake on the same chip works.
void expect_recovers(ChipTls& t) {
  EXPECT_EQ(t.sessions_used(), 0u) << "a failed session kept its slot";
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok()) << "no new session after the failure: " << describe(c.error());
  ASSERT_TRUE(t.plain().tls_end(c->handle).ok());
}

// Runs a handshake whose server flight after ServerHello goes through `edit`.
Result<Connected> with_edited_flight(ChipTls& t, TlsServer& server, const FlightEdit& edit,
                                     ClientOptions co = {}) {
  if (co.key_shares.empty()) co = t.client_options(RecordMode::Chip);
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer& s, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_flight(bytes, s.server_handshake_secret, edit);
  };
  return run_handshake(t.plain(), server, co, hooks);
}

// Runs a handshake whose first plaintext ServerHello (or HRR) goes through `edit`.
Result<Connected> with_edited_hello(ChipTls& t, TlsServer& server, const ClientOptions& co, const HelloEdit& edit) {
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer&, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_server_hello(bytes, edit);
  };
  return run_handshake(t.plain(), server, co, hooks);
}

size_t find_message(const std::vector<Bytes>& messages, tls::HandshakeType type) {
  for (size_t i = 0; i < messages.size(); ++i)
    if (messages[i][0] == static_cast<uint8_t>(type)) return i;
  throw std::runtime_error("message not in the flight");
}

template <class T>
Bytes message_bytes(const T& body) {
  Bytes out;
  Writer w(out);
  tls::write_message(w, body);
  return out;
}

// The offset, in a ServerHello message, of its key_share entry's group.
size_t key_share_group_offset(const Bytes& hello) {
  auto m = tls::parse_handshake(hello);
  auto sh = tls::decode_message<tls::ServerHello>(*m);
  auto data = sh->extensions.find(tls::ExtensionType::KeyShare);
  return static_cast<size_t>(data->data() - hello.data());
}

ServerOptions only_suite(const ChipTls& t, const char* suite) {
  ServerOptions so = t.server_options();
  so.ciphersuites = suite;
  return so;
}

// ---- the control

TEST(ForgedServer, AnUnchangedRewriteStillConnects) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = with_edited_flight(t, server, [](std::vector<Bytes>& m, const Bytes&) { EXPECT_GE(m.size(), 4u); });
  ASSERT_TRUE(c.ok()) << describe(c.error());
}

// ---- authentication

TEST(ChipRefuses, AServerCertificateForAnotherName) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.name = "example.com";
  EXPECT_EQ(run_handshake(t.plain(), server, co).status(), Status::NameMismatch);
  expect_recovers(t);
}

TEST(ChipRefuses, AChainFromAnotherCa) {
  ChipTls t;
  TestPki other = TestPki::create();
  ServerOptions so = t.server_options();
  so.pki = &other;
  TlsServer server(so);
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip)).status(), Status::ChainInvalid);
  expect_recovers(t);
}

TEST(ChipRefuses, ACertificateVerifySignedByAnotherKey) {
  ChipTls t;
  TlsServer server(only_suite(t, "TLS_AES_128_GCM_SHA256"));
  EcKey forger = EcKey::generate(Curve::P256).value();
  Bytes client_hello;
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer& s, const Bytes& ch) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_flight(bytes, s.server_handshake_secret, [&](std::vector<Bytes>& m, const Bytes& sh) {
      // A perfect signature over the right transcript, by the wrong key.
      size_t cv = find_message(m, tls::HandshakeType::CertificateVerify);
      Bytes transcript = ch;
      append(transcript, sh);
      for (size_t i = 0; i < cv; ++i) append(transcript, m[i]);
      Digest th = digest(HashAlg::Sha256, transcript);
      Bytes signature = forger.sign(HashAlg::Sha256, chip::certificate_verify_content(true, th.view())).value();
      tls::CertificateVerify forged;
      forged.scheme = 0x0403;
      forged.signature = signature;
      m[cv] = message_bytes(forged);
    });
  };
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks).status(),
            Status::SignatureInvalid);
  expect_recovers(t);
}

TEST(ChipRefuses, ACertificateVerifySchemeThatDoesNotMatchTheLeafKey) {
  ChipTls t;  // a P-256 leaf
  TlsServer server(t.server_options());
  auto c = with_edited_flight(t, server, [](std::vector<Bytes>& m, const Bytes&) {
    size_t cv = find_message(m, tls::HandshakeType::CertificateVerify);
    m[cv][4] = 0x05;  // ecdsa_secp384r1_sha384, offered but not the leaf's curve
  });
  EXPECT_EQ(c.status(), Status::ServerSignatureScheme);
  expect_recovers(t);
}

TEST(ChipRefuses, AnAlteredServerFinished) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = with_edited_flight(t, server, [](std::vector<Bytes>& m, const Bytes&) {
    size_t fin = find_message(m, tls::HandshakeType::Finished);
    m[fin].back() ^= 0x01;
  });
  EXPECT_EQ(c.status(), Status::FinishedInvalid);
  expect_recovers(t);
}

TEST(ChipRefuses, AServerThatSkipsItsCertificate) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = with_edited_flight(t, server, [](std::vector<Bytes>& m, const Bytes&) {
    m.erase(m.begin() + static_cast<long>(find_message(m, tls::HandshakeType::CertificateVerify)));
    m.erase(m.begin() + static_cast<long>(find_message(m, tls::HandshakeType::Certificate)));
  });
  EXPECT_EQ(c.status(), Status::ServerUnexpectedMessage);  // Finished where a Certificate belongs
  expect_recovers(t);
}

TEST(ChipRefuses, AFlippedBitInAnEncryptedRecord) {
  ChipTls t;
  TlsServer server(t.server_options());
  HandshakeHooks hooks;
  hooks.edit_server_bytes = [](ByteView bytes, TlsServer&, const Bytes&) {
    Bytes out(bytes.begin(), bytes.end());
    out.back() ^= 0x80;  // the tag of the last record (the Finished)
    return out;
  };
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks).status(),
            Status::ServerRecordInvalid);
  expect_recovers(t);
}

TEST(ChipRefuses, AMessageAfterTheFinishedInTheSameRecord) {
  // The Finished changes the keys: it must end its record (RFC 8446 §5.1).
  ChipTls t;
  TlsServer server(t.server_options());
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer& s, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_flight(
        bytes, s.server_handshake_secret, [](std::vector<Bytes>& m, const Bytes&) { m.push_back(m.front()); },
        16384);
  };
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks).status(),
            Status::ServerKeyChangeStraddle);
  expect_recovers(t);
}

TEST(ChipRefuses, AHandshakeMessageLargerThanItsBuffer) {
  // Refused as soon as its header arrives: the chip never buffers it.
  ChipTls t;
  TlsServer server(t.server_options());
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer& s, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_flight(
        bytes, s.server_handshake_secret,
        [](std::vector<Bytes>& m, const Bytes&) {
          Bytes huge(20000, 0x30);
          tls::CertificateEntry entry{huge, {}};
          tls::Certificate13 cert;
          cert.entries = tls::List<tls::CertificateEntry>(std::span(&entry, 1));
          m[find_message(m, tls::HandshakeType::Certificate)] = message_bytes(cert);
        },
        16384);
  };
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks).status(),
            Status::ServerMessageTooLarge);
  expect_recovers(t);
}

// ---- negotiation

TEST(ChipRefuses, ACipherSuiteTheClientDidNotOffer) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.suites = {0x1301};
  auto c = with_edited_hello(t, server, co, [](Bytes& sh) {
    // type(1) length(3) version(2) random(32) session id(1+32), then the suite
    sh[4 + 2 + 32 + 1 + 32 + 1] = 0x02;
  });
  EXPECT_EQ(c.status(), Status::ServerSuiteNotOffered);
  expect_recovers(t);
}

TEST(ChipRefuses, AGroupTheClientDidNotOffer) {
  ChipTls t;
  TlsServer server(t.server_options());
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.groups = {23};
  co.key_shares = {23};
  auto c = with_edited_hello(t, server, co, [](Bytes& sh) { sh[key_share_group_offset(sh) + 1] = 24; });
  EXPECT_EQ(c.status(), Status::ServerGroupNotOffered);
  expect_recovers(t);
}

TEST(ChipRefuses, AServerKeyShareOffTheCurve) {
  // EcKey::from_public_point must reject a point that is not on P-256: the
  // invalid-curve attack on ECDHE.
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = with_edited_hello(t, server, t.client_options(RecordMode::Chip), [](Bytes& sh) {
    size_t at = key_share_group_offset(sh) + 4 + 64;  // the last byte of Y
    sh[at] ^= 0x01;
  });
  EXPECT_EQ(c.status(), Status::ServerKeyShareInvalid);
  expect_recovers(t);
}

TEST(ChipRefuses, AServerHelloThatDoesNotEchoTheSessionId) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = with_edited_hello(t, server, t.client_options(RecordMode::Chip), [](Bytes& sh) { sh[4 + 2 + 32 + 1] ^= 1; });
  EXPECT_EQ(c.status(), Status::ServerSessionIdMismatch);
  expect_recovers(t);
}

TEST(ChipRefuses, AHelloRetryRequestForAnUnofferedOrAlreadySharedGroup) {
  for (uint8_t group : {uint8_t{25}, uint8_t{23}}) {  // P-521 never offered; P-256 already key-shared
    ChipTls t;
    ServerOptions so = t.server_options();
    so.groups = "P-384";
    TlsServer server(so);
    ClientOptions co = t.client_options(RecordMode::Chip);
    co.key_shares = {23};
    auto c = with_edited_hello(t, server, co, [group](Bytes& hrr) { hrr[key_share_group_offset(hrr) + 1] = group; });
    EXPECT_EQ(c.status(), Status::ServerRetryInvalid) << int(group);
    expect_recovers(t);
  }
}

TEST(ChipRefuses, ASecondClientHelloThatChangesMoreThanTheRetryAllows) {
  ChipTls t;
  ServerOptions so = t.server_options();
  so.groups = "P-384";
  TlsServer server(so);
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.key_shares = {23};
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(co);
  auto start = t.plain().tls_start(req);
  ASSERT_TRUE(start.ok());
  server.receive(plaintext_record(start->client_hello));
  server.handshake();
  auto step = t.plain().tls_handshake(start->handle, server.take_output());
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(step->progress, bus::HandshakeProgress::Retry);
  EXPECT_EQ(step->retry_group, 24);
  ClientOptions changed = co;
  changed.suites = {0x1301};  // dropping a suite is not a change HRR allows
  EXPECT_EQ(t.plain().tls_retry(start->handle, client_hello_template(changed, 24)).status(), Status::RetryMismatch);
  // The session is gone.
  EXPECT_EQ(t.plain().tls_retry(start->handle, client_hello_template(co, 24)).status(), Status::UnknownSession);
  expect_recovers(t);
}

TEST(ChipRefuses, AnAlpnProtocolOrExtensionTheClientDidNotOffer) {
  for (bool offer_alpn : {true, false}) {
    ChipTls t;
    TlsServer server(t.server_options());
    ClientOptions co = t.client_options(RecordMode::Chip);
    if (offer_alpn) co.alpn = {"mqtt"};
    auto c = with_edited_flight(
        t, server,
        [](std::vector<Bytes>& m, const Bytes&) {
          Bytes alpn = tls::encode_to_bytes(tls::AlpnSelected{as_bytes("h2")});
          tls::Extension ext{static_cast<uint16_t>(tls::ExtensionType::Alpn), alpn};
          tls::EncryptedExtensions ee;
          ee.extensions = tls::ExtensionList(std::span(&ext, 1));
          m[find_message(m, tls::HandshakeType::EncryptedExtensions)] = message_bytes(ee);
        },
        co);
    EXPECT_EQ(c.status(), offer_alpn ? Status::ServerAlpnNotOffered : Status::ServerExtensionNotOffered);
    expect_recovers(t);
  }
}

TEST(ChipRefuses, ThenReportsAServerAlert) {
  ChipTls t;
  ServerOptions so = t.server_options();
  so.alpn = {"h2"};
  TlsServer server(so);
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.alpn = {"coap"};  // libssl answers no_application_protocol
  auto c = run_handshake(t.plain(), server, co);
  ASSERT_EQ(c.status(), Status::ServerAlert);
  EXPECT_EQ(c.error().detail, 120u);
  expect_recovers(t);
}

// ---- policy

TEST(ChipRefuses, ClientAuthenticationBeforeSecureBoot) {
  // The device key carries require-secure-boot: until the host firmware
  // passed secure boot in this power cycle, it signs no CertificateVerify,
  // and the chip ends the handshake rather than answer without it.
  ChipTls t;
  ServerOptions so = t.server_options();
  so.client_auth = true;
  TlsServer server(so);
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip)).status(), Status::SecureBootRequired);
  EXPECT_EQ(t.sessions_used(), 0u);
  t.boot();
  server.accept();
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok()) << describe(c.error());
  EXPECT_TRUE(server.peer_certificate());
  // A power cycle forgets the boot: refused again.
  ASSERT_TRUE(t.plain().reset().ok());
  server.accept();
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip)).status(), Status::SecureBootRequired);
}

TEST(ChipRefuses, HostRecordModeWithoutTheSecureChannel) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Host));
  EXPECT_EQ(c.status(), Status::ChannelRequired);
  EXPECT_EQ(t.sessions_used(), 0u);
  // Over the channel the same request works and the keys come back.
  server.accept();
  auto ok = run_handshake(*t.secure, server, t.client_options(RecordMode::Host));
  ASSERT_TRUE(ok.ok()) << describe(ok.error());
  EXPECT_TRUE(ok->client_key.has_value());
  ASSERT_TRUE(t.secure->tls_end(ok->handle).ok());
  expect_recovers(t);
}

TEST(ChipRefuses, WeakOrForeignOffersInTheClientHello) {
  ChipTls t;
  struct Case {
    const char* what;
    std::function<void(ClientOptions&)> change;
    Status status;
  };
  const Case cases[] = {
      {"a TLS 1.2 suite", [](ClientOptions& o) { o.suites = {0x1301, 0xC02B}; }, Status::ClientHelloSuite},
      {"CHACHA20", [](ClientOptions& o) { o.suites = {0x1303}; }, Status::ClientHelloSuite},
      {"X25519", [](ClientOptions& o) { o.groups = {23, 29}; }, Status::ClientHelloGroup},
      {"a key share for an unoffered group", [](ClientOptions& o) { o.groups = {24}; }, Status::ClientHelloGroup},
      {"RSA-PSS", [](ClientOptions& o) { o.schemes = {0x0403, 0x0804}; }, Status::ClientHelloSignature},
      {"another name in SNI", [](ClientOptions& o) { o.name = "localhost"; o.sni = false; }, Status::ClientHelloServerName},
  };
  for (const Case& c : cases) {
    ClientOptions co = t.client_options(RecordMode::Chip);
    c.change(co);
    bus::TlsStartRequest req;
    req.mode = RecordMode::Chip;
    req.name = "localhost";
    req.unix_time_ms = now_ms();
    req.client_hello = client_hello_template(co);
    EXPECT_EQ(t.plain().tls_start(req).status(), c.status) << c.what;
  }
  // psk_ke without (EC)DHE, written by hand: modes = {0}.
  ClientOptions co = t.client_options(RecordMode::Chip);
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(co);
  Bytes& ch = req.client_hello;
  const uint8_t psk_dhe[] = {0x00, 0x2d, 0x00, 0x02, 0x01, 0x01};
  auto at = std::search(ch.begin(), ch.end(), std::begin(psk_dhe), std::end(psk_dhe));
  ASSERT_NE(at, ch.end());
  at[5] = 0x00;
  EXPECT_EQ(t.plain().tls_start(req).status(), Status::ClientHelloPskMode);
  // A random that is not zero: the chip chooses it.
  req.client_hello = client_hello_template(co);
  req.client_hello[10] = 1;
  EXPECT_EQ(t.plain().tls_start(req).status(), Status::ClientHelloTemplate);
  expect_recovers(t);
}

// TLS 1.2 offers are held to the same policy by the chip, whatever the host
// builds: suites of an offered version only and nothing but ECDHE-ECDSA
// AEAD, no TLS 1.1, and a TLS 1.2 hello without key shares is fine.
TEST(ChipRefuses, WeakOrInconsistentTls12Offers) {
  ChipTls t;
  struct Case {
    const char* what;
    std::vector<uint16_t> versions;
    std::vector<uint16_t> suites;
    Status status;
  };
  const Case cases[] = {
      {"a CBC suite", {0x0304, 0x0303}, {0x1301, 0xC02B, 0xC023}, Status::ClientHelloSuite},
      {"RSA key exchange", {0x0303}, {0xC02B, 0x009C}, Status::ClientHelloSuite},
      {"a TLS 1.3 suite in a TLS 1.2-only hello", {0x0303}, {0x1301, 0xC02B}, Status::ClientHelloSuite},
      {"TLS 1.2 offered without a TLS 1.2 suite", {0x0304, 0x0303}, {0x1301}, Status::ClientHelloSuite},
      {"TLS 1.1 offered", {0x0304, 0x0302}, {0x1301}, Status::ClientHelloVersion},
      {"TLS 1.2 and 1.3, every allowed suite", {0x0304, 0x0303}, {0x1301, 0x1302, 0x1304, 0xC02B, 0xC02C, 0xC0AC, 0xC0AD, 0xC0AE}, Status::Ok},
      {"TLS 1.2 only", {0x0303}, {0xC02B, 0xC0AE}, Status::Ok},
  };
  for (const Case& c : cases) {
    host::HelloOffer o;
    o.versions = c.versions;
    o.suites = c.suites;
    o.groups = {23, 24};
    o.share_groups = {23};
    o.server_name = "localhost";
    auto hello = host::client_hello_template(o);
    ASSERT_TRUE(hello.ok()) << c.what;
    bus::TlsStartRequest req;
    req.mode = RecordMode::Chip;
    req.name = "localhost";
    req.unix_time_ms = now_ms();
    req.client_hello = *hello;
    auto started = t.plain().tls_start(req);
    if (c.status == Status::Ok) {
      ASSERT_TRUE(started.ok()) << c.what << ": " << describe(started.error());
      ASSERT_TRUE(t.plain().tls_end(started->handle).ok());
    } else {
      EXPECT_EQ(started.status(), c.status) << c.what;
    }
    EXPECT_EQ(t.sessions_used(), 0u) << c.what;
  }
  expect_recovers(t);
}

// ---- time

TEST(ChipRefuses, TimeBelowTheFloorAndTheFloorFollowsVerifiedChains) {
  ChipTls t;
  // A server certificate issued a few seconds ago: newer than the chip's build time.
  t.pki.server = issue({.subject = "/CN=localhost/O=setls tests", .dns = {"localhost"}, .eku = "serverAuth",
                        .not_before = -5},
                       TestKey::ec(Curve::P256), &t.pki.intermediate);
  uint64_t floor_before = t.plain().info()->time_floor;
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok()) << describe(c.error());
  uint64_t floor_after = t.plain().info()->time_floor;
  EXPECT_GT(floor_after, floor_before);
  EXPECT_GE(floor_after + 10, now_ms() / 1000);
  ASSERT_TRUE(t.plain().tls_end(c->handle).ok());
  // The same chain again: the floor does not move, and nothing is written.
  uint64_t generation = t.chip.firmware->storage().generation();
  server.accept();
  auto again = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(t.chip.firmware->storage().generation(), generation);
  ASSERT_TRUE(t.plain().tls_end(again->handle).ok());

  server.accept();
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.time_ms = (floor_after - 1) * 1000;
  EXPECT_EQ(run_handshake(t.plain(), server, co).status(), Status::TimeBelowFloor);
  expect_recovers(t);
}

// ---- slots and handles

Result<uint32_t> start_only(host::ChipDriver& driver, const ChipTls& t) {
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(t.client_options(RecordMode::Chip));
  SETLS_TRY_ASSIGN(bus::TlsStartResponse r, driver.tls_start(req));
  return r.handle;
}

TEST(ChipSessions, FourSlotsThenSessionsFull) {
  ChipTls t;
  std::vector<uint32_t> handles;
  for (int i = 0; i < 4; ++i) handles.push_back(start_only(t.plain(), t).value());
  EXPECT_EQ(t.sessions_used(), 4u);
  EXPECT_EQ(start_only(t.plain(), t).status(), Status::SessionsFull);
  ASSERT_TRUE(t.plain().tls_end(handles[2]).ok());
  auto fifth = start_only(t.plain(), t);
  ASSERT_TRUE(fifth.ok());
  EXPECT_NE(*fifth, handles[2]);  // the same slot, another generation
  for (uint32_t h : {handles[0], handles[1], handles[3], *fifth}) ASSERT_TRUE(t.plain().tls_end(h).ok());
  expect_recovers(t);
}

TEST(ChipSessions, StaleHandlesFail) {
  ChipTls t;
  uint32_t old = start_only(t.plain(), t).value();
  ASSERT_TRUE(t.plain().tls_end(old).ok());
  EXPECT_EQ(t.plain().tls_end(old).status(), Status::UnknownSession);
  uint32_t reused = start_only(t.plain(), t).value();  // takes the same slot
  EXPECT_EQ(reused & 0xFF, old & 0xFF);
  EXPECT_EQ(t.plain().tls_handshake(old, Bytes{22, 3, 3, 0, 1, 2}).status(), Status::UnknownSession);
  EXPECT_EQ(t.sessions_used(), 1u);  // the stale handle did not end the live session
  ASSERT_TRUE(t.plain().tls_end(reused).ok());
  expect_recovers(t);
}

TEST(ChipSessions, AnotherLinksHandleIsRefusedAndChangesNothing) {
  ChipTls t;
  TlsServer server(t.server_options());
  auto other = t.chip.connect();
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(t.client_options(RecordMode::Chip));
  auto start = t.plain().tls_start(req);
  ASSERT_TRUE(start.ok());
  server.receive(plaintext_record(start->client_hello));
  server.handshake();
  Bytes flight = server.take_output();
  EXPECT_EQ(other->tls_handshake(start->handle, flight).status(), Status::UnknownSession);
  EXPECT_EQ(other->tls_end(start->handle).status(), Status::UnknownSession);
  EXPECT_EQ(other->tls_seal(start->handle, as_bytes("x")).status(), Status::UnknownSession);
  // The owner's handshake goes on undisturbed.
  auto step = t.plain().tls_handshake(start->handle, flight);
  ASSERT_TRUE(step.ok()) << describe(step.error());
  EXPECT_EQ(step->progress, bus::HandshakeProgress::Done);
  server.receive(step->output);
  EXPECT_TRUE(server.handshake());
  ASSERT_TRUE(t.plain().tls_end(start->handle).ok());
}

TEST(ChipSessions, ALinkThatGoesAwayTakesItsSessionsWithIt) {
  ChipTls t;
  {
    auto link = t.chip.connect();
    ASSERT_TRUE(start_only(*link, t).ok());
    ASSERT_TRUE(start_only(*link, t).ok());
    EXPECT_EQ(t.sessions_used(), 2u);
  }
  EXPECT_EQ(t.sessions_used(), 0u);
  expect_recovers(t);
}

TEST(ChipSessions, CommandsOutOfOrderEndTheSession) {
  ChipTls t;
  uint32_t h = start_only(t.plain(), t).value();
  EXPECT_EQ(t.plain().tls_seal(h, as_bytes("too early")).status(), Status::HandshakeIncomplete);
  EXPECT_EQ(t.plain().tls_seal(h, as_bytes("again")).status(), Status::UnknownSession);
  h = start_only(t.plain(), t).value();
  EXPECT_EQ(t.plain().tls_retry(h, client_hello_template(t.client_options(RecordMode::Chip))).status(),
            Status::SessionState);  // no HelloRetryRequest came
  h = start_only(t.plain(), t).value();
  EXPECT_EQ(t.plain().tls_post_handshake(h, Bytes{4, 0, 0, 0}).status(), Status::SessionState);
  expect_recovers(t);
}

}  // namespace
}  // namespace setls::test
