// Secure boot (ARCHITECTURE.md invariant 6): the host streams its firmware
// image; the chip hashes it itself, checks it against a manifest signed by
// the firmware-signing key, enforces anti-rollback, and records the result
// for this power cycle. The device key signs TLS handshakes only after a
// verified boot.
#include "chip/firmware/commands.h"
#include "common/secure/secret.h"

namespace setls::chip::handlers {

namespace {
Status fail_boot(Firmware& fw, Status why) {
  fw.ram().boot.reset();
  fw.ram().boot_state = bus::BootState::Failed;
  return why;
}
}  // namespace

Result<Bytes> boot_begin(Firmware& fw, Connection&, ByteView payload) {
  if (fw.ram().boot_state != bus::BootState::NotBooted || fw.ram().boot) return Status::BootAlreadyRecorded;
  firmware::Manifest manifest;
  ByteView body, signature;
  if (!firmware::Manifest::parse(payload, manifest, body, signature)) return Status::MalformedPayload;
  const StoredObject* key_obj = fw.state().find_role(bus::ObjectRole::FirmwareKey);
  if (key_obj == nullptr || (key_obj->policy & bus::kPolicyVerifyFirmware) == 0) return Status::KeyPolicy;
  auto key = EcKey::from_spki_der(key_obj->public_data);
  if (!key) return Status::NvmTampered;
  if (!signed_object::verify(signed_object::Kind::FirmwareManifest, *key, body, signature))
    return fail_boot(fw, Status::ManifestInvalid);
  if (manifest.version < fw.state().rollback_version) return fail_boot(fw, Status::Rollback);
  fw.ram().boot.emplace();
  fw.ram().boot->manifest = std::move(manifest);
  return Bytes{};
}

Result<Bytes> boot_data(Firmware& fw, Connection&, ByteView payload) {
  auto& boot = fw.ram().boot;
  if (!boot) return Status::NoBootInProgress;
  if (payload.size() > boot->manifest.image_size - boot->received) return fail_boot(fw, Status::ImageMismatch);
  boot->image_hash.update(payload);
  boot->received += payload.size();
  return Bytes{};
}

Result<Bytes> boot_finish(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  auto& boot = fw.ram().boot;
  if (!boot) return Status::NoBootInProgress;
  Digest d = boot->image_hash.current();
  if (boot->received != boot->manifest.image_size || !ct_equal(d.view(), boot->manifest.digest))
    return fail_boot(fw, Status::ImageMismatch);
  uint32_t version = boot->manifest.version;
  // The anti-rollback counter follows the newest firmware that booted.
  if (version > fw.state().rollback_version) {
    SETLS_TRY(fw.update([version](NvmState& s) -> Outcome {
      s.rollback_version = version;
      return {};
    }));
  }
  fw.ram().boot_state = bus::BootState::Verified;
  fw.ram().booted_version = version;
  fw.ram().booted_digest = boot->manifest.digest;
  boot.reset();
  Bytes out;
  Writer(out).u32(version);
  return out;
}

}  // namespace setls::chip::handlers
