#include "chip/firmware/commands.h"

namespace setls::chip {

namespace {
using bus::Command;

constexpr CommandSpec kCommands[] = {
    {Command::Hello, kAnyState, handlers::hello},
    {Command::Info, kAnyState, handlers::info},
    {Command::GetRandom, kAlive, handlers::get_random},
    {Command::ReadObject, kAlive, handlers::read_object},
    {Command::Zeroize, kAnyState, handlers::zeroize},
    {Command::Reset, kAnyState, handlers::reset},
    {Command::Keygen, kManufacturing, handlers::keygen},
    {Command::Csr, kManufacturing, handlers::csr},
    {Command::InstallCert, kManufacturing, handlers::install_cert},
    {Command::AddRoot, kManufacturing, handlers::add_root},
    {Command::SetAdminKey, kManufacturing, handlers::set_admin_key},
    {Command::SetFirmwareKey, kManufacturing, handlers::set_firmware_key},
    {Command::DeleteObject, kManufacturing, handlers::delete_object},
    {Command::Lock, kManufacturing, handlers::lock},
    {Command::AdminChallenge, kAlive, handlers::admin_challenge},
    {Command::AdminApply, kAlive, handlers::admin_apply},
    {Command::BootBegin, kOperational, handlers::boot_begin},
    {Command::BootData, kOperational, handlers::boot_data},
    {Command::BootFinish, kOperational, handlers::boot_finish},
    {Command::Attest, kAlive, handlers::attest},
    {Command::PairHost, kManufacturing, handlers::pair_host},
    {Command::ChannelOpen, kAlive, handlers::channel_open},
    {Command::ChannelFinish, kAlive, handlers::channel_finish},
    // Read-only: a factory station checks a server chain against the roots
    // it just stored, a device before it connects.
    {Command::X509Verify, kAlive, handlers::x509_verify},
    // TLS sessions: only a locked, provisioned chip runs handshakes.
    {Command::TlsStart, kOperational, handlers::tls_start},
    {Command::TlsHandshake, kOperational, handlers::tls_handshake},
    {Command::TlsRetry, kOperational, handlers::tls_retry},
    {Command::TlsRecordIn, kOperational, handlers::tls_record_in},
    {Command::TlsSeal, kOperational, handlers::tls_seal},
    {Command::TlsPostHandshake, kOperational, handlers::tls_post_handshake},
    {Command::TlsKeyUpdate, kOperational, handlers::tls_key_update},
    {Command::TlsEnd, kOperational, handlers::tls_end},
};
}  // namespace

std::span<const CommandSpec> command_table() { return kCommands; }

const CommandSpec* find_command(uint16_t id) {
  for (const auto& spec : kCommands)
    if (static_cast<uint16_t>(spec.id) == id) return &spec;
  return nullptr;
}

Status lifecycle_refusal(const CommandSpec& spec, bus::Lifecycle state) {
  switch (state) {
    case bus::Lifecycle::Terminated: return Status::Terminated;
    case bus::Lifecycle::Operational:
      return (spec.allowed & kManufacturing) ? Status::ManufacturingOnly : Status::Internal;
    case bus::Lifecycle::Manufacturing:
      return (spec.allowed & kOperational) ? Status::NotOperational : Status::Internal;
  }
  return Status::Internal;
}

}  // namespace setls::chip
