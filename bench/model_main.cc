// setls_bench_model: runs real chip flows in-process with a latency meter
// attached (chip/perf/latency.h) and prints, per flow and per profile, the
// modeled time a real part would take, from the operations the firmware
// actually performed and the bytes that actually crossed the bus.
//
//   setls_bench_model [--json FILE]
//
// Nothing here sleeps: the meter only adds up.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chip/bus/in_process.h"
#include "chip/perf/latency.h"
#include "common/crypto/random.h"
#include "bench/setls_client.h"
#include "host/driver/chip_driver.h"
#include "tests/support/tls_device.h"

namespace setls::bench {
namespace {

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + describe(r.error()));
  return std::move(r).value();
}
void must(Outcome r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + describe(r.error()));
}

uint32_t next_connection = 5000;

// A host link to `fw` whose frames are metered.
std::unique_ptr<host::ChipDriver> metered_driver(chip::Firmware& fw, chip::LatencyMeter& meter) {
  auto link = std::make_unique<chip::InProcessTransport>(fw, next_connection++);
  link->port().set_meter(&meter);
  return must(host::ChipDriver::open(std::move(link)), "HELLO");
}

// One setls handshake against the in-process libssl server, metered from
// the ClientHello to the client's last flight (bus frames and chip work).
struct HandshakeFlow {
  SetlsBenchOptions server;
  bus::RecordMode mode = bus::RecordMode::Host;
  std::vector<uint16_t> groups = {23};  // the first gets a key share
  bool resume = false;                  // resume the ticket of an unmetered full handshake
};

void metered_handshake(chip::LatencyMeter& meter, HandshakeFlow f) {
  if (f.resume) f.server.tickets = 1;
  SetlsBench b(f.server);
  uint16_t wanted = f.server.server_version == TLS1_3_VERSION ? tls::kTls13 : tls::kTls12;
  std::vector<uint16_t> offered = setls_offered_versions(b);
  if (std::find(offered.begin(), offered.end(), wanted) == offered.end())
    throw std::runtime_error(std::string("setls ") + (wanted == tls::kTls13 ? "TLS 1.3" : "TLS 1.2") +
                             ": not built yet on this commit (its ClientHello does not offer it)");
  auto run = [&b](host::ClientConfig config) {
    SetlsConnection conn = setls_server_half(b);
    conn.engine = std::make_unique<host::ClientEngine>(*b.driver, std::move(config));
    return conn;
  };
  auto plain = [](const std::function<void()>& fn) { fn(); };
  host::ClientConfig config = b.config(f.mode);
  config.groups = f.groups;
  if (f.resume) {
    SetlsConnection first = run(config);
    setls_handshake(first, plain);
    auto tickets = setls_take_tickets(first, plain);
    if (tickets.empty()) throw std::runtime_error("no ticket to resume");
    config.resume = tickets.back();
  }
  SetlsConnection c = run(config);
  b.link->port().set_meter(&meter);
  setls_handshake(c, plain);
  b.link->port().set_meter(nullptr);
  if (f.resume && SSL_session_reused(c.server.get()) != 1) throw std::runtime_error("the server did not resume");
}

struct Flow {
  const char* name;
  const char* what;
  // Prepares a chip (unmetered), then runs the measured part on a metered link.
  std::function<void(chip::LatencyMeter&)> run;
};

std::vector<Flow> flows() {
  std::vector<Flow> out;
  out.push_back({"factory", "pair host, keygen, CSR, install certificate and keys, lock, secure boot (4 KiB image)",
                 [](chip::LatencyMeter& meter) {
                   test::TestPki pki = test::TestPki::create();
                   auto fw = must(chip::make_ram_chip(), "chip");
                   auto driver = metered_driver(*fw, meter);
                   test::make_tls_ready(*driver, pki);
                 }});
  out.push_back({"channel_open", "host-chip secure channel: signed ECDHE, then one protected GetRandom",
                 [](chip::LatencyMeter& meter) {
                   test::TlsDevice d = test::TlsDevice::create();
                   auto driver = metered_driver(*d.chip.firmware, meter);
                   must(driver->open_channel(d.host_key, d.chip_channel_key), "open_channel");
                   must(driver->random(16), "random");
                 }});
  out.push_back({"x509_verify", "server chain (leaf + intermediate) checked against the stored root",
                 [](chip::LatencyMeter& meter) {
                   test::TlsDevice d = test::TlsDevice::create();
                   auto driver = metered_driver(*d.chip.firmware, meter);
                   bus::X509VerifyRequest req;
                   std::string name = "localhost";
                   req.name = as_bytes(name);
                   req.unix_time = static_cast<uint64_t>(std::time(nullptr));
                   req.chain = {d.pki.server.der, d.pki.intermediate.der};
                   must(driver->verify_chain(req), "verify_chain");
                 }});
  out.push_back({"tls13_mutual",
                 "TLS 1.3 handshake with client authentication (P-256, AES-128-GCM, host record mode) against libssl",
                 [](chip::LatencyMeter& meter) { metered_handshake(meter, {}); }});
  out.push_back({"tls13_server_auth", "the same handshake without client authentication",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.server.client_auth = false;
                   metered_handshake(meter, f);
                 }});
  out.push_back({"tls13_hrr",
                 "the mutual-auth handshake after a HelloRetryRequest (the client shares P-256, the server takes P-384)",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.server.server_groups = "P-384";
                   f.groups = {23, 24};
                   metered_handshake(meter, f);
                 }});
  out.push_back({"tls13_resumed", "a resumed mutual-auth handshake (PSK with ECDHE, the ticket of a full handshake)",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.resume = true;
                   metered_handshake(meter, f);
                 }});
  out.push_back({"tls13_mutual_chip_records",
                 "the mutual-auth handshake in chip record mode (the chip keeps the traffic keys)",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.mode = bus::RecordMode::Chip;
                   metered_handshake(meter, f);
                 }});
  out.push_back({"tls12_mutual", "TLS 1.2 handshake with client authentication (ECDHE-ECDSA-AES128-GCM-SHA256)",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.server.server_version = TLS1_2_VERSION;
                   metered_handshake(meter, f);
                 }});
  out.push_back({"tls12_resumed", "a resumed TLS 1.2 mutual-auth handshake (the session of a full handshake)",
                 [](chip::LatencyMeter& meter) {
                   HandshakeFlow f;
                   f.server.server_version = TLS1_2_VERSION;
                   f.resume = true;
                   metered_handshake(meter, f);
                 }});
  out.push_back({"attest", "attestation: the chip signs a 32-byte challenge",
                 [](chip::LatencyMeter& meter) {
                   test::TlsDevice d = test::TlsDevice::create();
                   auto driver = metered_driver(*d.chip.firmware, meter);
                   Bytes nonce(32);
                   must(random_bytes(nonce), "random");
                   must(driver->attest(nonce), "attest");
                 }});
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace
}  // namespace setls::bench

int main(int argc, char** argv) {
  using namespace setls;
  std::string json_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) json_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--json FILE]\n", argv[0]);
      return 2;
    }
  }
  std::string json = "{\"flows\": [";
  bool first_flow = true;
  try {
    for (const auto& flow : bench::flows()) {
      if (!first_flow) json += ", ";
      first_flow = false;
      json += "{\"name\": " + bench::json_string(flow.name) + ", \"what\": " + bench::json_string(flow.what) +
              ", \"profiles\": [";
      std::printf("%s: %s\n", flow.name, flow.what);
      bool first = true;
      std::string failed;
      for (const auto& profile : chip::latency_profiles()) {
        chip::LatencyMeter meter(profile);
        try {
          flow.run(meter);
        } catch (const std::exception& e) {
          failed = e.what();
          break;
        }
        const auto& t = meter.totals();
        std::printf("  %-15s %9.1f ms%s  (crypto %8.1f, bus %7.1f; %llu frames, %llu B in, %llu B out; %s)\n",
                    std::string(profile.name).c_str(), meter.modeled_ms(), t.cost.lower_bound ? "+" : " ",
                    t.cost.crypto_ms, t.cost.bus_ms, static_cast<unsigned long long>(t.frames),
                    static_cast<unsigned long long>(t.bytes_in), static_cast<unsigned long long>(t.bytes_out),
                    chip::ops_summary(t.ops).c_str());
        if (!first) json += ", ";
        first = false;
        json += chip::meter_json(meter);
      }
      if (!failed.empty()) std::printf("  not measured: %s\n", failed.c_str());
      json += "]";
      if (!failed.empty()) json += ", \"not_measured\": " + bench::json_string(failed);
      json += "}";
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "setls_bench_model: %s\n", e.what());
    return 1;
  }
  json += "]}\n";
  std::printf("(+ = lower bound: the part publishes no time for an operation that was counted)\n");
  if (!json_path.empty()) std::ofstream(json_path) << json;
  return 0;
}
