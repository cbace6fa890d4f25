// Attestation: a statement about this chip, bound to the verifier's nonce and
// signed by the device key. A clone made from a copied NVM image has no fuses
// to decrypt the image with, so it has no device key and cannot answer.
#include "chip/firmware/commands.h"
#include "chip/x509/certificate.h"
#include "common/signed/attestation.h"

namespace setls::chip::handlers {

Result<Bytes> attest(Firmware& fw, Connection&, ByteView payload) {
  ByteView nonce;
  Reader r(payload), n;
  if (!r.prefixed8(n, 1, attestation::kMaxNonce) || !r.expect_end()) return Status::MalformedPayload;
  nonce = n.rest();
  const NvmState& s = fw.state();
  const StoredObject* key_obj = s.find_role(bus::ObjectRole::DeviceKey);
  if (key_obj == nullptr) return Status::NoDeviceKey;
  if ((key_obj->policy & bus::kPolicySignAttestation) == 0) return Status::KeyPolicy;
  auto key = fw.device_key();
  if (!key) return key.error();

  attestation::Statement st;
  st.serial = fw.fuses().serial;
  st.nonce.assign(nonce.begin(), nonce.end());
  st.lifecycle = s.lifecycle;
  st.chip_firmware_version = Firmware::kFirmwareVersion;
  st.boot_state = fw.ram().boot_state;
  st.booted_version = fw.ram().booted_version;
  st.booted_digest = fw.ram().booted_digest;
  st.rollback_version = s.rollback_version;
  st.admin_counter = s.admin_counter;
  st.time_floor = fw.time_floor();
  if (const StoredObject* cert = s.find_role(bus::ObjectRole::DeviceCert))
    st.device_cert_fingerprint = x509::fingerprint(cert->public_data);
  for (const auto& o : s.objects)
    if (o.role == bus::ObjectRole::RootCa) st.root_fingerprints.push_back(x509::fingerprint(o.public_data));

  Bytes body;
  Writer w(body);
  st.encode_body(w);
  if (!w.ok()) return Status::Internal;
  return signed_object::sign(signed_object::Kind::Attestation, **key, body);
}

}  // namespace setls::chip::handlers
