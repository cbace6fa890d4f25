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

#include "bench/openssl_pair.h"
#include "chip/bus/in_process.h"
#include "host/tls/engine.h"
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

struct SetlsBench {
  test::TlsDevice device = test::TlsDevice::create();
  ChipLink* link = nullptr;  // owned by driver
  std::unique_ptr<host::ChipDriver> driver;
  SslCtxPtr server_ctx;

  SetlsBench();
  host::ClientConfig config(bus::RecordMode mode, size_t receive_buffer = 16384) const;
};

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

}  // namespace setls::bench
