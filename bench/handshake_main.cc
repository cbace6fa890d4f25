// setls_bench_handshake: client CPU per TLS handshake, mutual auth, against
// an in-process libssl server over memory BIOs. Only the client's calls are
// timed (thread CPU time) and, under callgrind, only they are collected
// (CALLGRIND_TOGGLE_COLLECT around them), so the server never counts.
//
//   setls_bench_handshake CASE [--count N]
//     CASE: CLIENT-VERSION[-resumed]
//       CLIENT  openssl | mbedtls (1.2, full only) | setls (in-process chip)
//               | setlsd (the chip in setls-chipd, over its UNIX socket)
//       VERSION 13 | 12
//     e.g. openssl-13, setls-13-resumed, setlsd-12
//   setls times host and chip together (the chip is in-process) and reports
//   the chip's share; with SETLS_BENCH_COLLECT=chip callgrind collects the
//   chip's work only. setlsd reports the daemon's CPU (its schedstat) apart.
//   Resumed cases resume each connection with the ticket of the previous one
//   (the server issues one per connection) and fail if the server did not
//   resume. A setls TLS 1.2 case runs only when setls's ClientHello offers
//   TLS 1.2; otherwise it prints {"id", "name", "not_built": why}.
//   valgrind --tool=callgrind --collect-atstart=no setls_bench_handshake CASE --count 3
//   setls_bench_handshake records-host|records-chip|records-openssl [--count MIB] [--record-size N]
//     record throughput through a connection (16 KiB records, both ways, or
//     N-byte records: the client writes N bytes at a time, the server sends
//     records of at most N, setls's receive buffer is N).
//
// Prints one JSON object: {"id", "name", "count", "cpu_us_median",
// "handshakes_per_s"[, "chip_cpu_us_median" | "chipd_cpu_us_mean",
// "round_trips", "bus_bytes"]}. handshakes_per_s is wall time of the whole
// exchange in one thread (client, server and in-process chip; setls-chipd
// runs in its own process).
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
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
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

double clock_us(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}
double thread_cpu_us() { return clock_us(CLOCK_THREAD_CPUTIME_ID); }
double wall_us() { return clock_us(CLOCK_MONOTONIC); }

// CPU time a process has run so far (ns in /proc/PID/schedstat), in µs.
double process_cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
  double ns = 0;
  in >> ns;
  return ns / 1e3;
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
  uint64_t round_trips = 0, bus_bytes = 0;
};

// One setls handshake (resuming `ticket` when set; the tickets the server
// then issued replace it); the chip's share is timed inside the link.
SetlsTimes setls_handshake_once(SetlsBench& b, bool collect_chip_only, std::optional<host::ResumptionTicket>& ticket) {
  SetlsTimes t;
  double chip_t0 = 0;
  if (b.link != nullptr) {
    b.link->before = [&] {
      if (collect_chip_only) CALLGRIND_TOGGLE_COLLECT;
      chip_t0 = thread_cpu_us();
    };
    b.link->after = [&] {
      t.chip_us += thread_cpu_us() - chip_t0;
      if (collect_chip_only) CALLGRIND_TOGGLE_COLLECT;
    };
  }
  host::BusStats bus0 = b.driver->stats();
  SetlsConnection c = setls_server_half(b);
  ClientClock clock;
  clock.collect = !collect_chip_only;
  clock([&] {
    host::ClientConfig config = b.config(bus::RecordMode::Host);
    config.resume = ticket;
    c.engine = std::make_unique<host::ClientEngine>(*b.driver, std::move(config));
    return 0;
  });
  auto client = [&](const std::function<void()>& f) {
    clock([&] {
      f();
      return 0;
    });
  };
  setls_handshake(c, client);
  if (ticket && SSL_session_reused(c.server.get()) != 1) throw std::runtime_error("the server did not resume");
  if (b.options.tickets > 0) {
    auto tickets = setls_take_tickets(c, client);
    if (tickets.empty()) throw std::runtime_error("no ticket from the server");
    ticket = tickets.back();
  }
  clock([&] {
    (void)c.engine->close();
    c.engine.reset();
    return 0;
  });
  if (b.link != nullptr) {
    b.link->before = nullptr;
    b.link->after = nullptr;
  }
  host::BusStats bus1 = b.driver->stats();
  t.round_trips = bus1.round_trips - bus0.round_trips;
  t.bus_bytes = (bus1.bytes_sent - bus0.bytes_sent) + (bus1.bytes_received - bus0.bytes_received);
  t.total_us = clock.us;
  return t;
}

int server_step(SSL* s) {
  int r = SSL_do_handshake(s);
  return r == 1 ? 1 : SSL_get_error(s, r) == SSL_ERROR_WANT_READ ? 0 : -1;
}

// `session`: null for a full handshake; else the session to resume (when
// set), replaced by the one the server's ticket makes.
double openssl_handshake(SSL_CTX* cctx, SSL_CTX* sctx, SSL_SESSION** session) {
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
    if (session != nullptr && *session != nullptr) SSL_set_session(ssl, *session);
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
      if (session != nullptr && *session != nullptr && SSL_session_reused(c) != 1)
        throw std::runtime_error("openssl client did not resume");
      clock([&] {
        if (session != nullptr) {
          // TLS 1.3 tickets arrive after the handshake: read them.
          unsigned char byte = 0;
          (void)SSL_read(c, &byte, 1);
          SSL_SESSION_free(*session);
          *session = SSL_get1_session(c);
          // Freed without a shutdown, libssl would mark the session unresumable.
          SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        }
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

namespace setls::bench {
namespace {

struct Case {
  std::string client;  // openssl, mbedtls, setls, setlsd
  int version = TLS1_3_VERSION;
  bool resumed = false;
};

std::optional<Case> parse_case(const std::string& id) {
  Case c;
  std::string rest = id;
  const std::string resumed = "-resumed";
  if (rest.size() > resumed.size() && rest.ends_with(resumed)) {
    c.resumed = true;
    rest.resize(rest.size() - resumed.size());
  }
  size_t dash = rest.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  c.client = rest.substr(0, dash);
  std::string v = rest.substr(dash + 1);
  if (v != "13" && v != "12") return std::nullopt;
  c.version = v == "13" ? TLS1_3_VERSION : TLS1_2_VERSION;
  bool known = c.client == "openssl" || c.client == "setls" || c.client == "setlsd" ||
               (c.client == "mbedtls" && c.version == TLS1_2_VERSION && !c.resumed);
  if (!known) return std::nullopt;
  return c;
}

std::string case_name(const Case& c) {
  std::string v = c.version == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2";
  std::string flow = c.resumed ? ", resumed" : "";
  if (c.client == "openssl") return std::string("OpenSSL ") + OPENSSL_VERSION_STR + " " + v + flow;
  if (c.client == "mbedtls") return "Mbed TLS " MBEDTLS_VERSION_STRING " " + v + flow;
  if (c.client == "setls") return "setls ClientEngine + in-process chip, " + v + flow;
  return "setls ClientEngine + setls-chipd, " + v + flow;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int run_setls(const std::string& id, const Case& k, int count) {
  SetlsBenchOptions o;
  o.server_version = k.version;
  o.tickets = k.resumed ? 1 : 0;
  o.chipd = k.client == "setlsd";
  SetlsBench b(o);
  std::vector<uint16_t> offered = setls_offered_versions(b);
  uint16_t wanted = k.version == TLS1_3_VERSION ? tls::kTls13 : tls::kTls12;
  if (std::find(offered.begin(), offered.end(), wanted) == offered.end()) {
    // Asked of the library, not assumed: the row appears once setls offers it.
    std::printf("{\"id\": \"%s\", \"name\": \"%s\", \"not_built\": \"setls %s: not built yet on this commit (its "
                "ClientHello offers %zu version(s), not this one)\"}\n",
                id.c_str(), case_name(k).c_str(), k.version == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2",
                offered.size());
    return 0;
  }
  const char* collect = std::getenv("SETLS_BENCH_COLLECT");
  bool chip_only = collect != nullptr && std::string(collect) == "chip";
  std::optional<host::ResumptionTicket> ticket;
  std::vector<double> total, chip;
  double wall = 0, daemon_us = 0;
  SetlsTimes last;
  // The first handshake warms lazy library state and, when resuming, gets the first ticket.
  for (int i = 0; i < count + 1; ++i) {
    if (i == 0) CALLGRIND_ZERO_STATS;
    double d0 = b.chipd ? process_cpu_us(b.chipd->pid()) : 0;
    double w0 = wall_us();
    last = setls_handshake_once(b, chip_only, ticket);
    double w1 = wall_us();
    if (i == 0) {
      CALLGRIND_ZERO_STATS;
      continue;
    }
    wall += w1 - w0;
    if (b.chipd) daemon_us += process_cpu_us(b.chipd->pid()) - d0;
    total.push_back(last.total_us);
    chip.push_back(last.chip_us);
  }
  std::printf("{\"id\": \"%s\", \"name\": \"%s\", \"count\": %d, \"cpu_us_median\": %.1f, \"handshakes_per_s\": %.1f, ",
              id.c_str(), case_name(k).c_str(), count, median(total), count / (wall / 1e6));
  if (b.chipd)
    std::printf("\"chipd_cpu_us_mean\": %.1f, ", daemon_us / count);
  else
    std::printf("\"chip_cpu_us_median\": %.1f, ", median(chip));
  std::printf("\"round_trips\": %llu, \"bus_bytes\": %llu}\n", static_cast<unsigned long long>(last.round_trips),
              static_cast<unsigned long long>(last.bus_bytes));
  return 0;
}

int run_library(const std::string& id, const Case& k, int count) {
  PairOptions o;
  o.mutual = true;
  o.version = k.version;
  auto sctx = make_server_ctx(o);
  if (k.resumed) {
    SSL_CTX_set_num_tickets(sctx.get(), 1);
    // A server that verifies clients resumes only sessions of its own context.
    static const unsigned char kContext[] = "setls-bench";
    SSL_CTX_set_session_id_context(sctx.get(), kContext, sizeof kContext - 1);
  } else {
    SSL_CTX_set_options(sctx.get(), SSL_OP_NO_TICKET);
  }
  SslCtxPtr cctx;
  std::unique_ptr<MbedClient> mbed;
  SSL_SESSION* session = nullptr;
  std::function<double()> one;
  if (k.client == "openssl") {
    cctx = make_client_ctx(o);
    one = [&] { return openssl_handshake(cctx.get(), sctx.get(), k.resumed ? &session : nullptr); };
  } else {
    mbed = std::make_unique<MbedClient>();
    one = [&] { return mbedtls_handshake(*mbed, sctx.get()); };
  }
  // The first handshake warms lazy library state (and gets the first session); its counts are dropped.
  std::vector<double> us;
  double wall = 0;
  for (int i = 0; i < count + 1; ++i) {
    if (i == 0) {
      CALLGRIND_ZERO_STATS;
      one();
      CALLGRIND_ZERO_STATS;
      continue;
    }
    double w0 = wall_us();
    us.push_back(one());
    wall += wall_us() - w0;
  }
  SSL_SESSION_free(session);
  std::printf("{\"id\": \"%s\", \"name\": \"%s\", \"count\": %d, \"cpu_us_median\": %.1f, \"handshakes_per_s\": %.1f}\n",
              id.c_str(), case_name(k).c_str(), count, median(us), count / (wall / 1e6));
  return 0;
}

// Record throughput through a connection: after a TLS 1.3 handshake the
// client sends `mib` MiB to the server in `chunk`-byte writes and receives as
// much back in records of that size; only client calls are timed (with the
// in-process chip, whose work is the record protection in chip record mode).
int run_records(const std::string& id, int mib, size_t chunk) {
  const int records = static_cast<int>(static_cast<size_t>(mib) * 1024 * 1024 / chunk);
  Bytes data(chunk, 0x5a), sink(chunk);
  double us = 0;
  auto timed = [&](auto&& f) {
    double t0 = thread_cpu_us();
    f();
    us += thread_cpu_us() - t0;
  };
  uint64_t round_trips = 0;
  std::string name;
  if (id == "records-openssl") {
    PairOptions o;
    o.mutual = true;
    auto sctx = make_server_ctx(o);
    auto cctx = make_client_ctx(o);
    SslPair p = make_pair(cctx.get(), sctx.get());
    if (chunk < 16384) SSL_set_max_send_fragment(p.server.get(), static_cast<long>(chunk));
    if (!p.handshake()) throw std::runtime_error("openssl handshake");
    for (int i = 0; i < records; ++i) {
      timed([&] {
        if (SSL_write(p.client.get(), data.data(), static_cast<int>(chunk)) != static_cast<int>(chunk))
          throw std::runtime_error("SSL_write");
      });
      size_t got = 0;
      while (got < chunk) {
        int n = SSL_read(p.server.get(), sink.data(), static_cast<int>(chunk));
        if (n <= 0) throw std::runtime_error("server SSL_read");
        got += static_cast<size_t>(n);
      }
      if (SSL_write(p.server.get(), data.data(), static_cast<int>(chunk)) != static_cast<int>(chunk))
        throw std::runtime_error("server SSL_write");
      got = 0;
      timed([&] {
        while (got < chunk) {
          int n = SSL_read(p.client.get(), sink.data(), static_cast<int>(chunk));
          if (n <= 0) throw std::runtime_error("SSL_read");
          got += static_cast<size_t>(n);
        }
      });
    }
    name = std::string("OpenSSL ") + OPENSSL_VERSION_STR + " SSL_write + SSL_read";
  } else {
    bool chip_mode = id == "records-chip";
    SetlsBench b;
    SetlsConnection c = setls_server_half(b, chunk);
    c.engine = std::make_unique<host::ClientEngine>(
        *b.driver, b.config(chip_mode ? bus::RecordMode::Chip : bus::RecordMode::Host, chunk));
    setls_handshake(c, [](const std::function<void()>& f) { f(); });
    host::BusStats bus0 = b.driver->stats();
    host::ClientEngine& e = *c.engine;
    for (int i = 0; i < records; ++i) {
      // Sealed in place in the engine's buffer, in records as large as it
      // holds; the "network" (the memory BIO) takes them untimed.
      for (ByteView rest(data); !rest.empty();) {
        ByteView out;
        timed([&] {
          auto sent = e.send_some(rest);
          if (!sent) throw std::runtime_error("engine send: " + describe(sent.error()));
          rest = rest.subspan(*sent);
          out = e.output();
        });
        BIO_write(c.to_server, out.data(), static_cast<int>(out.size()));
        timed([&] { e.output_sent(out.size()); });
      }
      size_t got = 0;
      while (got < chunk) {
        int n = SSL_read(c.server.get(), sink.data(), static_cast<int>(chunk));
        if (n <= 0) throw std::runtime_error("server SSL_read");
        got += static_cast<size_t>(n);
      }
      if (SSL_write(c.server.get(), data.data(), static_cast<int>(chunk)) != static_cast<int>(chunk))
        throw std::runtime_error("server SSL_write");
      Bytes in(static_cast<size_t>(BIO_pending(c.to_client)));
      BIO_read(c.to_client, in.data(), static_cast<int>(in.size()));
      // Like SSL_read from a memory BIO: the copy into the engine's buffer
      // (the socket read) and the copy out into the application's are timed.
      timed([&] {
        got = 0;
        for (size_t pos = 0; pos < in.size();) {
          std::span<uint8_t> window = e.receive_window();
          if (window.empty()) throw std::runtime_error("no receive window");
          size_t n = std::min(window.size(), in.size() - pos);
          std::memcpy(window.data(), in.data() + pos, n);
          pos += n;
          if (!e.received(n)) throw std::runtime_error("engine receive: " + describe(e.error()));
          for (;;) {
            auto r = e.read(std::span<uint8_t>(sink.data() + got, sink.size() - got));
            if (!r) throw std::runtime_error("engine read: " + describe(r.error()));
            if (*r == 0) break;
            got += *r;
          }
        }
        if (got != chunk) throw std::runtime_error("short record");
      });
    }
    round_trips = b.driver->stats().round_trips - bus0.round_trips;
    name = std::string("setls ClientEngine, ") + (chip_mode ? "chip" : "host") + " record mode" +
           (chip_mode ? " (in-process chip)" : "");
  }
  double bytes = 2.0 * static_cast<double>(chunk) * records;
  std::printf("{\"id\": \"%s\", \"name\": \"%s\", \"record_bytes\": %zu, \"records_each_way\": %d, "
              "\"client_cpu_MBps\": %.1f, \"round_trips_per_record\": %.2f}\n",
              id.c_str(), name.c_str(), chunk, records, bytes / us, static_cast<double>(round_trips) / (2.0 * records));
  return 0;
}

}  // namespace
}  // namespace setls::bench

int main(int argc, char** argv) {
  using namespace setls::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s openssl|mbedtls|setls|setlsd-13|12[-resumed] [--count N]\n", argv[0]);
    return 2;
  }
  std::string id = argv[1];
  int count = 50;
  size_t record_size = 16384;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--count") == 0) count = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--record-size") == 0)
      record_size = std::clamp<size_t>(static_cast<size_t>(std::atol(argv[i + 1])), 512, 16384);
  }
  if (id.rfind("records-", 0) == 0) {
    try {
      return run_records(id, count, record_size);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "setls_bench_handshake: %s\n", e.what());
      return 1;
    }
  }
  std::optional<Case> k = parse_case(id);
  if (!k) {
    std::fprintf(stderr, "unknown case %s\n", id.c_str());
    return 2;
  }
  try {
    if (k->client == "setls" || k->client == "setlsd") return run_setls(id, *k, count);
    return run_library(id, *k, count);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "setls_bench_handshake: %s\n", e.what());
    return 1;
  }
}
