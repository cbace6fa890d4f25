// A latency model of real secure elements, so that the software chip can
// say (and, in setls-chipd --profile, take) the time a real part would
// need for what it just did. docs/performance.md gives each figure's source.
//
// The firmware counts the cryptographic operations each command performs
// (common/crypto/op_count.h); the bus port adds the bytes that crossed the
// bus. A profile turns both into milliseconds:
//
//   crypto  Σ operations × the part's published time per operation
//   bus     (request + response bytes) × bits per byte / bit rate
//           + a fixed framing overhead per frame each way
//
// Public-key operations are compute-bound: one costs the same inside a
// larger command as on its own. The symmetric work (key schedule, MACs,
// hashing, AEAD) is not: a vendor publishes it per command of the part's
// own command set (an OPTIGA DeriveKey is 130 ms), which is what a host
// pays when it drives one HKDF per bus command. setls's firmware runs that
// work inside its own commands, on the part's SHA/AES engine, so each
// profile prices the symmetric work both ways (`Pricing`).
//
// A cost the vendor does not publish is charged as zero, and every figure
// computed with such an operation is marked a lower bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/crypto/op_count.h"

namespace setls::chip {

using CostMs = std::optional<double>;  // nullopt: not published

// The symmetric operations of a handshake, priced one way.
struct SymmetricCosts {
  CostMs hkdf_extract_ms;
  CostMs hkdf_expand_ms;
  CostMs hmac_ms;
  CostMs prf_ms;
  CostMs hash_ms_per_block;  // per 64-byte block (rounded up per command)
  CostMs aead_ms_per_block;  // per 16-byte AES block (rounded up per call)
};

enum class Pricing {
  InFirmware,  // setls: symmetric work inside the chip's own commands, on its engine
  AsCommands,  // one part command per symmetric operation (the host-driven design)
};

struct LatencyProfile {
  std::string_view name;  // "atecc608"
  std::string_view part;  // one line for people
  CostMs ecdsa_sign_ms;
  CostMs ecdsa_verify_ms;
  CostMs ecdh_ms;
  CostMs keygen_ms;
  SymmetricCosts as_commands;  // the part's published command times
  SymmetricCosts in_firmware;  // the engine's time inside a command
  double bus_bits_per_s = 0;   // 0: the bus takes no time
  double bits_per_byte = 8;    // 9 on I2C (8 data bits + ACK), 8 on SPI
  double frame_overhead_bits = 0;  // per frame and direction: START/address/STOP, CS, link header

  const SymmetricCosts& symmetric(Pricing p) const { return p == Pricing::InFirmware ? in_firmware : as_commands; }
};

// "none", "atecc608", "optiga-trust-m", "ta100".
std::span<const LatencyProfile> latency_profiles();
const LatencyProfile* find_latency_profile(std::string_view name);

struct ModeledCost {
  double crypto_ms = 0;
  double bus_ms = 0;
  bool lower_bound = false;  // an operation with no published cost was counted
  double total_ms() const { return crypto_ms + bus_ms; }
  ModeledCost& operator+=(const ModeledCost& o) {
    crypto_ms += o.crypto_ms;
    bus_ms += o.bus_ms;
    lower_bound = lower_bound || o.lower_bound;
    return *this;
  }
};

// The cost of work counted in one command frame.
double crypto_cost_ms(const LatencyProfile& p, const CryptoOpCounts& ops, bool& lower_bound,
                      Pricing pricing = Pricing::InFirmware);
// The bus time of one frame exchange (`request` bytes in, `response` bytes out).
double bus_cost_ms(const LatencyProfile& p, size_t request_bytes, size_t response_bytes);

// What one chip did under a profile: totals and a breakdown per command,
// priced as setls's firmware runs it (Pricing::InFirmware). Reading it never
// sleeps; setls-chipd --profile sleeps what record() returns.
class LatencyMeter {
 public:
  struct Stats {
    uint64_t frames = 0;
    uint64_t bytes_in = 0;   // host → chip, whole frames
    uint64_t bytes_out = 0;  // chip → host, whole frames
    CryptoOpCounts ops;
    ModeledCost cost;
  };

  explicit LatencyMeter(const LatencyProfile& profile) : profile_(&profile) {}

  // One frame answered; returns its modeled cost.
  ModeledCost record(uint16_t command, const CryptoOpCounts& ops, size_t request_bytes, size_t response_bytes);

  const LatencyProfile& profile() const { return *profile_; }
  const Stats& totals() const { return totals_; }
  const std::map<uint16_t, Stats>& by_command() const { return by_command_; }
  double modeled_ms() const { return totals_.cost.total_ms(); }
  void reset();

 private:
  const LatencyProfile* profile_;
  Stats totals_;
  std::map<uint16_t, Stats> by_command_;
};

// {"profile": …, "modeled_ms": …, "crypto_ms": …, "bus_ms": …, "lower_bound": …,
//  "frames": …, "bytes_in": …, "bytes_out": …, "ops": {…}, "commands": {"Info": {…}, …}}
std::string meter_json(const LatencyMeter& meter);
// "1 ecdsa_sign, 2 hkdf_expand, 310 hash_bytes" (nonzero counts only).
std::string ops_summary(const CryptoOpCounts& ops);

}  // namespace setls::chip
