// The chip's firmware: executes one bus command at a time against the
// persistent state (NVM) and the volatile state (RAM), under the access rules
// of command_table.cc. It never throws and never trusts the host: every
// command is checked against the lifecycle, the object policies and the
// session state before anything changes, and persistent changes are
// committed atomically or not at all (update()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "chip/nvm/fuses.h"
#include "chip/nvm/storage.h"
#include "chip/x509/trust_anchors.h"
#include "chip/tls/session_table.h"
#include "chip/tls/ticket_cache.h"
#include "common/bus/channel.h"
#include "common/bus/messages.h"
#include "common/crypto/ec.h"
#include "common/crypto/hash.h"
#include "common/result.h"
#include "common/signed/authorization.h"
#include "common/signed/manifest.h"

namespace setls::chip {

// A channel handshake between ChannelOpen and ChannelFinish.
struct PendingChannel {
  Secret shared;
  Digest transcript;
};

// One host link (a socket connection, or the in-process transport).
struct Connection {
  uint32_t id = 0;
  std::optional<PendingChannel> pending_channel;
  // Set by ChannelFinish: from the next frame on, every frame is protected.
  std::optional<bus::ChannelCipher> channel;
  bool secure() const { return channel.has_value(); }
};

struct FirmwareConfig {
  size_t session_slots = 4;
  // Chip record mode: records sealed under one key before the chip sends a
  // KeyUpdate on its own. 0: only before the AEAD usage limit.
  uint64_t tls_rekey_records = 0;
};

// A secure boot between BootBegin and BootFinish.
struct BootInProgress {
  firmware::Manifest manifest;
  Hash image_hash{HashAlg::Sha256};
  uint64_t received = 0;
};

// What the firmware keeps in RAM: lost on power cycle.
struct VolatileState {
  bus::BootState boot_state = bus::BootState::NotBooted;
  uint32_t booted_version = 0;
  std::array<uint8_t, 32> booted_digest{};
  std::optional<BootInProgress> boot;
  // The outstanding admin challenge: single use, gone on reset.
  std::optional<admin::Nonce> admin_nonce;
  // TLS sessions and resumption tickets: secrets that die with the power.
  SessionTable sessions;
  TicketCache tickets;
};

class Firmware {
 public:
  static constexpr uint32_t kFirmwareVersion = 0x00010000;  // 1.0.0
  static const uint64_t kBuildTime;  // UNIX seconds, the first time floor

  static Result<std::unique_ptr<Firmware>> start(std::unique_ptr<NvmMedium> medium, const Fuses& fuses,
                                                 FirmwareConfig config = {});

  // Executes one complete command (frames already checked and reassembled).
  Result<Bytes> execute(Connection& conn, uint16_t command, ByteView payload);
  // The host link went away: whatever it owned in RAM is wiped.
  void disconnect(Connection& conn);
  // Models a power cycle: RAM is lost, NVM stays.
  void power_cycle();

  // For command handlers.
  const NvmState& state() const { return state_; }
  const Fuses& fuses() const { return fuses_; }
  const FirmwareConfig& config() const { return config_; }
  Storage& storage() { return *storage_; }
  VolatileState& ram() { return ram_; }
  // Applies `change` to a copy of the state and commits it; on any failure
  // the state is exactly as before.
  Outcome update(const std::function<Outcome(NvmState&)>& change);
  // Wipes every object and counter and commits; `next` is the new lifecycle.
  Outcome zeroize(bus::Lifecycle next);
  // The device key, loaded from NVM once and cached.
  Result<const EcKey*> device_key();
  // The stored trust anchors, parsed once per change of the stored state.
  Result<const x509::TrustAnchors*> trust_anchors();
  // The earliest time the chip accepts: its build time, the admin-signed
  // floor, or the newest notBefore it verified, whichever is latest.
  uint64_t time_floor() const;
  // Raises the persistent floor (no write when `t` is not above it).
  Outcome raise_time_floor(uint64_t t);

 private:
  Firmware(std::unique_ptr<Storage> storage, NvmState state, const Fuses& fuses, FirmwareConfig config)
      : storage_(std::move(storage)), state_(std::move(state)), fuses_(fuses.clone()), config_(config) {
    power_cycle();
  }

  std::unique_ptr<Storage> storage_;
  NvmState state_;
  Fuses fuses_;
  FirmwareConfig config_;
  VolatileState ram_;
  std::optional<EcKey> device_key_;
  std::optional<x509::TrustAnchors> trust_anchors_;
};

}  // namespace setls::chip
