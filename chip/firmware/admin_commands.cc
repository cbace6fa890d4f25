// Signed remote administration (ARCHITECTURE.md invariant 2): after lock, the
// trust anchors change only through an authorization signed by the admin key
// over this chip's serial, its current single-use nonce and its admin counter.
#include "chip/firmware/commands.h"
#include "chip/x509/certificate.h"
#include "common/crypto/random.h"
#include "common/secure/secret.h"

namespace setls::chip::handlers {

namespace {

using admin::Operation;
using bus::ObjectRole;

const StoredObject* find_root(const NvmState& s, const admin::Fingerprint& fp) {
  for (const auto& o : s.objects)
    if (o.role == ObjectRole::RootCa && x509::fingerprint(o.public_data) == fp) return &o;
  return nullptr;
}

StoredObject root_object(ByteView der) {
  StoredObject o;
  o.kind = bus::ObjectKind::Certificate;
  o.role = ObjectRole::RootCa;
  o.policy = bus::default_policy(ObjectRole::RootCa);
  o.public_data.assign(der.begin(), der.end());
  return o;
}

// Checks what the operation will store before anything changes.
Outcome check_parameters(const NvmState& s, const admin::Authorization& a) {
  switch (a.operation) {
    case Operation::AddRoot:
    case Operation::ReplaceRoot: {
      auto cert = x509::parse_certificate(a.certificate);
      if (!cert) return cert.error();
      SETLS_TRY(x509::check_ca_certificate(cert->get()));
      for (const auto& o : s.objects)
        if (o.role == ObjectRole::RootCa && o.public_data == a.certificate) return Status::AlreadyExists;
      if (a.operation == Operation::ReplaceRoot && !find_root(s, a.target)) return Status::UnknownObject;
      return {};
    }
    case Operation::RemoveRoot: return find_root(s, a.target) ? Outcome{} : Outcome{Status::UnknownObject};
    case Operation::RotateAdminKey:
    case Operation::RotateFirmwareKey: {
      auto key = EcKey::from_spki_der(a.public_key);
      if (!key) return key.error();
      return {};
    }
    case Operation::RaiseTimeFloor: return {};
    case Operation::Terminate: return {};
  }
  return Status::BadArgument;
}

Outcome replace_key(NvmState& s, ObjectRole role, ByteView spki) {
  auto key = EcKey::from_spki_der(spki);
  if (!key) return key.error();
  if (const StoredObject* old = s.find_role(role)) s.remove(old->id);
  StoredObject o;
  o.kind = bus::ObjectKind::PublicKey;
  o.role = role;
  o.policy = bus::default_policy(role);
  o.curve = static_cast<uint8_t>(key->curve());
  o.public_data = key->spki_der();
  auto added = s.add(std::move(o));
  return added ? Outcome{} : Outcome{added.error()};
}

Outcome apply(NvmState& s, const admin::Authorization& a) {
  switch (a.operation) {
    case Operation::AddRoot: {
      auto added = s.add(root_object(a.certificate));
      return added ? Outcome{} : Outcome{added.error()};
    }
    case Operation::ReplaceRoot: {
      s.remove(find_root(s, a.target)->id);
      auto added = s.add(root_object(a.certificate));
      return added ? Outcome{} : Outcome{added.error()};
    }
    case Operation::RemoveRoot: s.remove(find_root(s, a.target)->id); return {};
    case Operation::RotateAdminKey: return replace_key(s, ObjectRole::AdminKey, a.public_key);
    case Operation::RotateFirmwareKey: return replace_key(s, ObjectRole::FirmwareKey, a.public_key);
    case Operation::RaiseTimeFloor:
      // A floor only moves forward.
      if (a.time_floor > s.time_floor) s.time_floor = a.time_floor;
      return {};
    case Operation::Terminate: return {};  // handled by zeroize
  }
  return Status::BadArgument;
}

}  // namespace

Result<Bytes> admin_challenge(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  if (!fw.state().find_role(ObjectRole::AdminKey)) return Status::AdminAuthRequired;
  admin::Challenge c;
  c.serial = fw.fuses().serial;
  SETLS_TRY(random_bytes(c.nonce));
  c.counter = fw.state().admin_counter;
  fw.ram().admin_nonce = c.nonce;  // replaces any older challenge
  return bus::encode(c);
}

Result<Bytes> admin_apply(Firmware& fw, Connection&, ByteView payload) {
  admin::Authorization auth;
  ByteView body, signature;
  if (!admin::Authorization::parse(payload, auth, body, signature)) return Status::MalformedPayload;
  const NvmState& s = fw.state();
  // Checked in this order so that the status names the first thing wrong.
  if (!ct_equal(auth.serial, fw.fuses().serial)) return Status::AdminWrongChip;
  auto& nonce = fw.ram().admin_nonce;
  if (!nonce || !ct_equal(auth.nonce, *nonce)) return Status::AdminStaleNonce;
  if (auth.counter != s.admin_counter) return Status::AdminReplay;
  const StoredObject* admin_key = s.find_role(ObjectRole::AdminKey);
  if (admin_key == nullptr || (admin_key->policy & bus::kPolicyVerifyAdmin) == 0) return Status::AdminAuthRequired;
  auto key = EcKey::from_spki_der(admin_key->public_data);
  if (!key) return Status::NvmTampered;
  // A failed signature also burns the challenge: no guessing against one nonce.
  if (!signed_object::verify(signed_object::Kind::AdminAuthorization, *key, body, signature)) {
    nonce.reset();
    return Status::AdminBadSignature;
  }
  SETLS_TRY(check_parameters(s, auth));
  nonce.reset();

  if (auth.operation == Operation::Terminate) {
    SETLS_TRY(fw.zeroize(bus::Lifecycle::Terminated));
  } else {
    SETLS_TRY(fw.update([&](NvmState& next) -> Outcome {
      SETLS_TRY(apply(next, auth));
      next.admin_counter = s.admin_counter + 1;  // the same commit: no replay after power loss
      return {};
    }));
  }
  Bytes out;
  Writer(out).u32(fw.state().admin_counter).u8(static_cast<uint8_t>(fw.state().lifecycle));
  return out;
}

}  // namespace setls::chip::handlers
