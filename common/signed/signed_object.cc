#include "common/signed/signed_object.h"

namespace setls::signed_object {

namespace {
std::string_view context(Kind kind) {
  switch (kind) {
    case Kind::AdminAuthorization: return "setls/admin-authorization/v1";
    case Kind::FirmwareManifest: return "setls/firmware-manifest/v1";
    case Kind::Attestation: return "setls/attestation/v1";
    case Kind::ChannelChip: return "setls/channel-chip/v1";
    case Kind::ChannelHost: return "setls/channel-host/v1";
  }
  return "";
}
}  // namespace

Bytes message_to_sign(Kind kind, ByteView body) {
  Bytes m;
  Writer(m).bytes(as_bytes(context(kind))).u8(0).bytes(body);
  return m;
}

Result<Bytes> sign(Kind kind, const EcKey& key, ByteView body) {
  auto sig = key.sign(curve_hash(key.curve()), message_to_sign(kind, body));
  if (!sig) return sig.error();
  Bytes out(body.begin(), body.end());
  Writer w(out);
  w.vec16(*sig);
  if (!w.ok()) return Status::Internal;
  return out;
}

bool read_signature(Reader& r, ByteView& body, ByteView& signature) {
  body = r.consumed();
  Reader sig;
  if (!r.prefixed16(sig, 8, 139) || !r.expect_end()) return false;
  signature = sig.rest();
  return true;
}

bool verify(Kind kind, const EcKey& key, ByteView body, ByteView signature) {
  return key.verify(curve_hash(key.curve()), message_to_sign(kind, body), signature);
}

}  // namespace setls::signed_object
