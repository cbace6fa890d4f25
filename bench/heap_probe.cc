// setls_heap_probe: the heap one TLS client connection costs, for libssl and
// Mbed TLS 2.28 (and setls's ClientEngine once the chip runs handshakes).
// Everything runs in one thread: the client's calls are tracked
// (heap_tracker.h), the server's — libssl — and the "network" are not.
// Per-application state (SSL_CTX, mbedtls_ssl_config with the parsed
// certificates and key) is made before tracking and one warm-up connection
// runs first, so only per-connection memory is counted.
//
// Each case: mutual-auth handshake, then the server sends 16 KiB and the
// client echoes it as it arrives, through an application buffer of one record
// (16 KiB, or 1 KiB with small records) that is not counted. Reported: peak bytes live, bytes still live
// before the connection is freed, and the number of allocations.
//
//   setls_heap_probe [--json FILE]
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/heap_tracker.h"
#include "bench/openssl_pair.h"
#include "bench/setls_client.h"

namespace setls::bench {
namespace {

constexpr size_t kExchange = 16384;

struct Result {
  std::string impl, tls, records;
  heap::Stats peak_stats;
  uint64_t handshake_peak = 0;  // the peak when the handshake was done, before any data
  uint64_t retained = 0;
  uint64_t engine_buffer = 0;  // setls: the engine's one record buffer, part of the peak
  std::string note;
};

// The memory BIOs are the network: grow them up front so that writing into
// them never allocates while the client is being tracked.
void pregrow(BIO* b) {
  std::vector<unsigned char> junk(256 * 1024);
  BIO_write(b, junk.data(), static_cast<int>(junk.size()));
  while (BIO_read(b, junk.data(), static_cast<int>(junk.size())) > 0) {
  }
}

// Drives the server one step, untracked.
int server_step(SSL* s) {
  heap::Untracked off;
  int r = SSL_do_handshake(s);
  return r == 1 ? 1 : SSL_get_error(s, r) == SSL_ERROR_WANT_READ ? 0 : -1;
}

void server_send(SSL* s, size_t n) {
  heap::Untracked off;
  std::vector<unsigned char> data(n, 'S');
  if (SSL_write(s, data.data(), static_cast<int>(n)) != static_cast<int>(n)) throw std::runtime_error("server write");
}

void server_receive(SSL* s, size_t n) {
  heap::Untracked off;
  std::vector<unsigned char> data(n);
  size_t got = 0;
  while (got < n) {
    int r = SSL_read(s, data.data() + got, static_cast<int>(n - got));
    if (r <= 0) throw std::runtime_error("server read");
    got += static_cast<size_t>(r);
  }
}

// One libssl client connection; tracked = true for the measured one.
Result openssl_connection(SSL_CTX* cctx, SSL_CTX* sctx, bool measure, size_t chunk) {
  SslPair p;
  {
    heap::Untracked off;
    SSL* server = SSL_new(sctx);
    p.server.reset(server);
    p.to_server = BIO_new(BIO_s_mem());
    p.to_client = BIO_new(BIO_s_mem());
    pregrow(p.to_server);
    pregrow(p.to_client);
    BIO_up_ref(p.to_server);
    BIO_up_ref(p.to_client);
    SSL_set_bio(server, p.to_server, p.to_client);
    SSL_set_accept_state(server);
  }
  if (measure) heap::start();
  p.client.reset(SSL_new(cctx));
  SSL* c = p.client.get();
  SSL_set_bio(c, p.to_client, p.to_server);
  SSL_set_tlsext_host_name(c, "localhost");
  SSL_set1_host(c, "localhost");
  SSL_set_connect_state(c);
  bool done = false;
  for (int i = 0; i < 50 && !done; ++i) {
    int r = SSL_do_handshake(c);
    if (r != 1 && SSL_get_error(c, r) != SSL_ERROR_WANT_READ) throw std::runtime_error("openssl client handshake");
    int s = server_step(p.server.get());
    if (s < 0) throw std::runtime_error("openssl server handshake");
    done = r == 1 && s == 1;
  }
  if (!done) throw std::runtime_error("openssl handshake did not finish");
  uint64_t handshake_peak = heap::stats().peak;
  server_send(p.server.get(), kExchange);
  // The application echoes what it reads through its own `chunk`-byte
  // buffer (not counted: the application's memory, not the library's).
  std::vector<unsigned char> buf;
  {
    heap::Untracked off;
    buf.resize(chunk);
  }
  size_t got = 0;
  while (got < kExchange) {
    int r = SSL_read(c, buf.data(), static_cast<int>(chunk));
    if (r <= 0) throw std::runtime_error("openssl client read");
    got += static_cast<size_t>(r);
    if (SSL_write(c, buf.data(), r) != r) throw std::runtime_error("openssl client write");
  }
  server_receive(p.server.get(), kExchange);
  Result out;
  out.handshake_peak = handshake_peak;
  out.peak_stats = heap::stats();
  out.retained = heap::stats().live;
  p.client.reset();
  heap::set_tracking(false);
  return out;
}

std::vector<Result> openssl_cases() {
  std::vector<Result> out;
  struct Case {
    int version;
    unsigned mfl;
    bool release;
    const char* records;
  };
  const Case cases[] = {
      {TLS1_3_VERSION, 0, false, "16384"},
      {TLS1_3_VERSION, 4096, false, "4096 (max_fragment_length)"},
      {TLS1_3_VERSION, 1024, false, "1024 (max_fragment_length)"},
      {TLS1_3_VERSION, 1024, true, "1024 (max_fragment_length) + SSL_MODE_RELEASE_BUFFERS"},
      {TLS1_2_VERSION, 0, false, "16384"},
      {TLS1_2_VERSION, 4096, false, "4096 (max_fragment_length)"},
      {TLS1_2_VERSION, 1024, false, "1024 (max_fragment_length)"},
  };
  for (const Case& k : cases) {
    PairOptions o;
    o.version = k.version;
    o.mutual = true;
    o.max_fragment = k.mfl;
    auto sctx = make_server_ctx(o);
    auto cctx = make_client_ctx(o);
    if (k.release) SSL_CTX_set_mode(cctx.get(), SSL_MODE_RELEASE_BUFFERS);
    size_t chunk = k.mfl != 0 ? k.mfl : kExchange;
    openssl_connection(cctx.get(), sctx.get(), false, chunk);  // warm-up: lazy library state
    Result r = openssl_connection(cctx.get(), sctx.get(), true, chunk);
    r.impl = std::string("OpenSSL ") + OPENSSL_VERSION_STR;
    r.tls = k.version == TLS1_3_VERSION ? "1.3" : "1.2";
    r.records = k.records;
    out.push_back(r);
  }
  return out;
}

// ---- Mbed TLS 2.28 client against the libssl server ----

struct MbedWire {
  BIO* to_server = nullptr;
  BIO* to_client = nullptr;
};

int mbed_send(void* ctx, const unsigned char* buf, size_t len) {
  heap::Untracked off;  // the network, not the client
  auto* w = static_cast<MbedWire*>(ctx);
  return BIO_write(w->to_server, buf, static_cast<int>(len));
}

int mbed_recv(void* ctx, unsigned char* buf, size_t len) {
  heap::Untracked off;
  auto* w = static_cast<MbedWire*>(ctx);
  int n = BIO_read(w->to_client, buf, static_cast<int>(len));
  return n > 0 ? n : MBEDTLS_ERR_SSL_WANT_READ;
}

void mbed_check(int rc, const char* what) {
  if (rc != 0) {
    char msg[128];
    mbedtls_strerror(rc, msg, sizeof msg);
    throw std::runtime_error(std::string("mbedtls ") + what + ": " + msg);
  }
}

struct MbedApp {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca, own;
  mbedtls_pk_context key;
  mbedtls_ssl_config conf;
  int suites[2] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0};
  mbedtls_ecp_group_id curves[2] = {MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE};

  explicit MbedApp(unsigned char mfl) {
    const MiniPki& pki = MiniPki::get();
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&own);
    mbedtls_pk_init(&key);
    mbedtls_ssl_config_init(&conf);
    mbed_check(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0), "drbg");
    mbed_check(mbedtls_x509_crt_parse(&ca, reinterpret_cast<const unsigned char*>(pki.ca_pem.c_str()),
                                      pki.ca_pem.size() + 1),
               "ca");
    mbed_check(mbedtls_x509_crt_parse(&own, reinterpret_cast<const unsigned char*>(pki.client_pem.c_str()),
                                      pki.client_pem.size() + 1),
               "cert");
    mbed_check(mbedtls_pk_parse_key(&key, reinterpret_cast<const unsigned char*>(pki.client_key_pem.c_str()),
                                    pki.client_key_pem.size() + 1, nullptr, 0),
               "key");
    mbed_check(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT),
               "defaults");
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&conf, suites);
    mbedtls_ssl_conf_curves(&conf, curves);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
    mbed_check(mbedtls_ssl_conf_own_cert(&conf, &own, &key), "own cert");
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_session_tickets(&conf, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    if (mfl != 0) mbed_check(mbedtls_ssl_conf_max_frag_len(&conf, mfl), "max_frag_len");
  }
  ~MbedApp() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&own);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
};

Result mbed_connection(MbedApp& app, SSL_CTX* sctx, bool measure, size_t chunk) {
  MbedWire wire;
  SslPtr server;
  {
    heap::Untracked off;
    server.reset(SSL_new(sctx));
    wire.to_server = BIO_new(BIO_s_mem());
    wire.to_client = BIO_new(BIO_s_mem());
    pregrow(wire.to_server);
    pregrow(wire.to_client);
    SSL_set_bio(server.get(), wire.to_server, wire.to_client);
    SSL_set_accept_state(server.get());
  }
  if (measure) heap::start();
  mbedtls_ssl_context ssl;
  mbedtls_ssl_init(&ssl);
  mbed_check(mbedtls_ssl_setup(&ssl, &app.conf), "setup");
  mbed_check(mbedtls_ssl_set_hostname(&ssl, "localhost"), "hostname");
  mbedtls_ssl_set_bio(&ssl, &wire, mbed_send, mbed_recv, nullptr);
  bool done = false;
  for (int i = 0; i < 200 && !done; ++i) {
    int r = mbedtls_ssl_handshake(&ssl);
    if (r != 0 && r != MBEDTLS_ERR_SSL_WANT_READ) mbed_check(r, "handshake");
    int s = server_step(server.get());
    if (s < 0) throw std::runtime_error("server handshake (mbedtls client)");
    done = r == 0 && s == 1;
  }
  if (!done) throw std::runtime_error("mbedtls handshake did not finish");
  uint64_t handshake_peak = heap::stats().peak;
  server_send(server.get(), kExchange);
  std::vector<unsigned char> buf;
  {
    heap::Untracked off;
    buf.resize(chunk);
  }
  size_t got = 0;
  while (got < kExchange) {
    int r = mbedtls_ssl_read(&ssl, buf.data(), chunk);
    if (r <= 0) mbed_check(r == 0 ? -1 : r, "read");
    got += static_cast<size_t>(r);
    size_t sent = 0;
    while (sent < static_cast<size_t>(r)) {
      int w = mbedtls_ssl_write(&ssl, buf.data() + sent, static_cast<size_t>(r) - sent);
      if (w <= 0) mbed_check(w, "write");
      sent += static_cast<size_t>(w);
    }
  }
  server_receive(server.get(), kExchange);
  Result out;
  out.handshake_peak = handshake_peak;
  out.peak_stats = heap::stats();
  out.retained = heap::stats().live;
  mbedtls_ssl_free(&ssl);
  heap::set_tracking(false);
  return out;
}

std::vector<Result> mbedtls_cases() {
  std::vector<Result> out;
  struct Case {
    unsigned char mfl;
    const char* records;
  };
  for (const Case& k : {Case{0, "16384"}, Case{MBEDTLS_SSL_MAX_FRAG_LEN_4096, "4096 (max_fragment_length)"},
                        Case{MBEDTLS_SSL_MAX_FRAG_LEN_1024, "1024 (max_fragment_length)"}}) {
    PairOptions o;
    o.version = TLS1_2_VERSION;
    o.mutual = true;
    auto sctx = make_server_ctx(o);
    MbedApp app(k.mfl);
    size_t chunk = k.mfl == MBEDTLS_SSL_MAX_FRAG_LEN_1024 ? 1024 : k.mfl != 0 ? 4096 : kExchange;
    mbed_connection(app, sctx.get(), false, chunk);
    Result r = mbed_connection(app, sctx.get(), true, chunk);
    r.impl = "Mbed TLS " MBEDTLS_VERSION_STRING;
    r.tls = "1.2";
    r.records = k.records;
    r.note = "record buffers are fixed at build time (MBEDTLS_SSL_IN/OUT_CONTENT_LEN = 16384 in Debian's build)";
    out.push_back(r);
  }
  Result none;
  none.impl = "Mbed TLS " MBEDTLS_VERSION_STRING;
  none.tls = "1.3";
  none.records = "-";
  none.note = "not measured: Mbed TLS 2.28 has no TLS 1.3 client (MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL is off)";
  out.push_back(none);
  return out;
}

// ---- setls: host::ClientEngine, the chip in-process but untracked ----

Result setls_connection(SetlsBench& b, bus::RecordMode mode, size_t receive_buffer, bool measure) {
  SetlsConnection c;
  {
    heap::Untracked off;
    c = setls_server_half(b, receive_buffer);
    pregrow(c.to_server);
    pregrow(c.to_client);
  }
  // The chip is another device: its memory is not the host's.
  bool was = false;
  b.link->before = [&] {
    was = heap::tracking();
    heap::set_tracking(false);
  };
  b.link->after = [&] { heap::set_tracking(was); };
  // Only the client's calls are tracked; the harness runs the libssl server
  // between them, untracked.
  if (measure) heap::start();
  c.engine = std::make_unique<host::ClientEngine>(*b.driver, b.config(mode, receive_buffer));
  heap::set_tracking(false);
  setls_handshake(c, [measure](const std::function<void()>& f) {
    heap::set_tracking(measure);
    f();
    heap::set_tracking(false);
  });
  heap::set_tracking(measure);
  uint64_t handshake_peak = heap::stats().peak;
  server_send(c.server.get(), kExchange);
  // The application reads the socket in pieces of at most 256 bytes straight
  // into the engine's receive window, copies what the engine opened into its
  // own buffer of one record (the application's memory, untracked, as for
  // the other clients) and echoes it; the wire and that buffer are untracked.
  Bytes wire, app;
  {
    heap::Untracked off;
    wire.resize(static_cast<size_t>(BIO_pending(c.to_client)));
    BIO_read(c.to_client, wire.data(), static_cast<int>(wire.size()));
    app.resize(receive_buffer);
  }
  auto flush = [&] {
    for (ByteView out = c.engine->output(); !out.empty(); out = c.engine->output()) {
      {
        heap::Untracked off;
        BIO_write(c.to_server, out.data(), static_cast<int>(out.size()));
      }
      c.engine->output_sent(out.size());
    }
  };
  size_t echoed = 0;
  for (size_t pos = 0; pos < wire.size();) {
    std::span<uint8_t> window = c.engine->receive_window();
    if (window.empty()) throw std::runtime_error("setls: no receive window");
    size_t n = std::min({window.size(), wire.size() - pos, size_t{256}});
    std::copy_n(wire.begin() + static_cast<long>(pos), n, window.begin());
    pos += n;
    if (!c.engine->received(n)) throw std::runtime_error("setls receive: " + describe(c.engine->error()));
    for (;;) {
      auto got = c.engine->read(app);
      if (!got) throw std::runtime_error("setls read: " + describe(c.engine->error()));
      if (*got == 0) break;
      echoed += *got;
      for (ByteView rest(app.data(), *got); !rest.empty();) {
        auto sent = c.engine->send_some(rest);
        if (!sent) throw std::runtime_error("setls send: " + describe(c.engine->error()));
        rest = rest.subspan(*sent);
        flush();
      }
    }
  }
  if (echoed != kExchange) throw std::runtime_error("setls: echoed " + std::to_string(echoed));
  server_receive(c.server.get(), kExchange);
  Result r;
  r.peak_stats = heap::stats();
  r.handshake_peak = handshake_peak;
  r.retained = heap::stats().live;
  r.engine_buffer = c.engine->buffer_size();
  (void)c.engine->close();
  c.engine.reset();
  heap::set_tracking(false);
  b.link->before = nullptr;
  b.link->after = nullptr;
  return r;
}

// One version's rows: TLS 1.3 limits records with record_size_limit, TLS 1.2
// with max_fragment_length, both derived from the receive buffer.
std::vector<Result> setls_cases(int server_version) {
  bool tls13 = server_version == TLS1_3_VERSION;
  std::string limit = tls13 ? " (record_size_limit)" : " (max_fragment_length)";
  struct Case {
    bus::RecordMode mode;
    size_t buffer;
    std::string records;
  };
  const Case cases[] = {
      {bus::RecordMode::Host, 16384, "16384, host record mode"},
      {bus::RecordMode::Host, 4096, "4096" + limit + ", host record mode"},
      {bus::RecordMode::Host, 1024, "1024" + limit + ", host record mode"},
      {bus::RecordMode::Chip, 16384, "16384, chip record mode"},
      {bus::RecordMode::Chip, 1024, "1024" + limit + ", chip record mode"},
  };
  std::unique_ptr<SetlsBench> b;
  try {
    heap::Untracked off;
    b = std::make_unique<SetlsBench>(SetlsBenchOptions{.server_version = server_version});
  } catch (const std::exception& e) {
    Result r;
    r.impl = "setls";
    r.tls = tls13 ? "1.3" : "1.2";
    r.records = "-";
    r.note = std::string("not measured yet: ") + e.what();
    return {r};
  }
  std::vector<Result> out;
  for (const Case& k : cases) {
    Result r;
    try {
      setls_connection(*b, k.mode, k.buffer, false);
      r = setls_connection(*b, k.mode, k.buffer, true);
    } catch (const std::exception& e) {
      heap::set_tracking(false);
      r = Result{};
      r.note = std::string("failed: ") + e.what();
    }
    r.impl = "setls ClientEngine";
    r.tls = tls13 ? "1.3" : "1.2";
    r.records = k.records;
    if (r.note.empty())
      r.note = "the chip's memory excluded (another device); engine buffer " + std::to_string(r.engine_buffer) +
               " B; the driver's reused bus buffers (" + std::to_string(b->driver->buffer_capacity()) +
               " B, one set per chip, not per connection) excluded";
    out.push_back(r);
  }
  return out;
}

std::vector<Result> setls_cases() {
  std::vector<Result> out = setls_cases(TLS1_3_VERSION);
  for (Result& r : setls_cases(TLS1_2_VERSION)) out.push_back(std::move(r));
  return out;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

}  // namespace
}  // namespace setls::bench

int main(int argc, char** argv) {
  using namespace setls::bench;
  std::string json_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) json_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--json FILE]\n", argv[0]);
      return 2;
    }
  }
  std::vector<Result> all;
  try {
    for (auto& r : openssl_cases()) all.push_back(r);
    for (auto& r : mbedtls_cases()) all.push_back(r);
    for (auto& r : setls_cases()) all.push_back(r);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "setls_heap_probe: %s\n", e.what());
    ERR_print_errors_fp(stderr);
    return 1;
  }
  std::string json = "{\"exchange_bytes\": " + std::to_string(kExchange) + ", \"cases\": [";
  for (size_t i = 0; i < all.size(); ++i) {
    const Result& r = all[i];
    bool measured = r.note.rfind("not measured", 0) != 0 && r.note.rfind("failed", 0) != 0;
    std::printf("%-22s TLS %s  records %-55s ", r.impl.c_str(), r.tls.c_str(), r.records.c_str());
    if (measured)
      std::printf("peak %7llu B (handshake %7llu B)  retained %7llu B  allocations %5llu\n",
                  static_cast<unsigned long long>(r.peak_stats.peak),
                  static_cast<unsigned long long>(r.handshake_peak), static_cast<unsigned long long>(r.retained),
                  static_cast<unsigned long long>(r.peak_stats.allocations));
    else
      std::printf("%s\n", r.note.c_str());
    if (i) json += ", ";
    json += "{\"impl\": \"" + json_escape(r.impl) + "\", \"tls\": \"" + r.tls + "\", \"records\": \"" +
            json_escape(r.records) + "\", \"measured\": " + (measured ? "true" : "false");
    if (measured)
      json += ", \"peak_bytes\": " + std::to_string(r.peak_stats.peak) + ", \"handshake_peak_bytes\": " +
              std::to_string(r.handshake_peak) + ", \"retained_bytes\": " +
              std::to_string(r.retained) + ", \"allocations\": " + std::to_string(r.peak_stats.allocations);
    json += ", \"note\": \"" + json_escape(r.note) + "\"}";
  }
  json += "]}\n";
  if (!json_path.empty()) std::ofstream(json_path) << json;
  return 0;
}
