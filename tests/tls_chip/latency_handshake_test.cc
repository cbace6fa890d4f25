// The latency model over a whole TLS 1.3 handshake (chip/perf/latency.h):
// on the OPTIGA Trust M profile, the modeled time of a mutual-auth handshake
// is exactly the published price of each operation the chip counted in each
// frame plus each frame's bus time, recomputed here from the figures of
// docs/performance.md §2. Counts and arithmetic only: nothing here depends
// on how fast the handshake ran.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "chip/bus/in_process.h"
#include "chip/perf/latency.h"
#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

// Records the meter's totals after every frame, so that each frame's own
// operations and bytes can be priced on their own.
class FrameLog final : public bus::Transport {
 public:
  FrameLog(chip::Firmware& fw, uint32_t id, const chip::LatencyMeter& meter) : inner_(fw, id), meter_(&meter) {}
  Result<Bytes> exchange(ByteView frame) override {
    auto r = inner_.exchange(frame);
    after.push_back(meter_->totals());
    return r;
  }
  chip::BusPort& port() { return inner_.port(); }
  std::vector<chip::LatencyMeter::Stats> after;

 private:
  chip::InProcessTransport inner_;
  const chip::LatencyMeter* meter_;
};

// OPTIGA Trust M as docs/performance.md §2 gives it: sign 65, verify 85,
// ECDH 60, key pair 80; as the part's own commands, one DeriveKey 130 ms and
// SHA-256 at 4.5 kbyte/s; I2C at 400 kbit/s, 9 bits a byte, 65 bits of
// framing each way. Inside setls's firmware the symmetric work has no
// published time (charged 0).
double optiga_frame_ms(const CryptoOpCounts& ops, uint64_t bytes_in, uint64_t bytes_out, chip::Pricing pricing) {
  double ms = 65.0 * static_cast<double>(ops[CryptoOp::EcdsaSign]) +
              85.0 * static_cast<double>(ops[CryptoOp::EcdsaVerify]) + 60.0 * static_cast<double>(ops[CryptoOp::Ecdh]) +
              80.0 * static_cast<double>(ops[CryptoOp::Keygen]);
  if (pricing == chip::Pricing::AsCommands) {
    ms += 130.0 * static_cast<double>(ops[CryptoOp::HkdfExtract] + ops[CryptoOp::HkdfExpand]);
    double blocks = std::ceil(static_cast<double>(ops[CryptoOp::HashBytes]) / 64.0);
    ms += blocks * 64.0 / 4500.0 * 1000.0;
  }
  ms += (static_cast<double>(bytes_in + bytes_out) * 9.0 + 2 * 65.0) / 400e3 * 1e3;
  return ms;
}

CryptoOpCounts minus(const CryptoOpCounts& a, const CryptoOpCounts& b) {
  CryptoOpCounts d;
  for (size_t i = 0; i < kCryptoOpKinds; ++i) d.n[i] = a.n[i] - b.n[i];
  return d;
}

TEST(LatencyModelHandshake, OptigaMutualAuthCostsExactlyItsCountedOperations) {
  ChipTls t;
  t.boot();
  chip::LatencyMeter meter(*chip::find_latency_profile("optiga-trust-m"));
  auto log = std::make_unique<FrameLog>(*t.chip.firmware, 4242, meter);
  FrameLog* frames = log.get();
  auto driver = host::ChipDriver::open(std::move(log)).value();
  ASSERT_TRUE(driver->open_channel(t.host_key, t.chip_channel_key).ok());
  // Only the handshake is metered: from TLS_START to the client's Finished.
  frames->port().set_meter(&meter);
  frames->after.clear();
  host::BusStats before = driver->stats();

  ServerOptions so = t.server_options();
  so.client_auth = true;
  so.tickets = 0;
  TlsServer server(so);
  auto c = run_handshake(*driver, server, t.client_options(bus::RecordMode::Host));
  ASSERT_TRUE(c.ok()) << describe(c.error()) << "\n" << server.errors();
  ASSERT_TRUE(server.peer_certificate());
  frames->port().set_meter(nullptr);

  const auto& total = meter.totals();
  // The meter saw exactly the driver's frames and bytes.
  EXPECT_EQ(total.frames, driver->stats().round_trips - before.round_trips);
  EXPECT_EQ(total.bytes_in, driver->stats().bytes_sent - before.bytes_sent);
  EXPECT_EQ(total.bytes_out, driver->stats().bytes_received - before.bytes_received);
  ASSERT_EQ(frames->after.size(), total.frames);
  // The public-key work the protocol fixes: the client's CertificateVerify,
  // the server's CertificateVerify and its two certificates, one ECDHE.
  EXPECT_EQ(total.ops[CryptoOp::EcdsaSign], 1u);
  EXPECT_EQ(total.ops[CryptoOp::EcdsaVerify], 3u);
  EXPECT_EQ(total.ops[CryptoOp::Ecdh], 1u);
  EXPECT_EQ(total.ops[CryptoOp::Keygen], 1u);
  EXPECT_GT(total.ops[CryptoOp::HkdfExpand], 0u);

  // Price each frame from its own counts, with the published figures typed
  // in above rather than read from the profile: the meter prices setls's
  // design, and the profile also prices the same work as the part's own
  // commands (one DeriveKey per HKDF).
  const chip::LatencyProfile& optiga = meter.profile();
  double in_firmware = 0, as_commands = 0, as_commands_profile = 0;
  chip::LatencyMeter::Stats prev;
  for (const auto& now : frames->after) {
    CryptoOpCounts ops = minus(now.ops, prev.ops);
    uint64_t in = now.bytes_in - prev.bytes_in, out = now.bytes_out - prev.bytes_out;
    in_firmware += optiga_frame_ms(ops, in, out, chip::Pricing::InFirmware);
    as_commands += optiga_frame_ms(ops, in, out, chip::Pricing::AsCommands);
    bool lower = false;
    as_commands_profile +=
        chip::crypto_cost_ms(optiga, ops, lower, chip::Pricing::AsCommands) + chip::bus_cost_ms(optiga, in, out);
    prev = now;
  }
  EXPECT_NEAR(meter.modeled_ms(), in_firmware, 1e-9);
  EXPECT_NEAR(as_commands_profile, as_commands, 1e-9);
  // The key schedule as one part command per HKDF costs seconds more.
  EXPECT_GT(as_commands - in_firmware, 130.0 * static_cast<double>(total.ops[CryptoOp::HkdfExpand]));
  // The symmetric work inside the firmware has no published time.
  EXPECT_TRUE(total.cost.lower_bound);
}

}  // namespace
}  // namespace setls::test
