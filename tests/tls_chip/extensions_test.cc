// Extensions libssl 3.0 does not send, put in by a man in the middle who
// knows the server's handshake secret: record_size_limit in
// EncryptedExtensions (the Finished recomputed to match, so the chip gets as
// far as Done), and a cookie in HelloRetryRequest.
#include <gtest/gtest.h>

#include "chip/tls/client_flight.h"
#include "chip/tls/key_schedule13.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;

template <class T>
Bytes message_bytes(const T& body) {
  Bytes out;
  Writer w(out);
  tls::write_message(w, body);
  return out;
}

Result<bus::TlsStartResponse> start(host::ChipDriver& driver, const ClientOptions& co) {
  bus::TlsStartRequest req;
  req.mode = co.mode;
  req.name = co.name;
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(co);
  return driver.tls_start(req);
}

TEST(ServerExtensions, RecordSizeLimitBindsWhatTheChipSeals) {
  ChipTls t;
  ServerOptions so = t.server_options();
  so.ciphersuites = "TLS_AES_128_GCM_SHA256";
  TlsServer server(so);
  ClientOptions co = t.client_options(RecordMode::Chip);
  co.record_size_limit = 2049;
  auto s = start(t.plain(), co);
  ASSERT_TRUE(s.ok()) << describe(s.error());
  server.receive(plaintext_record(s->client_hello));
  server.handshake();
  Bytes flight = server.take_output();
  Bytes edited = rewrite_flight(flight, server.server_handshake_secret, [&](std::vector<Bytes>& m, const Bytes& sh) {
    // EncryptedExtensions with record_size_limit 1025: the server takes 1024 bytes a record.
    Bytes limit = tls::encode_to_bytes(tls::RecordSizeLimit{1025});
    tls::Extension ext{static_cast<uint16_t>(tls::ExtensionType::RecordSizeLimit), limit};
    tls::EncryptedExtensions ee;
    ee.extensions = tls::ExtensionList(std::span(&ext, 1));
    m[0] = message_bytes(ee);
    // CertificateVerify and Finished over the transcript with that EE, by
    // the server's own key and secret (m: EE, Certificate, CertificateVerify, Finished).
    Bytes transcript = s->client_hello;
    append(transcript, sh);
    append(transcript, m[0]);
    append(transcript, m[1]);
    EcKey server_key = EcKey::from_pkey(t.pki.server.key.get()).value();
    tls::CertificateVerify cv;
    cv.scheme = 0x0403;
    Bytes signature =
        server_key.sign(HashAlg::Sha256, chip::certificate_verify_content(true, digest(HashAlg::Sha256, transcript).view()))
            .value();
    cv.signature = signature;
    m[2] = message_bytes(cv);
    append(transcript, m[2]);
    Digest th = digest(HashAlg::Sha256, transcript);
    Secret mac = chip::tls13::finished_mac(HashAlg::Sha256, server.server_handshake_secret, th.view());
    tls::Finished fin;
    fin.verify_data = mac.view();
    m.back() = message_bytes(fin);
  });
  auto step = t.plain().tls_handshake(s->handle, edited);
  ASSERT_TRUE(step.ok()) << describe(step.error());
  ASSERT_EQ(step->progress, bus::HandshakeProgress::Done);
  EXPECT_EQ(step->summary->peer_record_limit, 1024);
  // Our own flight already respected it, and so does every sealed record.
  auto sealed = t.plain().tls_seal(s->handle, Bytes(3000, 0x61));
  ASSERT_TRUE(sealed.ok());
  std::vector<Bytes> records = split_records(*sealed);
  ASSERT_EQ(records.size(), 3u);
  for (const Bytes& r : records) EXPECT_LE(r.size(), 5u + 1024u + 1u + 16u);
  EXPECT_TRUE(t.plain().tls_end(s->handle).ok());
}

// The HelloRetryRequest in `flight` with a cookie extension added.
Bytes with_cookie(ByteView flight, ByteView cookie) {
  return rewrite_server_hello(flight, [&](Bytes& hrr) {
    auto m = tls::parse_handshake(hrr);
    auto parsed = tls::decode_message<tls::ServerHello>(*m);
    std::vector<tls::Extension> ext(parsed->extensions.begin(), parsed->extensions.end());
    Bytes body = tls::encode_to_bytes(tls::Cookie{cookie});
    ext.push_back({static_cast<uint16_t>(tls::ExtensionType::Cookie), body});
    tls::ServerHello edited = *parsed;
    edited.extensions = tls::ExtensionList(ext);
    hrr = message_bytes(edited);
  });
}

TEST(ServerExtensions, AHelloRetryCookieMustBeEchoedExactly) {
  const Bytes cookie = {0xC0, 0x0C, 0x1E, 0x01, 0x02, 0x03};
  for (int variant = 0; variant < 3; ++variant) {
    ChipTls t;
    ServerOptions so = t.server_options();
    so.groups = "P-384";
    TlsServer server(so);
    ClientOptions co = t.client_options(RecordMode::Chip);
    co.key_shares = {23};
    auto s = start(t.plain(), co);
    ASSERT_TRUE(s.ok());
    server.receive(plaintext_record(s->client_hello));
    server.handshake();
    auto step = t.plain().tls_handshake(s->handle, with_cookie(server.take_output(), cookie));
    ASSERT_TRUE(step.ok()) << describe(step.error());
    ASSERT_EQ(step->progress, bus::HandshakeProgress::Retry);
    EXPECT_EQ(step->retry_group, 24);
    EXPECT_EQ(step->retry_cookie, cookie);
    Bytes echoed = cookie;
    if (variant == 1) echoed.back() ^= 1;
    auto second = variant == 2 ? t.plain().tls_retry(s->handle, client_hello_template(co, 24))  // no cookie
                               : t.plain().tls_retry(s->handle, client_hello_template(co, 24, echoed));
    if (variant == 0) {
      ASSERT_TRUE(second.ok()) << describe(second.error());
      auto m = tls::parse_handshake(*second);
      auto hello = tls::decode_message<tls::ClientHello>(*m);
      ASSERT_TRUE(hello.ok());
      EXPECT_TRUE(hello->extensions.contains(tls::ExtensionType::Cookie));
      EXPECT_TRUE(t.plain().tls_end(s->handle).ok());
    } else {
      EXPECT_EQ(second.status(), Status::RetryMismatch) << variant;
    }
    EXPECT_EQ(t.sessions_used(), 0u);
  }
}

}  // namespace
}  // namespace setls::test
