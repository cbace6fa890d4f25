// Commands every host may send in any live state: HELLO, INFO, random bytes,
// reading public objects, zeroize and reset.
#include <openssl/x509.h>

#include "chip/firmware/commands.h"
#include "chip/x509/certificate.h"
#include "common/bus/frame.h"
#include "common/crypto/hash.h"
#include "common/crypto/random.h"

namespace setls::chip::handlers {

namespace {

bus::ObjectInfo describe_object(const StoredObject& o) {
  bus::ObjectInfo info;
  info.id = o.id;
  info.kind = o.kind;
  info.role = o.role;
  info.policy = o.policy;
  info.curve = o.curve;
  info.size = static_cast<uint16_t>(o.public_data.size() + o.private_der.size());
  info.fingerprint = x509::fingerprint(o.public_data);
  if (o.kind == bus::ObjectKind::Certificate) {
    if (auto cert = x509::parse_certificate(o.public_data)) info.summary = x509::subject_line(cert->get());
  }
  return info;
}

}  // namespace

Result<Bytes> hello(Firmware& fw, Connection&, ByteView payload) {
  bus::HelloRequest req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  if (req.min_version > bus::kProtocolVersion || req.max_version < bus::kProtocolVersion)
    return Error{Status::BusVersion, bus::kProtocolVersion};
  bus::HelloResponse rsp;
  rsp.version = bus::kProtocolVersion;
  rsp.max_payload = static_cast<uint16_t>(bus::kMaxPayload);
  rsp.max_transfer = static_cast<uint32_t>(bus::kMaxTransfer);
  rsp.serial = fw.fuses().serial;
  rsp.lifecycle = fw.state().lifecycle;
  return bus::encode(rsp);
}

Result<Bytes> info(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  const NvmState& s = fw.state();
  bus::ChipInfo info;
  info.serial = fw.fuses().serial;
  info.lifecycle = s.lifecycle;
  info.firmware_version = Firmware::kFirmwareVersion;
  info.nvm_capacity = static_cast<uint32_t>(fw.storage().capacity());
  info.nvm_used = static_cast<uint32_t>(fw.storage().used());
  info.time_floor = fw.time_floor();
  info.admin_counter = s.admin_counter;
  info.rollback_version = s.rollback_version;
  info.boot_state = fw.ram().boot_state;
  info.booted_version = fw.ram().booted_version;
  info.booted_digest = fw.ram().booted_digest;
  info.sessions_used = static_cast<uint8_t>(fw.ram().sessions.used());
  info.sessions_total = static_cast<uint8_t>(fw.config().session_slots);
  for (const auto& o : s.objects) info.objects.push_back(describe_object(o));
  return bus::encode(info);
}

Result<Bytes> get_random(Firmware&, Connection&, ByteView payload) {
  uint16_t n = 0;
  if (!bus::parse_u16(payload, n)) return Status::MalformedPayload;
  if (n == 0 || n > 1024) return Status::BadArgument;
  Bytes out(n);
  SETLS_TRY(random_bytes(out));
  return out;
}

Result<Bytes> read_object(Firmware& fw, Connection&, ByteView payload) {
  uint16_t id = 0;
  if (!bus::parse_u16(payload, id)) return Status::MalformedPayload;
  const StoredObject* o = fw.state().find(id);
  if (o == nullptr) return Status::UnknownObject;
  if ((o->policy & bus::kPolicyReadPublic) == 0) return Status::KeyPolicy;
  // Only the public part exists in what this returns: public_data never
  // holds private material (a private key's entry holds its SPKI).
  bus::ReadObjectResponse rsp;
  rsp.kind = o->kind;
  rsp.role = o->role;
  rsp.data = o->public_data;
  return bus::encode(rsp);
}

Result<Bytes> zeroize(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  // In manufacturing, zeroize starts over. Once locked it is the end of the
  // device's life: keys are destroyed and the chip stays terminated.
  bus::Lifecycle next = fw.state().lifecycle == bus::Lifecycle::Manufacturing ? bus::Lifecycle::Manufacturing
                                                                              : bus::Lifecycle::Terminated;
  if (fw.state().lifecycle == bus::Lifecycle::Terminated) return bus::encode_u8(static_cast<uint8_t>(next));
  SETLS_TRY(fw.zeroize(next));
  return bus::encode_u8(static_cast<uint8_t>(next));
}

Result<Bytes> reset(Firmware& fw, Connection&, ByteView payload) {
  if (!payload.empty()) return Status::MalformedPayload;
  fw.power_cycle();
  return Bytes{};
}

}  // namespace setls::chip::handlers
