// Attacks on the chip's TLS 1.3 engine from the network side (issue 7): a
// man in the middle with a certificate of its own, weak or foreign choices
// forced into the server's messages, and a misbehaving server that breaks
// the record layer and the handshake order. The server is libssl; the
// misbehaviour is scripted on its real flight (script_flight and
// rewrite_flight, with the handshake secret from its key log), so every
// case differs from a working handshake in exactly the attacked detail.
// Each case checks the refusal, that the error names its cause, and that
// the chip freed the session and still connects afterwards.
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;
using tls::ContentType;

void expect_recovers(ChipTls& t) {
  EXPECT_EQ(t.sessions_used(), 0u) << "a refused session kept its slot";
  TlsServer server(t.server_options());
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  ASSERT_TRUE(c.ok()) << "no new session after the refusal: " << describe(c.error());
  ASSERT_TRUE(t.plain().tls_end(c->handle).ok());
}

// One handshake whose flight after ServerHello is replaced by `script`.
Result<Connected> with_script(ChipTls& t, TlsServer& server, const FlightScript& script) {
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer& s, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return script_flight(bytes, s.server_handshake_secret, script);
  };
  return run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks);
}

Result<Connected> with_hello(ChipTls& t, TlsServer& server, const HelloEdit& edit) {
  HandshakeHooks hooks;
  bool done = false;
  hooks.edit_server_bytes = [&](ByteView bytes, TlsServer&, const Bytes&) {
    if (done) return Bytes(bytes.begin(), bytes.end());
    done = true;
    return rewrite_server_hello(bytes, edit);
  };
  return run_handshake(t.plain(), server, t.client_options(RecordMode::Chip), hooks);
}

size_t index_of(const std::vector<Bytes>& messages, tls::HandshakeType type) {
  for (size_t i = 0; i < messages.size(); ++i)
    if (messages[i][0] == static_cast<uint8_t>(type)) return i;
  throw std::runtime_error("message not in the flight");
}

// The offset of an extension's body in a ServerHello message.
size_t extension_offset(const Bytes& hello, tls::ExtensionType type) {
  auto m = tls::parse_handshake(hello);
  auto sh = tls::decode_message<tls::ServerHello>(*m);
  auto data = sh->extensions.find(type);
  if (!data) throw std::runtime_error("extension not in the ServerHello");
  return static_cast<size_t>(data->data() - hello.data());
}

const CertSpec kLeaf = {.subject = "/CN=localhost/O=setls tests",
                        .dns = {"localhost"},
                        .ips = {"127.0.0.1", "::1"},
                        .eku = "serverAuth"};

// ---- a man in the middle with a certificate of its own

TEST(ManInTheMiddle, ASelfSignedCertificateForTheRightName) {
  ChipTls t;
  TestPki mitm = t.pki;
  mitm.server = issue(kLeaf, TestKey::ec(), nullptr);
  ServerOptions so = t.server_options();
  so.pki = &mitm;
  TlsServer server(so);
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  EXPECT_EQ(c.status(), Status::ChainInvalid);
  EXPECT_EQ(c.error().detail, uint32_t{X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT});
  expect_recovers(t);
}

TEST(ManInTheMiddle, AChainThroughAnIntermediateThatIsNotACa) {
  // A leaf certificate the real CA issued to someone (CA:FALSE) signing a
  // certificate for our server's name: the classic basicConstraints attack.
  ChipTls t;
  TestPki mitm = t.pki;
  CertSpec not_ca = {.subject = "/CN=attacker.example/O=setls tests", .dns = {"attacker.example"}, .eku = "serverAuth"};
  mitm.intermediate = issue(not_ca, TestKey::ec(), &t.pki.root);
  mitm.server = issue(kLeaf, TestKey::ec(), &mitm.intermediate);
  ServerOptions so = t.server_options();
  so.pki = &mitm;
  TlsServer server(so);
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  EXPECT_EQ(c.status(), Status::ChainInvalid);
  EXPECT_EQ(c.error().detail, uint32_t{X509_V_ERR_INVALID_CA});
  expect_recovers(t);
}

TEST(ManInTheMiddle, AConnectionRedirectedToAValidServerForAnotherName) {
  // The same CA, a valid chain, the address of our server: only the name differs.
  ChipTls t;
  TestPki other = t.pki;
  other.server = issue({.subject = "/CN=iot.example/O=setls tests", .dns = {"iot.example"}, .eku = "serverAuth"},
                       TestKey::ec(), &t.pki.intermediate);
  ServerOptions so = t.server_options();
  so.pki = &other;
  TlsServer server(so);
  EXPECT_EQ(run_handshake(t.plain(), server, t.client_options(RecordMode::Chip)).status(), Status::NameMismatch);
  expect_recovers(t);
}

TEST(ManInTheMiddle, AChainSignedWithSha1) {
  ChipTls t;
  TestPki weak = t.pki;
  CertSpec leaf = kLeaf;
  leaf.digest = "SHA1";
  weak.server = issue(leaf, TestKey::ec(), &t.pki.intermediate);
  ServerOptions so = t.server_options();
  so.pki = &weak;
  so.security_level = 0;  // libssl itself refuses to serve a SHA-1 certificate otherwise
  TlsServer server(so);
  auto c = run_handshake(t.plain(), server, t.client_options(RecordMode::Chip));
  EXPECT_EQ(c.status(), Status::WeakParameter) << describe(c.error());
  EXPECT_EQ(c.error().detail, 0u) << "the depth of the SHA-1 signature: the leaf";
  expect_recovers(t);
}

TEST(ManInTheMiddle, AMalformedCertificate) {
  struct Case {
    const char* what;
    std::function<void(Bytes& der)> damage;
  };
  const Case cases[] = {
      {"truncated", [](Bytes& der) { der.resize(der.size() / 2); }},
      {"a wrong outer length", [](Bytes& der) { der[3] ^= 0x01; }},
      {"trailing bytes", [](Bytes& der) { der.push_back(0); }},
      {"not DER at all", [](Bytes& der) { der.assign(200, 0x41); }},
  };
  for (const Case& k : cases) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<Bytes> edited = m;
      size_t at = index_of(edited, tls::HandshakeType::Certificate);
      auto parsed = tls::parse_handshake(edited[at]);
      auto cert = tls::decode_message<tls::Certificate13>(*parsed);
      std::vector<tls::CertificateEntry> entries(cert->entries.begin(), cert->entries.end());
      Bytes der(entries[0].cert_data.begin(), entries[0].cert_data.end());
      k.damage(der);
      entries[0].cert_data = der;
      tls::Certificate13 out;
      out.entries = tls::List<tls::CertificateEntry>(entries);
      edited[at].clear();
      Writer w(edited[at]);
      tls::write_message(w, out);
      return sealed_messages(edited);
    });
    EXPECT_EQ(c.status(), Status::BadCertificate) << k.what << ": " << describe(c.error());
    expect_recovers(t);
  }
}

// ---- weak or foreign choices in the server's messages

TEST(WeakChoices, AServerHelloForTls10Or11OrWithoutSupportedVersions) {
  for (uint16_t version : {uint16_t{0x0301}, uint16_t{0x0302}, uint16_t{0x7F1C}}) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_hello(t, server, [version](Bytes& sh) {
      size_t at = extension_offset(sh, tls::ExtensionType::SupportedVersions);
      sh[at] = static_cast<uint8_t>(version >> 8);
      sh[at + 1] = static_cast<uint8_t>(version);
    });
    EXPECT_EQ(c.status(), Status::ServerVersion) << std::hex << version;
    expect_recovers(t);
  }
}

TEST(WeakChoices, AKeyShareOnP192OrBrainpool) {
  // secp192r1 (19) and brainpoolP256r1tls13 (31): never offered, so refused
  // before any point is parsed.
  for (uint8_t group : {uint8_t{19}, uint8_t{31}}) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_hello(t, server,
                        [group](Bytes& sh) { sh[extension_offset(sh, tls::ExtensionType::KeyShare) + 1] = group; });
    EXPECT_EQ(c.status(), Status::ServerGroupNotOffered) << int(group);
    expect_recovers(t);
  }
}

TEST(WeakChoices, ACertificateVerifyWithSha1OrRsaPkcs1) {
  // ecdsa_sha1 (0x0203), rsa_pkcs1_sha1 (0x0201), rsa_pkcs1_sha256 (0x0401):
  // none offered, none allowed in a TLS 1.3 CertificateVerify.
  for (uint16_t scheme : {uint16_t{0x0203}, uint16_t{0x0201}, uint16_t{0x0401}}) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [scheme](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<Bytes> edited = m;
      size_t cv = index_of(edited, tls::HandshakeType::CertificateVerify);
      edited[cv][4] = static_cast<uint8_t>(scheme >> 8);
      edited[cv][5] = static_cast<uint8_t>(scheme);
      return sealed_messages(edited);
    });
    EXPECT_EQ(c.status(), Status::ServerSignatureScheme) << std::hex << scheme;
    expect_recovers(t);
  }
}

// ---- a misbehaving server: the record layer

TEST(MisbehavingServer, TheScriptedIdentityStillConnects) {
  // The control for every case below: re-sealing the same messages, with
  // the compatibility change_cipher_spec, one message per record, works.
  ChipTls t;
  TlsServer server(t.server_options());
  const uint8_t ccs[] = {1};
  auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
    std::vector<ScriptedRecord> out = {raw_record(ContentType::ChangeCipherSpec, ccs)};
    for (auto& r : sealed_messages(m)) out.push_back(r);
    return out;
  });
  ASSERT_TRUE(c.ok()) << describe(c.error());
  ASSERT_TRUE(t.plain().tls_end(c->handle).ok());
}

TEST(MisbehavingServer, PaddedRecordsAndMessagesInOneByteRecordsConnect) {
  // RFC 8446 §5.1 and §5.4: a message may span any number of records, and
  // a record may carry any amount of zero padding.
  for (size_t fragment : {size_t{1}, size_t{0}}) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [fragment](const std::vector<Bytes>& m, const Bytes&) {
      auto out = sealed_messages(m, fragment);
      if (fragment == 0)
        for (auto& r : out) r.padding = 1000;
      return out;
    });
    ASSERT_TRUE(c.ok()) << fragment << ": " << describe(c.error());
    ASSERT_TRUE(t.plain().tls_end(c->handle).ok());
  }
}

TEST(MisbehavingServer, ZeroLengthRecordsAreRefused) {
  struct Case {
    const char* what;
    ScriptedRecord record;
    Status status;
  };
  const Case cases[] = {
      // RFC 8446 §5.1: zero-length handshake fragments must not be sent.
      {"a sealed empty handshake fragment", {ScriptedRecord::Kind::Sealed, ContentType::Handshake, {}, 0},
       Status::ServerDecodeError},
      // All padding: no content type at all.
      {"a sealed record of only padding", {ScriptedRecord::Kind::Sealed, ContentType::Invalid, {}, 16},
       Status::ServerUnexpectedMessage},
      {"an empty application_data record", raw_record(ContentType::ApplicationData, {}), Status::ServerRecordInvalid},
      {"an empty plaintext handshake record", raw_record(ContentType::Handshake, {}), Status::ServerUnexpectedMessage},
  };
  for (const Case& k : cases) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<ScriptedRecord> out = {k.record};
      for (auto& r : sealed_messages(m)) out.push_back(r);
      return out;
    });
    EXPECT_EQ(c.status(), k.status) << k.what << ": " << describe(c.error());
    expect_recovers(t);
  }
}

TEST(MisbehavingServer, OversizedRecordsAreRefused) {
  struct Case {
    const char* what;
    ScriptedRecord record;
  };
  ScriptedRecord too_long_ciphertext = raw_record(ContentType::ApplicationData, Bytes(tls::kMaxCiphertext13 + 1, 0));
  // A valid AEAD record whose content is one byte over 2^14.
  ScriptedRecord too_long_plaintext{ScriptedRecord::Kind::Sealed, ContentType::Handshake,
                                    Bytes(tls::kMaxPlaintext + 1, 0x0B), 0};
  // Within 2^14 + 1 of inner plaintext only without padding (RFC 8446 §5.4).
  ScriptedRecord too_much_padding{ScriptedRecord::Kind::Sealed, ContentType::Handshake, Bytes(16000, 0x0B), 1000};
  const Case cases[] = {{"ciphertext over 2^14 + 256", too_long_ciphertext},
                        {"content over 2^14", too_long_plaintext},
                        {"content and padding over 2^14 + 1", too_much_padding}};
  for (const Case& k : cases) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<ScriptedRecord> out = {k.record};
      for (auto& r : sealed_messages(m)) out.push_back(r);
      return out;
    });
    EXPECT_EQ(c.status(), Status::ServerRecordOverflow) << k.what << ": " << describe(c.error());
    expect_recovers(t);
  }
}

TEST(MisbehavingServer, UnexpectedChangeCipherSpecOrAlerts) {
  struct Case {
    const char* what;
    ScriptedRecord record;
    size_t after;  // inserted after this many of the server's messages
    Status status;
    uint32_t detail;  // checked when not ~0
  };
  const uint8_t ccs_two[] = {2};
  const uint8_t ccs_long[] = {1, 1};
  const uint8_t ccs[] = {1};
  const uint8_t fatal_alert[] = {2, 40};  // handshake_failure
  const uint8_t warning_close[] = {1, 0};   // close_notify
  const Case cases[] = {
      {"a change_cipher_spec of value 2", raw_record(ContentType::ChangeCipherSpec, ccs_two), 0,
       Status::ServerUnexpectedMessage, ~0u},
      {"a change_cipher_spec of two bytes", raw_record(ContentType::ChangeCipherSpec, ccs_long), 0,
       Status::ServerUnexpectedMessage, ~0u},
      // RFC 8446 §5: only in the clear; protected it is a protocol violation.
      {"an encrypted change_cipher_spec", {ScriptedRecord::Kind::Sealed, ContentType::ChangeCipherSpec, {1}, 0}, 1,
       Status::ServerUnexpectedMessage, ~0u},
      {"a fatal alert in the middle of the flight", {ScriptedRecord::Kind::Sealed, ContentType::Alert,
       Bytes(fatal_alert, fatal_alert + 2), 0}, 2, Status::ServerAlert, 40},
      {"close_notify in the middle of the flight", {ScriptedRecord::Kind::Sealed, ContentType::Alert,
       Bytes(warning_close, warning_close + 2), 0}, 2, Status::ServerAlert, 0},
      {"application data before the Finished", {ScriptedRecord::Kind::Sealed, ContentType::ApplicationData,
       Bytes{'h', 'i'}, 0}, 2, Status::ServerUnexpectedMessage, ~0u},
  };
  for (const Case& k : cases) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<ScriptedRecord> out = {raw_record(ContentType::ChangeCipherSpec, ccs)};
      auto sealed = sealed_messages(m);
      for (size_t i = 0; i < sealed.size(); ++i) {
        if (i == k.after) out.push_back(k.record);
        out.push_back(sealed[i]);
      }
      return out;
    });
    EXPECT_EQ(c.status(), k.status) << k.what << ": " << describe(c.error());
    if (k.detail != ~0u && !c) {
      EXPECT_EQ(c.error().detail, k.detail) << k.what;
    }
    expect_recovers(t);
  }
}

// ---- a misbehaving server: the handshake order

TEST(MisbehavingServer, MessagesOutOfOrderAreRefused) {
  using H = tls::HandshakeType;
  struct Case {
    const char* what;
    std::function<void(std::vector<Bytes>&)> reorder;
  };
  auto swap = [](std::vector<Bytes>& m, H a, H b) { std::swap(m[index_of(m, a)], m[index_of(m, b)]); };
  const Case cases[] = {
      {"Certificate before EncryptedExtensions",
       [&](std::vector<Bytes>& m) { swap(m, H::EncryptedExtensions, H::Certificate); }},
      {"CertificateVerify before Certificate",
       [&](std::vector<Bytes>& m) { swap(m, H::Certificate, H::CertificateVerify); }},
      {"Finished before CertificateVerify", [&](std::vector<Bytes>& m) { swap(m, H::CertificateVerify, H::Finished); }},
      {"a second EncryptedExtensions",
       [](std::vector<Bytes>& m) {
         Bytes again = m[0];  // a copy: inserting an element of the vector into itself
         m.insert(m.begin() + 1, std::move(again));
       }},
      {"a ServerHello inside the encrypted flight",
       [](std::vector<Bytes>& m) { m.insert(m.begin(), Bytes{2, 0, 0, 0}); }},
      {"a NewSessionTicket before the Finished",
       [](std::vector<Bytes>& m) { m.insert(m.begin() + 1, Bytes{4, 0, 0, 0}); }},
  };
  for (const Case& k : cases) {
    ChipTls t;
    TlsServer server(t.server_options());
    auto c = with_script(t, server, [&](const std::vector<Bytes>& m, const Bytes&) {
      std::vector<Bytes> edited = m;
      k.reorder(edited);
      return sealed_messages(edited);
    });
    EXPECT_EQ(c.status(), Status::ServerUnexpectedMessage) << k.what << ": " << describe(c.error());
    expect_recovers(t);
  }
}

}  // namespace
}  // namespace setls::test
