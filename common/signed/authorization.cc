#include "common/signed/authorization.h"

namespace setls::admin {

namespace {
struct OpName {
  Operation op;
  const char* name;
};
constexpr OpName kOps[] = {
    {Operation::AddRoot, "add-root"},
    {Operation::ReplaceRoot, "replace-root"},
    {Operation::RemoveRoot, "remove-root"},
    {Operation::RotateAdminKey, "rotate-admin-key"},
    {Operation::RotateFirmwareKey, "rotate-firmware-key"},
    {Operation::RaiseTimeFloor, "raise-time-floor"},
    {Operation::Terminate, "terminate"},
};
}  // namespace

const char* operation_name(Operation op) {
  for (const auto& o : kOps)
    if (o.op == op) return o.name;
  return "unknown";
}

std::optional<Operation> operation_from_name(std::string_view name) {
  for (const auto& o : kOps)
    if (name == o.name) return o.op;
  return std::nullopt;
}

void Challenge::encode(Writer& w) const { w.bytes(serial).bytes(nonce).u32(counter); }

bool Challenge::parse(Reader& r, Challenge& out) { return r.copy(out.serial) && r.copy(out.nonce) && r.u32(out.counter); }

void Authorization::encode_body(Writer& w) const {
  w.u8(kFormat).bytes(serial).bytes(nonce).u32(counter).u8(static_cast<uint8_t>(operation));
  w.prefixed16([&](Writer& p) {
    switch (operation) {
      case Operation::AddRoot: p.vec16(certificate); break;
      case Operation::ReplaceRoot: p.bytes(target).vec16(certificate); break;
      case Operation::RemoveRoot: p.bytes(target); break;
      case Operation::RotateAdminKey:
      case Operation::RotateFirmwareKey: p.vec16(public_key); break;
      case Operation::RaiseTimeFloor: p.u64(time_floor); break;
      case Operation::Terminate: break;
    }
  });
}

bool Authorization::parse(ByteView blob, Authorization& out, ByteView& body, ByteView& signature) {
  Reader r(blob), params;
  uint8_t format = 0, op = 0;
  if (!r.u8(format) || format != kFormat || !r.copy(out.serial) || !r.copy(out.nonce) || !r.u32(out.counter) ||
      !r.u8(op) || op < 1 || op > 7 || !r.prefixed16(params))
    return false;
  out.operation = static_cast<Operation>(op);
  Reader v;
  bool ok = true;
  switch (out.operation) {
    case Operation::AddRoot:
      ok = params.prefixed16(v, 1, 8192);
      if (ok) out.certificate.assign(v.rest().begin(), v.rest().end());
      break;
    case Operation::ReplaceRoot:
      ok = params.copy(out.target) && params.prefixed16(v, 1, 8192);
      if (ok) out.certificate.assign(v.rest().begin(), v.rest().end());
      break;
    case Operation::RemoveRoot: ok = params.copy(out.target); break;
    case Operation::RotateAdminKey:
    case Operation::RotateFirmwareKey:
      ok = params.prefixed16(v, 1, 1024);
      if (ok) out.public_key.assign(v.rest().begin(), v.rest().end());
      break;
    case Operation::RaiseTimeFloor: ok = params.u64(out.time_floor); break;
    case Operation::Terminate: break;
  }
  return ok && params.expect_end() && signed_object::read_signature(r, body, signature);
}

Result<Bytes> sign_authorization(const Authorization& auth, const EcKey& admin_key) {
  Bytes body;
  Writer w(body);
  auth.encode_body(w);
  if (!w.ok()) return Status::BadArgument;
  return signed_object::sign(signed_object::Kind::AdminAuthorization, admin_key, body);
}

}  // namespace setls::admin
