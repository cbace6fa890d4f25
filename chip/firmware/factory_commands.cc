// Factory provisioning, allowed only in the manufacturing state: the device
// key is generated inside, its CSR signed inside, and the certificates and
// trust anchors stored after checks. After LOCK the trust anchors change only
// through signed admin commands (admin_commands.cc).
#include <openssl/x509.h>

#include "chip/firmware/commands.h"
#include "chip/x509/certificate.h"

namespace setls::chip::handlers {

namespace {

using bus::ObjectKind;
using bus::ObjectRole;

StoredObject make_object(ObjectKind kind, ObjectRole role, Bytes public_data) {
  StoredObject o;
  o.kind = kind;
  o.role = role;
  o.policy = bus::default_policy(role);
  o.public_data = std::move(public_data);
  return o;
}

bool same_fingerprint_stored(const NvmState& s, ObjectRole role, ByteView der) {
  for (const auto& o : s.objects)
    if (o.role == role && o.public_data == Bytes(der.begin(), der.end())) return true;
  return false;
}

// Stores a public key for `role`, replacing the previous one.
Result<Bytes> set_public_key(Firmware& fw, ByteView payload, ObjectRole role) {
  ByteView spki;
  if (!bus::parse_vec16(payload, spki)) return Status::MalformedPayload;
  auto key = EcKey::from_spki_der(spki);
  if (!key) return key.error();
  StoredObject obj = make_object(ObjectKind::PublicKey, role, key->spki_der());
  obj.curve = static_cast<uint8_t>(key->curve());
  uint16_t id = 0;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    if (const StoredObject* old = s.find_role(role)) s.remove(old->id);
    auto added = s.add(std::move(obj));
    if (!added) return added.error();
    id = *added;
    return {};
  }));
  return bus::encode_u16(id);
}

}  // namespace

Result<Bytes> keygen(Firmware& fw, Connection&, ByteView payload) {
  uint8_t curve_byte = 0;
  if (!bus::parse_u8(payload, curve_byte)) return Status::MalformedPayload;
  if (curve_byte != static_cast<uint8_t>(Curve::P256) && curve_byte != static_cast<uint8_t>(Curve::P384))
    return Status::UnsupportedCurve;
  if (fw.state().find_role(ObjectRole::DeviceKey) != nullptr) return Status::DeviceKeyExists;
  auto key = EcKey::generate(static_cast<Curve>(curve_byte));
  if (!key) return key.error();
  StoredObject obj = make_object(ObjectKind::PrivateKey, ObjectRole::DeviceKey, key->spki_der());
  obj.curve = curve_byte;
  obj.private_der = key->private_der();
  bus::KeygenResponse rsp;
  rsp.spki = obj.public_data;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    auto added = s.add(std::move(obj));
    if (!added) return added.error();
    rsp.id = *added;
    return {};
  }));
  return bus::encode(rsp);
}

Result<Bytes> csr(Firmware& fw, Connection&, ByteView payload) {
  ByteView subject;
  if (!bus::parse_vec16(payload, subject)) return Status::MalformedPayload;
  const StoredObject* obj = fw.state().find_role(ObjectRole::DeviceKey);
  if (obj == nullptr) return Status::NoDeviceKey;
  if ((obj->policy & bus::kPolicySignCsr) == 0) return Status::KeyPolicy;
  auto key = fw.device_key();
  if (!key) return key.error();
  return x509::build_csr(**key, subject);
}

Result<Bytes> install_cert(Firmware& fw, Connection&, ByteView payload) {
  ObjectRole role{};
  ByteView der;
  if (!bus::parse_role_and_der(payload, role, der)) return Status::MalformedPayload;
  if (role != ObjectRole::DeviceCert && role != ObjectRole::DeviceChainCert) return Status::BadArgument;
  auto cert = x509::parse_certificate(der);
  if (!cert) return cert.error();

  if (role == ObjectRole::DeviceCert) {
    auto device = fw.device_key();
    if (!device) return device.error();
    auto cert_key = x509::certificate_ec_key(cert->get());
    if (!cert_key || !cert_key->same_public(**device)) return Status::CertKeyMismatch;
  } else {
    SETLS_TRY(x509::check_ca_certificate(cert->get()));
    if (same_fingerprint_stored(fw.state(), role, der)) return Status::AlreadyExists;
  }

  uint16_t id = 0;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    // One device certificate: installing another replaces it.
    if (role == ObjectRole::DeviceCert)
      if (const StoredObject* old = s.find_role(role)) s.remove(old->id);
    auto added = s.add(make_object(ObjectKind::Certificate, role, Bytes(der.begin(), der.end())));
    if (!added) return added.error();
    id = *added;
    return {};
  }));
  return bus::encode_u16(id);
}

Result<Bytes> add_root(Firmware& fw, Connection&, ByteView payload) {
  ByteView der;
  if (!bus::parse_vec16(payload, der)) return Status::MalformedPayload;
  auto cert = x509::parse_certificate(der);
  if (!cert) return cert.error();
  SETLS_TRY(x509::check_ca_certificate(cert->get()));
  if (same_fingerprint_stored(fw.state(), ObjectRole::RootCa, der)) return Status::AlreadyExists;
  uint16_t id = 0;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    auto added = s.add(make_object(ObjectKind::Certificate, ObjectRole::RootCa, Bytes(der.begin(), der.end())));
    if (!added) return added.error();
    id = *added;
    return {};
  }));
  return bus::encode_u16(id);
}

Result<Bytes> set_admin_key(Firmware& fw, Connection&, ByteView payload) {
  return set_public_key(fw, payload, ObjectRole::AdminKey);
}

Result<Bytes> set_firmware_key(Firmware& fw, Connection&, ByteView payload) {
  return set_public_key(fw, payload, ObjectRole::FirmwareKey);
}

Result<Bytes> delete_object(Firmware& fw, Connection&, ByteView payload) {
  uint16_t id = 0;
  if (!bus::parse_u16(payload, id)) return Status::MalformedPayload;
  if (fw.state().find(id) == nullptr) return Status::UnknownObject;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    s.remove(id);
    return {};
  }));
  return Bytes{};
}

Result<Bytes> lock(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  const NvmState& s = fw.state();
  // Each missing piece is one bit of the detail, so the host can name it.
  uint32_t missing = 0;
  if (!s.find_role(ObjectRole::DeviceKey)) missing |= 1u << 0;
  if (!s.find_role(ObjectRole::DeviceCert)) missing |= 1u << 1;
  if (!s.find_role(ObjectRole::RootCa)) missing |= 1u << 2;
  if (!s.find_role(ObjectRole::AdminKey)) missing |= 1u << 3;
  if (!s.find_role(ObjectRole::FirmwareKey)) missing |= 1u << 4;
  if (missing != 0) return Error{Status::NotReadyToLock, missing};
  SETLS_TRY(fw.update([](NvmState& next) -> Outcome {
    next.lifecycle = bus::Lifecycle::Operational;
    return {};
  }));
  return bus::encode_u8(static_cast<uint8_t>(bus::Lifecycle::Operational));
}

}  // namespace setls::chip::handlers
