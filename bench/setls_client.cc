#include "bench/setls_client.h"

#include <openssl/ssl.h>

#include <stdexcept>

namespace setls::bench {

SetlsBench::SetlsBench() {
  auto l = std::make_unique<ChipLink>(*device.chip.firmware, 9000);
  link = l.get();
  auto d = host::ChipDriver::open(std::move(l));
  if (!d) throw std::runtime_error("HELLO: " + describe(d.error()));
  driver = std::move(*d);
  auto opened = driver->open_channel(device.host_key, device.chip_channel_key);
  if (!opened) throw std::runtime_error("secure channel: " + describe(opened.error()));

  // The server of the test PKI: leaf + intermediate, client certificates from the device CA.
  server_ctx.reset(SSL_CTX_new(TLS_server_method()));
  SSL_CTX* ctx = server_ctx.get();
  const test::TestPki& pki = device.pki;
  bool ok = SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
            SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") == 1 &&
            SSL_CTX_set1_groups_list(ctx, "P-256") == 1 && SSL_CTX_use_certificate(ctx, pki.server.cert.get()) == 1 &&
            X509_up_ref(pki.intermediate.cert.get()) == 1 &&
            SSL_CTX_add_extra_chain_cert(ctx, pki.intermediate.cert.get()) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, pki.server.key.get()) == 1 &&
            X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), pki.device_ca.cert.get()) == 1;
  if (!ok) throw std::runtime_error("server context");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_num_tickets(ctx, 0);
}

host::ClientConfig SetlsBench::config(bus::RecordMode mode, size_t receive_buffer) const {
  host::ClientConfig c;
  c.server_name = "localhost";
  c.record_mode = mode;
  c.receive_buffer = receive_buffer;
  c.suites = {static_cast<uint16_t>(tls::CipherSuite::Aes128GcmSha256)};
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

void setls_handshake(SetlsConnection& c, const std::function<void(const std::function<void()>&)>& client) {
  Outcome started;
  client([&] { started = c.engine->start(); });
  if (!started) throw std::runtime_error("engine start: " + describe(started.error()));
  for (int i = 0; i < 50; ++i) {
    Bytes out;
    client([&] { out = c.engine->take_output(); });
    if (!out.empty()) BIO_write(c.to_server, out.data(), static_cast<int>(out.size()));
    int r = SSL_do_handshake(c.server.get());
    if (r != 1 && SSL_get_error(c.server.get(), r) != SSL_ERROR_WANT_READ)
      throw std::runtime_error("server handshake failed");
    Bytes in(static_cast<size_t>(BIO_pending(c.to_client)));
    if (!in.empty()) BIO_read(c.to_client, in.data(), static_cast<int>(in.size()));
    Outcome got;
    if (!in.empty()) client([&] { got = c.engine->receive(in); });
    if (!got) throw std::runtime_error("engine: " + describe(got.error()));
    bool done = false;
    client([&] { done = c.engine->established(); });
    if (done && r == 1) {
      // Flush the client's last flight (Finished) so the server completes too.
      client([&] { out = c.engine->take_output(); });
      if (!out.empty()) BIO_write(c.to_server, out.data(), static_cast<int>(out.size()));
      if (SSL_do_handshake(c.server.get()) != 1) throw std::runtime_error("server did not finish");
      return;
    }
    if (c.engine->state() == host::ClientEngine::State::Failed)
      throw std::runtime_error("engine failed: " + describe(c.engine->error()));
  }
  throw std::runtime_error("setls handshake did not finish");
}

}  // namespace setls::bench
