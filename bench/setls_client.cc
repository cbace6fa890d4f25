#include "bench/setls_client.h"

#include <openssl/ssl.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "common/tls/codec.h"
#include "common/tls/extensions.h"
#include "common/tls/messages.h"
#include "host/driver/unix_transport.h"

namespace setls::bench {

namespace {

std::unique_ptr<host::ChipDriver> chipd_driver(const std::string& socket) {
  auto link = host::UnixTransport::connect(socket, std::chrono::seconds(10));
  if (!link) throw std::runtime_error("connect to setls-chipd: " + describe(link.error()));
  auto d = host::ChipDriver::open(std::move(*link));
  if (!d) throw std::runtime_error("HELLO: " + describe(d.error()));
  return std::move(*d);
}

}  // namespace

SetlsBench::SetlsBench(SetlsBenchOptions o) : options(std::move(o)) {
  const EcKey* host_key = &device.host_key;
  const EcKey* chip_key = &device.chip_channel_key;
  std::optional<test::TlsReady> ready;
  if (options.chipd) {
    // A daemon of its own, provisioned like the in-process chip (same PKI).
    chipd_dir = std::make_unique<test::TempDir>();
    chipd = std::make_unique<test::ChipDaemon>(chipd_dir->file("state"), chipd_dir->file("chip.sock"),
                                               chipd_dir->file("chipd.log"));
    if (!chipd->listening()) throw std::runtime_error("setls-chipd did not start: " + chipd->log());
    auto factory = chipd_driver(chipd->socket());
    ready = test::make_tls_ready(*factory, device.pki);
    factory.reset();
    driver = chipd_driver(chipd->socket());
    host_key = &ready->host_key;
    chip_key = &ready->chip_channel_key;
  } else {
    auto l = std::make_unique<ChipLink>(*device.chip.firmware, 9000);
    link = l.get();
    auto d = host::ChipDriver::open(std::move(l));
    if (!d) throw std::runtime_error("HELLO: " + describe(d.error()));
    driver = std::move(*d);
  }
  auto opened = driver->open_channel(*host_key, *chip_key);
  if (!opened) throw std::runtime_error("secure channel: " + describe(opened.error()));

  // The server of the test PKI: leaf + intermediate, client certificates from the device CA.
  server_ctx.reset(SSL_CTX_new(TLS_server_method()));
  SSL_CTX* ctx = server_ctx.get();
  const test::TestPki& pki = device.pki;
  bool tls13 = options.server_version == TLS1_3_VERSION;
  bool ok = SSL_CTX_set_min_proto_version(ctx, options.server_version) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, options.server_version) == 1 &&
            (tls13 ? SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256")
                   : SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256")) == 1 &&
            SSL_CTX_set1_groups_list(ctx, options.server_groups.c_str()) == 1 &&
            SSL_CTX_use_certificate(ctx, pki.server.cert.get()) == 1 &&
            X509_up_ref(pki.intermediate.cert.get()) == 1 &&
            SSL_CTX_add_extra_chain_cert(ctx, pki.intermediate.cert.get()) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, pki.server.key.get()) == 1 &&
            X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), pki.device_ca.cert.get()) == 1;
  if (!ok) throw std::runtime_error("server context");
  if (options.client_auth) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_num_tickets(ctx, static_cast<size_t>(options.tickets));
  // A server that verifies clients resumes only sessions of its own context.
  static const unsigned char kContext[] = "setls-bench";
  SSL_CTX_set_session_id_context(ctx, kContext, sizeof kContext - 1);
  if (options.tickets == 0) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
}

SetlsBench::~SetlsBench() {
  driver.reset();  // hang up before the daemon stops
  if (chipd) chipd->stop();
}

std::vector<uint16_t> setls_offered_versions(SetlsBench& b) {
  host::ClientConfig config;
  config.server_name = "localhost";
  config.record_mode = bus::RecordMode::Host;
  host::ClientEngine engine(*b.driver, config);
  Outcome started = engine.start();
  if (!started) throw std::runtime_error("engine start: " + describe(started.error()));
  Bytes record = engine.take_output();
  // One plaintext handshake record: 5-byte record header, 4-byte message header.
  if (record.size() < 9) throw std::runtime_error("no ClientHello");
  auto hello = tls::decode<tls::ClientHello>(ByteView(record).subspan(9));
  if (!hello) throw std::runtime_error("ClientHello: " + describe(hello.error()));
  auto versions = tls::find_extension<tls::SupportedVersionsClient>(hello->extensions);
  if (!versions) throw std::runtime_error("supported_versions: " + describe(versions.error()));
  if (!*versions) return {hello->legacy_version};
  return std::vector<uint16_t>((*versions)->versions.begin(), (*versions)->versions.end());
}

host::ClientConfig SetlsBench::config(bus::RecordMode mode, size_t receive_buffer) const {
  host::ClientConfig c;
  c.server_name = "localhost";
  c.record_mode = mode;
  c.receive_buffer = receive_buffer;
  // One suite per offered version (the default offer is TLS 1.3 and 1.2):
  // the server, fixed to one version, picks that version's suite.
  c.suites = {static_cast<uint16_t>(tls::CipherSuite::Aes128GcmSha256),
              static_cast<uint16_t>(tls::CipherSuite::EcdheEcdsaAes128GcmSha256)};
  c.groups = {23};  // P-256
  return c;
}

SetlsConnection setls_server_half(SetlsBench& b, size_t max_send_fragment) {
  SetlsConnection c;
  c.server.reset(SSL_new(b.server_ctx.get()));
  if (max_send_fragment < 16384) SSL_set_max_send_fragment(c.server.get(), static_cast<long>(max_send_fragment));
  c.to_server = BIO_new(BIO_s_mem());
  c.to_client = BIO_new(BIO_s_mem());
  SSL_set_bio(c.server.get(), c.to_server, c.to_client);
  SSL_set_accept_state(c.server.get());
  return c;
}

namespace {
// The memory BIOs are the network: the engine's records go to the server
// from its buffer, and the server's bytes are read straight into its
// receive window. Only the engine calls run inside `client`.
using ClientScope = std::function<void(const std::function<void()>&)>;

void flush_to_server(SetlsConnection& c, const ClientScope& client) {
  for (;;) {
    ByteView out;
    client([&] { out = c.engine->output(); });
    if (out.empty()) return;
    BIO_write(c.to_server, out.data(), static_cast<int>(out.size()));
    client([&] { c.engine->output_sent(out.size()); });
  }
}

Outcome feed_from_server(SetlsConnection& c, const ClientScope& client) {
  Bytes in(static_cast<size_t>(BIO_pending(c.to_client)));
  if (!in.empty()) BIO_read(c.to_client, in.data(), static_cast<int>(in.size()));
  Outcome got;
  for (size_t pos = 0; pos < in.size() && got;) {
    std::span<uint8_t> window;
    client([&] { window = c.engine->receive_window(); });
    if (window.empty()) {
      flush_to_server(c, client);
      client([&] { window = c.engine->receive_window(); });
      if (window.empty()) return Status::Internal;  // a caller's bug here: nothing else waits
    }
    size_t n = std::min(window.size(), in.size() - pos);
    std::memcpy(window.data(), in.data() + pos, n);
    pos += n;
    client([&] { got = c.engine->received(n); });
  }
  return got;
}
}  // namespace

void setls_handshake(SetlsConnection& c, const std::function<void(const std::function<void()>&)>& client) {
  Outcome started;
  client([&] { started = c.engine->start(); });
  if (!started) throw std::runtime_error("engine start: " + describe(started.error()));
  for (int i = 0; i < 50; ++i) {
    flush_to_server(c, client);
    int r = SSL_do_handshake(c.server.get());
    if (r != 1 && SSL_get_error(c.server.get(), r) != SSL_ERROR_WANT_READ)
      throw std::runtime_error("server handshake failed");
    Outcome got = feed_from_server(c, client);
    if (!got) throw std::runtime_error("engine: " + describe(got.error()));
    bool done = false;
    client([&] { done = c.engine->established(); });
    if (done && r == 1) {
      // Flush the client's last flight (Finished) so the server completes too.
      flush_to_server(c, client);
      if (SSL_do_handshake(c.server.get()) != 1) throw std::runtime_error("server did not finish");
      return;
    }
    if (c.engine->state() == host::ClientEngine::State::Failed)
      throw std::runtime_error("engine failed: " + describe(c.engine->error()));
  }
  throw std::runtime_error("setls handshake did not finish");
}

std::vector<host::ResumptionTicket> setls_take_tickets(
    SetlsConnection& c, const std::function<void(const std::function<void()>&)>& client) {
  Outcome got = feed_from_server(c, client);
  if (!got) throw std::runtime_error("engine (tickets): " + describe(got.error()));
  std::vector<host::ResumptionTicket> tickets;
  client([&] { tickets = c.engine->take_tickets(); });
  return tickets;
}

}  // namespace setls::bench
