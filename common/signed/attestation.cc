#include "common/signed/attestation.h"

namespace setls::attestation {

void Statement::encode_body(Writer& w) const {
  w.u8(kFormat).bytes(serial).vec8(nonce).u8(static_cast<uint8_t>(lifecycle)).u32(chip_firmware_version);
  w.u8(static_cast<uint8_t>(boot_state)).u32(booted_version).bytes(booted_digest);
  w.u32(rollback_version).u32(admin_counter).u64(time_floor).bytes(device_cert_fingerprint);
  w.u8(static_cast<uint8_t>(root_fingerprints.size()));
  for (const auto& f : root_fingerprints) w.bytes(f);
}

bool Statement::parse(ByteView blob, Statement& out, ByteView& body, ByteView& signature) {
  Reader r(blob), nonce;
  uint8_t format = 0, lifecycle = 0, boot = 0, roots = 0;
  if (!r.u8(format) || format != kFormat || !r.copy(out.serial) || !r.prefixed8(nonce, 1, kMaxNonce) ||
      !r.u8(lifecycle) || lifecycle < 1 || lifecycle > 3 || !r.u32(out.chip_firmware_version) || !r.u8(boot) ||
      boot > 2 || !r.u32(out.booted_version) || !r.copy(out.booted_digest) || !r.u32(out.rollback_version) ||
      !r.u32(out.admin_counter) || !r.u64(out.time_floor) || !r.copy(out.device_cert_fingerprint) || !r.u8(roots))
    return false;
  out.nonce.assign(nonce.rest().begin(), nonce.rest().end());
  out.lifecycle = static_cast<bus::Lifecycle>(lifecycle);
  out.boot_state = static_cast<bus::BootState>(boot);
  out.root_fingerprints.resize(roots);
  for (auto& f : out.root_fingerprints)
    if (!r.copy(f)) return false;
  return signed_object::read_signature(r, body, signature);
}

}  // namespace setls::attestation
