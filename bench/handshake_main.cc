// setls_bench_handshake: client CPU per TLS handshake, mutual auth, against
// an in-process libssl server over memory BIOs. Only the client's calls are
// timed (thread CPU time) and, under callgrind, only they are collected
// (CALLGRIND_TOGGLE_COLLECT around them), so the server never counts.
//
//   setls_bench_handshake CLIENT [--count N]
//     CLIENT: openssl-13 | openssl-12 | mbedtls-12 | setls-13
//   setls-13 times host and chip together (the chip is in-process) and
//   reports the chip's share; with SETLS_BENCH_COLLECT=chip callgrind
//   collects the chip's work only.
//   valgrind --tool=callgrind --collect-atstart=no setls_bench_handshake CLIENT --count 3
//
// Prints one JSON object: {"id", "name", "count", "cpu_us_median"[, "chip_cpu_us_median"]}.
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <openssl/ssl.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/openssl_pair.h"
#include "bench/setls_client.h"

namespace setls::bench {
namespace {

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Runs `f` as client work: timed, and collected by callgrind.
struct ClientClock {
  double us = 0;
  bool collect = true;  // toggle callgrind around client calls
  template <class F>
  auto operator()(F&& f) {
    if (collect) CALLGRIND_TOGGLE_COLLECT;
    double t0 = thread_cpu_us();
    auto r = f();
    us += thread_cpu_us() - t0;
    if (collect) CALLGRIND_TOGGLE_COLLECT;
    return r;
  }
};

struct SetlsTimes {
  double total_us = 0, chip_us = 0;
};

// One setls handshake; the chip's share is timed inside the link.
SetlsTimes setls_handshake_once(SetlsBench& b, bool collect_chip_only) {
  SetlsTimes t;
  double chip_t0 = 0;
  b.link->before = [&] {
    if (collect_chip_only) CALLGRIND_TOGGLE_COLLECT;
    chip_t0 = thread_cpu_us();
  };
  b.link->after = [&] {
    t.chip_us += thread_cpu_us() - chip_t0;
    if (collect_chip_only) CALLGRIND_TOGGLE_COLLECT;
  };
  SetlsConnection c = setls_server_half(b);
  ClientClock clock;
  clock.collect = !collect_chip_only;
  clock([&] {
    c.engine = std::make_unique<host::ClientEngine>(*b.driver, b.config(bus::RecordMode::Host));
    return 0;
  });
  setls_handshake(c, [&](const std::function<void()>& f) {
    clock([&] {
      f();
      return 0;
    });
  });
  clock([&] {
    (void)c.engine->close();
    c.engine.reset();
    return 0;
  });
  b.link->before = nullptr;
  b.link->after = nullptr;
  t.total_us = clock.us;
  return t;
}

int server_step(SSL* s) {
  int r = SSL_do_handshake(s);
  return r == 1 ? 1 : SSL_get_error(s, r) == SSL_ERROR_WANT_READ ? 0 : -1;
}

double openssl_handshake(SSL_CTX* cctx, SSL_CTX* sctx) {
  ClientClock clock;
  SslPtr server(SSL_new(sctx));
  BIO* to_server = BIO_new(BIO_s_mem());
  BIO* to_client = BIO_new(BIO_s_mem());
  BIO_up_ref(to_server);
  BIO_up_ref(to_client);
  SSL_set_bio(server.get(), to_server, to_client);
  SSL_set_accept_state(server.get());
  SSL* c = clock([&] {
    SSL* ssl = SSL_new(cctx);
    SSL_set_bio(ssl, to_client, to_server);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");
    SSL_set_connect_state(ssl);
    return ssl;
  });
  SslPtr client(c);
  for (int i = 0; i < 50; ++i) {
    int r = clock([&] {
      int x = SSL_do_handshake(c);
      return x == 1 ? 1 : SSL_get_error(c, x) == SSL_ERROR_WANT_READ ? 0 : -1;
    });
    int s = server_step(server.get());
    if (r < 0 || s < 0) throw std::runtime_error("openssl handshake failed");
    if (r == 1 && s == 1) {
      clock([&] {
        client.reset();
        return 0;
      });
      return clock.us;
    }
  }
  throw std::runtime_error("openssl handshake did not finish");
}

struct MbedClient {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca, own;
  mbedtls_pk_context key;
  mbedtls_ssl_config conf;
  int suites[2] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0};
  mbedtls_ecp_group_id curves[2] = {MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE};

  MbedClient() {
    const MiniPki& pki = MiniPki::get();
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&own);
    mbedtls_pk_init(&key);
    mbedtls_ssl_config_init(&conf);
    auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.c_str()); };
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0) != 0 ||
        mbedtls_x509_crt_parse(&ca, u(pki.ca_pem), pki.ca_pem.size() + 1) != 0 ||
        mbedtls_x509_crt_parse(&own, u(pki.client_pem), pki.client_pem.size() + 1) != 0 ||
        mbedtls_pk_parse_key(&key, u(pki.client_key_pem), pki.client_key_pem.size() + 1, nullptr, 0) != 0 ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
      throw std::runtime_error("mbedtls setup");
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&conf, suites);
    mbedtls_ssl_conf_curves(&conf, curves);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca, nullptr);
    if (mbedtls_ssl_conf_own_cert(&conf, &own, &key) != 0) throw std::runtime_error("mbedtls own cert");
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
  }
};

struct Wire {
  BIO* to_server;
  BIO* to_client;
};
int mbed_send(void* ctx, const unsigned char* buf, size_t len) {
  return BIO_write(static_cast<Wire*>(ctx)->to_server, buf, static_cast<int>(len));
}
int mbed_recv(void* ctx, unsigned char* buf, size_t len) {
  int n = BIO_read(static_cast<Wire*>(ctx)->to_client, buf, static_cast<int>(len));
  return n > 0 ? n : MBEDTLS_ERR_SSL_WANT_READ;
}

double mbedtls_handshake(MbedClient& app, SSL_CTX* sctx) {
  ClientClock clock;
  SslPtr server(SSL_new(sctx));
  Wire wire{BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem())};
  SSL_set_bio(server.get(), wire.to_server, wire.to_client);
  SSL_set_accept_state(server.get());
  mbedtls_ssl_context ssl;
  clock([&] {
    mbedtls_ssl_init(&ssl);
    int r = mbedtls_ssl_setup(&ssl, &app.conf);
    mbedtls_ssl_set_hostname(&ssl, "localhost");
    mbedtls_ssl_set_bio(&ssl, &wire, mbed_send, mbed_recv, nullptr);
    return r;
  });
  for (int i = 0; i < 200; ++i) {
    int r = clock([&] { return mbedtls_ssl_handshake(&ssl); });
    int s = server_step(server.get());
    if ((r != 0 && r != MBEDTLS_ERR_SSL_WANT_READ) || s < 0) throw std::runtime_error("mbedtls handshake failed");
    if (r == 0 && s == 1) {
      clock([&] {
        mbedtls_ssl_free(&ssl);
        return 0;
      });
      return clock.us;
    }
  }
  throw std::runtime_error("mbedtls handshake did not finish");
}

}  // namespace
}  // namespace setls::bench

int main(int argc, char** argv) {
  using namespace setls::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s openssl-13|openssl-12|mbedtls-12 [--count N]\n", argv[0]);
    return 2;
  }
  std::string id = argv[1];
  int count = 50;
  if (argc == 4 && std::strcmp(argv[2], "--count") == 0) count = std::max(1, std::atoi(argv[3]));
  try {
    PairOptions o;
    o.mutual = true;
    o.version = id == "openssl-13" ? TLS1_3_VERSION : TLS1_2_VERSION;
    auto sctx = make_server_ctx(o);
    std::function<double()> one;
    std::string name;
    SslCtxPtr cctx;
    std::unique_ptr<MbedClient> mbed;
    if (id == "openssl-13" || id == "openssl-12") {
      cctx = make_client_ctx(o);
      name = std::string("OpenSSL ") + OPENSSL_VERSION_STR + (id == "openssl-13" ? " TLS 1.3" : " TLS 1.2");
      one = [&] { return openssl_handshake(cctx.get(), sctx.get()); };
    } else if (id == "mbedtls-12") {
      mbed = std::make_unique<MbedClient>();
      name = "Mbed TLS " MBEDTLS_VERSION_STRING " TLS 1.2";
      one = [&] { return mbedtls_handshake(*mbed, sctx.get()); };
    } else if (id == "setls-13") {
      SetlsBench b;
      const char* collect = std::getenv("SETLS_BENCH_COLLECT");
      bool chip_only = collect != nullptr && std::string(collect) == "chip";
      std::vector<double> total, chip;
      for (int i = 0; i < count + 1; ++i) {
        if (i == 0) CALLGRIND_ZERO_STATS;
        SetlsTimes t = setls_handshake_once(b, chip_only);
        if (i == 0) {
          CALLGRIND_ZERO_STATS;
          continue;
        }
        total.push_back(t.total_us);
        chip.push_back(t.chip_us);
      }
      std::sort(total.begin(), total.end());
      std::sort(chip.begin(), chip.end());
      std::printf("{\"id\": \"setls-13\", \"name\": \"setls ClientEngine + in-process chip, TLS 1.3\", \"count\": %d, "
                  "\"cpu_us_median\": %.1f, \"chip_cpu_us_median\": %.1f}\n",
                  count, total[total.size() / 2], chip[chip.size() / 2]);
      return 0;
    } else {
      std::fprintf(stderr, "unknown client %s\n", id.c_str());
      return 2;
    }
    // The first handshake warms lazy library state; its counts are dropped.
    std::vector<double> us;
    for (int i = 0; i < count + 1; ++i) {
      if (i == 0) {
        CALLGRIND_ZERO_STATS;
        one();
        CALLGRIND_ZERO_STATS;
        continue;
      }
      us.push_back(one());
    }
    std::sort(us.begin(), us.end());
    std::printf("{\"id\": \"%s\", \"name\": \"%s\", \"count\": %d, \"cpu_us_median\": %.1f}\n", id.c_str(), name.c_str(),
                count, us[us.size() / 2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "setls_bench_handshake: %s\n", e.what());
    return 1;
  }
  return 0;
}
