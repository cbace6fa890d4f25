// The engine's one buffer (docs/host-tls.md, "Buffers"): sized from the
// receive buffer, records opened in place and read from it, records sealed
// in place in the room the received bytes leave, and a protected record
// larger than announced refused before its body is buffered. The server is
// libssl in this process over memory BIOs (mutual TLS 1.3, a record limit
// set with max_send_fragment since libssl 3.0 ignores record_size_limit);
// the chip is the in-process RAM chip behind the secure channel.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <cstring>

#include "host/tls/engine.h"
#include "tests/support/tls_device.h"

namespace setls::test {
namespace {

struct SslDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  void operator()(SSL* s) const { SSL_free(s); }
};

class EngineBuffer : public ::testing::Test {
 protected:
  void SetUp() override {
    driver = device.secure_driver();
    ctx.reset(SSL_CTX_new(TLS_server_method()));
    const TestPki& pki = device.pki;
    ASSERT_TRUE(SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION) == 1 &&
                SSL_CTX_use_certificate(ctx.get(), pki.server.cert.get()) == 1 &&
                X509_up_ref(pki.intermediate.cert.get()) == 1 &&
                SSL_CTX_add_extra_chain_cert(ctx.get(), pki.intermediate.cert.get()) == 1 &&
                SSL_CTX_use_PrivateKey(ctx.get(), pki.server.key.get()) == 1 &&
                X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), pki.device_ca.cert.get()) == 1);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    SSL_CTX_set_num_tickets(ctx.get(), 0);  // only the records each test writes
  }

  // A connection whose server sends records of at most `server_records`.
  // Offering TLS 1.2 too adds max_fragment_length, which libssl honours.
  void connect(size_t receive_buffer, size_t server_records, bool offer_tls12 = true) {
    server.reset(SSL_new(ctx.get()));
    if (server_records < 16384) SSL_set_max_send_fragment(server.get(), static_cast<long>(server_records));
    to_server = BIO_new(BIO_s_mem());
    to_client = BIO_new(BIO_s_mem());
    SSL_set_bio(server.get(), to_server, to_client);
    SSL_set_accept_state(server.get());
    host::ClientConfig config;
    config.server_name = "localhost";
    config.record_mode = bus::RecordMode::Host;
    config.receive_buffer = receive_buffer;
    if (!offer_tls12) config.versions = {tls::kTls13};
    engine = std::make_unique<host::ClientEngine>(*driver, config);
    ASSERT_TRUE(engine->start().ok());
    for (int i = 0; i < 20 && !engine->established(); ++i) {
      flush();
      int r = SSL_do_handshake(server.get());
      ASSERT_TRUE(r == 1 || SSL_get_error(server.get(), r) == SSL_ERROR_WANT_READ);
      ASSERT_TRUE(feed(wire()).ok()) << describe(engine->error());
    }
    ASSERT_TRUE(engine->established()) << describe(engine->error());
    flush();
    ASSERT_EQ(SSL_do_handshake(server.get()), 1);
  }

  Bytes wire() {
    Bytes in(static_cast<size_t>(BIO_pending(to_client)));
    if (!in.empty()) BIO_read(to_client, in.data(), static_cast<int>(in.size()));
    return in;
  }
  // What the server's application reads: `n` bytes, or fewer if it fails.
  Bytes server_reads(size_t n) {
    Bytes got(n);
    size_t read = 0;
    while (read < n) {
      int r = SSL_read(server.get(), got.data() + read, static_cast<int>(n - read));
      if (r <= 0) break;
      read += static_cast<size_t>(r);
    }
    got.resize(read);
    return got;
  }
  // Sends the engine's records to the server: "I transmitted n".
  void flush() {
    for (ByteView out = engine->output(); !out.empty(); out = engine->output()) {
      BIO_write(to_server, out.data(), static_cast<int>(out.size()));
      engine->output_sent(out.size());
    }
  }
  // Writes the server's bytes into the receive window, `piece` at a time,
  // reading what the engine opened into `app`.
  Outcome feed(ByteView in, size_t piece = 1 << 20, Bytes* app = nullptr) {
    for (size_t pos = 0; pos < in.size();) {
      std::span<uint8_t> window = engine->receive_window();
      if (window.empty()) {
        if (!engine->output().empty()) {
          flush();  // half-duplex: records to send come first
        } else if (app != nullptr && !engine->application_data().empty()) {
          drain(*app);
        } else {
          return Status::Internal;  // nothing could make room
        }
        continue;
      }
      size_t n = std::min({window.size(), in.size() - pos, piece});
      std::memcpy(window.data(), in.data() + pos, n);
      pos += n;
      SETLS_TRY(engine->received(n));
    }
    if (app != nullptr) drain(*app);
    return {};
  }
  void drain(Bytes& app) {
    uint8_t buf[300];
    for (;;) {
      auto n = engine->read(buf);
      ASSERT_TRUE(n.ok());
      if (*n == 0) return;
      app.insert(app.end(), buf, buf + *n);
    }
  }

  TlsDevice device = TlsDevice::create();
  std::unique_ptr<host::ChipDriver> driver;
  std::unique_ptr<SSL_CTX, SslDeleter> ctx;
  std::unique_ptr<SSL, SslDeleter> server;
  BIO* to_server = nullptr;
  BIO* to_client = nullptr;
  std::unique_ptr<host::ClientEngine> engine;
};

Bytes pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return b;
}

TEST_F(EngineBuffer, OneBufferSizedFromTheReceiveBufferCarriesBothDirections) {
  connect(1024, 1024);
  const size_t size = 1024 + host::ClientEngine::kRecordOverhead + host::ClientEngine::kControlReserve;
  EXPECT_EQ(engine->buffer_size(), size);

  // Down: 5000 bytes in 1 KiB records, fed 100 bytes at a time; each record
  // is read from the buffer before the next one is opened.
  Bytes down = pattern(5000);
  ASSERT_EQ(SSL_write(server.get(), down.data(), static_cast<int>(down.size())), 5000);
  Bytes got;
  ASSERT_TRUE(feed(wire(), 100, &got).ok()) << describe(engine->error());
  EXPECT_EQ(got, down);

  // Up: send_some seals in place in records that fit the buffer.
  Bytes up = pattern(4000);
  size_t records = 0;
  for (ByteView rest(up); !rest.empty();) {
    auto n = engine->send_some(rest);
    ASSERT_TRUE(n.ok());
    ASSERT_GT(*n, 0u);
    ASSERT_LE(engine->output().size(), size);
    rest = rest.subspan(*n);
    flush();
    ++records;
  }
  EXPECT_GE(records, 4u);
  EXPECT_EQ(server_reads(up.size()), up);
  EXPECT_EQ(engine->buffer_size(), size) << "nothing grew";
}

TEST_F(EngineBuffer, AWaitingPartialRecordMakesSentRecordsSmallerNotLost) {
  connect(1024, 1024);
  Bytes down = pattern(1000);
  ASSERT_EQ(SSL_write(server.get(), down.data(), 1000), 1000);
  Bytes in = wire();
  // Most of a record waits in the buffer: the room left for sealing is small.
  ASSERT_TRUE(feed(ByteView(in).first(in.size() - 10)).ok());
  Bytes up = pattern(3000);
  auto n = engine->send_some(up);
  ASSERT_TRUE(n.ok());
  EXPECT_LT(*n, 1000u) << "a record as large as the limit cannot fit beside the partial one";
  // Half-duplex: records wait to be sent, so no more input until they are.
  if (!engine->output().empty()) {
    EXPECT_TRUE(engine->receive_window().empty());
  }
  size_t sent = *n;
  flush();
  Bytes got;
  ASSERT_TRUE(feed(ByteView(in).last(10), 1 << 20, &got).ok()) << describe(engine->error());
  EXPECT_EQ(got, down);
  for (ByteView rest = ByteView(up).subspan(sent); !rest.empty();) {
    auto m = engine->send_some(rest);
    ASSERT_TRUE(m.ok());
    rest = rest.subspan(*m);
    flush();
  }
  EXPECT_EQ(server_reads(up.size()), up);
}

TEST_F(EngineBuffer, AProtectedRecordLargerThanAnnouncedIsRefusedFromItsHeader) {
  // TLS 1.3 alone: record_size_limit only, which libssl 3.0 ignores.
  connect(1024, 16384, false);
  Bytes down = pattern(4000);
  ASSERT_EQ(SSL_write(server.get(), down.data(), 4000), 4000);
  Bytes in = wire();
  // The header alone tells: no body is buffered, no data is handed out.
  Outcome o = feed(ByteView(in).first(5));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().status, Status::TlsRecordOverflow);
  EXPECT_TRUE(engine->application_data().empty());
  EXPECT_EQ(engine->state(), host::ClientEngine::State::Failed);
  // The alert that says why is queued.
  EXPECT_FALSE(engine->output().empty());
}

TEST_F(EngineBuffer, TheCopyingConveniencesStillTakeEverything) {
  connect(1024, 1024);
  Bytes down = pattern(6000);
  ASSERT_EQ(SSL_write(server.get(), down.data(), 6000), 6000);
  // Six records at once, nothing read in between: what does not fit waits aside.
  ASSERT_TRUE(engine->receive(wire()).ok()) << describe(engine->error());
  EXPECT_EQ(engine->take_application_data(), down);
  Bytes up = pattern(5000);
  ASSERT_TRUE(engine->send(up).ok());
  Bytes out = engine->take_output();
  BIO_write(to_server, out.data(), static_cast<int>(out.size()));
  EXPECT_EQ(server_reads(up.size()), up);
}

}  // namespace
}  // namespace setls::test
