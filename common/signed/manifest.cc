#include "common/signed/manifest.h"

namespace setls::firmware {

void Manifest::encode_body(Writer& w) const {
  w.u8(kFormat).u32(version).u64(image_size).bytes(digest).vec8(as_bytes(name));
}

bool Manifest::parse(ByteView blob, Manifest& out, ByteView& body, ByteView& signature) {
  Reader r(blob), name;
  uint8_t format = 0;
  if (!r.u8(format) || format != kFormat || !r.u32(out.version) || !r.u64(out.image_size) || !r.copy(out.digest) ||
      !r.prefixed8(name, 0, 64))
    return false;
  out.name.assign(name.rest().begin(), name.rest().end());
  return signed_object::read_signature(r, body, signature);
}

Result<Bytes> sign_manifest(const Manifest& m, const EcKey& firmware_key) {
  Bytes body;
  Writer w(body);
  m.encode_body(w);
  if (!w.ok()) return Status::BadArgument;
  return signed_object::sign(signed_object::Kind::FirmwareManifest, firmware_key, body);
}

}  // namespace setls::firmware
