// The command table: for each bus command, the lifecycle states that allow
// it and its handler. Access policy is data here, not scattered ifs.
#pragma once

#include <cstdint>
#include <span>

#include "chip/firmware/firmware.h"
#include "common/bus/command.h"

namespace setls::chip {

using Handler = Result<Bytes> (*)(Firmware& fw, Connection& conn, ByteView payload);

enum LifecycleMask : uint8_t {
  kManufacturing = 1 << 0,
  kOperational = 1 << 1,
  kTerminated = 1 << 2,
  kAlive = kManufacturing | kOperational,
  kAnyState = kManufacturing | kOperational | kTerminated,
};

struct CommandSpec {
  bus::Command id;
  uint8_t allowed;  // LifecycleMask
  Handler handler;
};

std::span<const CommandSpec> command_table();
const CommandSpec* find_command(uint16_t id);
// The refusal for a command not allowed in `state`.
Status lifecycle_refusal(const CommandSpec& spec, bus::Lifecycle state);

// Handlers, grouped by area (device_commands.cc, factory_commands.cc, …).
namespace handlers {
Result<Bytes> hello(Firmware&, Connection&, ByteView);
Result<Bytes> info(Firmware&, Connection&, ByteView);
Result<Bytes> get_random(Firmware&, Connection&, ByteView);
Result<Bytes> read_object(Firmware&, Connection&, ByteView);
Result<Bytes> zeroize(Firmware&, Connection&, ByteView);
Result<Bytes> reset(Firmware&, Connection&, ByteView);
Result<Bytes> keygen(Firmware&, Connection&, ByteView);
Result<Bytes> csr(Firmware&, Connection&, ByteView);
Result<Bytes> install_cert(Firmware&, Connection&, ByteView);
Result<Bytes> add_root(Firmware&, Connection&, ByteView);
Result<Bytes> set_admin_key(Firmware&, Connection&, ByteView);
Result<Bytes> set_firmware_key(Firmware&, Connection&, ByteView);
Result<Bytes> delete_object(Firmware&, Connection&, ByteView);
Result<Bytes> lock(Firmware&, Connection&, ByteView);
Result<Bytes> admin_challenge(Firmware&, Connection&, ByteView);
Result<Bytes> admin_apply(Firmware&, Connection&, ByteView);
Result<Bytes> boot_begin(Firmware&, Connection&, ByteView);
Result<Bytes> boot_data(Firmware&, Connection&, ByteView);
Result<Bytes> boot_finish(Firmware&, Connection&, ByteView);
Result<Bytes> attest(Firmware&, Connection&, ByteView);
Result<Bytes> pair_host(Firmware&, Connection&, ByteView);
Result<Bytes> channel_open(Firmware&, Connection&, ByteView);
Result<Bytes> channel_finish(Firmware&, Connection&, ByteView);
Result<Bytes> x509_verify(Firmware&, Connection&, ByteView);
Result<Bytes> tls_start(Firmware&, Connection&, ByteView);
Result<Bytes> tls_handshake(Firmware&, Connection&, ByteView);
Result<Bytes> tls_retry(Firmware&, Connection&, ByteView);
Result<Bytes> tls_record_in(Firmware&, Connection&, ByteView);
Result<Bytes> tls_seal(Firmware&, Connection&, ByteView);
Result<Bytes> tls_post_handshake(Firmware&, Connection&, ByteView);
Result<Bytes> tls_key_update(Firmware&, Connection&, ByteView);
Result<Bytes> tls_end(Firmware&, Connection&, ByteView);
}  // namespace handlers

}  // namespace setls::chip
