// The setls side of the handshake benchmarks: a provisioned, booted RAM chip
// reached through a secure-channel ChipDriver, a host::ClientEngine, and an
// in-process libssl server (mutual TLS, memory BIOs) that trusts the
// device's CA. Every chip exchange goes through ChipLink, which lets a
// benchmark tell host work from chip work (time, callgrind, heap tracking)
// and attach a latency meter to the chip's port.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/openssl_pair.h"
#include "chip/bus/in_process.h"
#include "host/tls/engine.h"
#include "tests/support/chipd.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_device.h"

namespace setls::bench {

// A transport that runs hooks around each chip exchange.
class ChipLink final : public bus::Transport {
 public:
  ChipLink(chip::Firmware& fw, uint32_t id) : inner_(fw, id) {}
  Result<Bytes> exchange(ByteView frame) override {
    if (before) before();
    auto r = inner_.exchange(frame);
    if (after) after();
    return r;
  }
  chip::BusPort& port() { return inner_.port(); }
  std::function<void()> before, after;

 private:
  chip::InProcessTransport inner_;
};

// What the in-process libssl server accepts, and where the chip runs.
struct SetlsBenchOptions {
  int server_version = 0x0304;         // the server's only version: TLS1_3_VERSION or TLS1_2_VERSION
  bool client_auth = true;             // the server demands the device's certificate
  std::string server_groups = "P-256"; // "P-384": a client sharing P-256 first gets a HelloRetryRequest
  int tickets = 0;                     // tickets the server issues per connection (resumption)
  bool chipd = false;                  // the chip in setls-chipd over its UNIX socket, not in-process
};

struct SetlsBench {
  SetlsBenchOptions options;
  // The PKI and, unless options.chipd, the in-process chip the driver talks to.
  test::TlsDevice device = test::TlsDevice::create();
  std::unique_ptr<test::TempDir> chipd_dir;
  std::unique_ptr<test::ChipDaemon> chipd;
  ChipLink* link = nullptr;  // owned by driver; null with setls-chipd
  std::unique_ptr<host::ChipDriver> driver;
  SslCtxPtr server_ctx;

  explicit SetlsBench(SetlsBenchOptions o = {});
  ~SetlsBench();
  host::ClientConfig config(bus::RecordMode mode, size_t receive_buffer = 16384) const;
};

// The TLS versions setls's client offers with its default configuration,
// read from the supported_versions of the ClientHello it actually sends:
// the benchmarks run setls TLS 1.2 rows only when the library offers 1.2.
std::vector<uint16_t> setls_offered_versions(SetlsBench& b);

// One connection: the server side over memory BIOs, the client an engine.
struct SetlsConnection {
  SslPtr server;
  BIO* to_server = nullptr;
  BIO* to_client = nullptr;
  std::unique_ptr<host::ClientEngine> engine;
};

// Makes the server half (untracked work: call it outside measurements).
// `max_send_fragment` < 16384 makes the server send records no larger,
// as a server honouring the client's record_size_limit would (libssl 3.0
// does not implement that extension).
SetlsConnection setls_server_half(SetlsBench& b, size_t max_send_fragment = 16384);

// Runs the handshake; `client(f)` runs each client call (engine calls and
// the moves of bytes into and out of it), so a benchmark can time or track
// them. Throws on failure.
void setls_handshake(SetlsConnection& c, const std::function<void(const std::function<void()>&)>& client);

// After setls_handshake(): hands what the server sent since (its tickets)
// to the engine and returns the tickets the engine accepted.
std::vector<host::ResumptionTicket> setls_take_tickets(
    SetlsConnection& c, const std::function<void(const std::function<void()>&)>& client);

}  // namespace setls::bench
