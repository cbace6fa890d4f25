#include "common/bus/objects.h"

namespace setls::bus {

const char* lifecycle_name(Lifecycle l) {
  switch (l) {
    case Lifecycle::Manufacturing: return "manufacturing";
    case Lifecycle::Operational: return "operational";
    case Lifecycle::Terminated: return "terminated";
  }
  return "unknown";
}

const char* object_kind_name(ObjectKind k) {
  switch (k) {
    case ObjectKind::PrivateKey: return "private-key";
    case ObjectKind::PublicKey: return "public-key";
    case ObjectKind::Certificate: return "certificate";
  }
  return "unknown";
}

const char* object_role_name(ObjectRole r) {
  switch (r) {
    case ObjectRole::DeviceKey: return "device-key";
    case ObjectRole::DeviceCert: return "device-cert";
    case ObjectRole::DeviceChainCert: return "device-chain-cert";
    case ObjectRole::RootCa: return "root-ca";
    case ObjectRole::AdminKey: return "admin-key";
    case ObjectRole::FirmwareKey: return "firmware-key";
    case ObjectRole::HostKey: return "host-key";
    case ObjectRole::ChipChannelKey: return "chip-channel-key";
  }
  return "unknown";
}

uint32_t default_policy(ObjectRole role) {
  switch (role) {
    case ObjectRole::DeviceKey:
      return kPolicySignTlsClient | kPolicySignCsr | kPolicySignAttestation |
             kPolicyRequireSecureBoot | kPolicyReadPublic;
    case ObjectRole::DeviceCert: return kPolicyReadPublic;
    case ObjectRole::DeviceChainCert: return kPolicyReadPublic | kPolicySendInChain;
    case ObjectRole::RootCa: return kPolicyTrustAnchor | kPolicyReadPublic | kPolicyAdminOnly;
    case ObjectRole::AdminKey: return kPolicyVerifyAdmin | kPolicyReadPublic | kPolicyAdminOnly;
    case ObjectRole::FirmwareKey: return kPolicyVerifyFirmware | kPolicyReadPublic | kPolicyAdminOnly;
    case ObjectRole::HostKey: return kPolicyChannelPeer | kPolicyReadPublic | kPolicyAdminOnly;
    case ObjectRole::ChipChannelKey: return kPolicyChannelPeer | kPolicyReadPublic;
  }
  return 0;
}

std::string policy_names(uint32_t policy) {
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kNames[] = {
      {kPolicySignTlsClient, "sign-tls-client"},
      {kPolicySignCsr, "sign-csr"},
      {kPolicySignAttestation, "sign-attestation"},
      {kPolicyRequireSecureBoot, "require-secure-boot"},
      {kPolicyTrustAnchor, "trust-anchor"},
      {kPolicyVerifyAdmin, "verify-admin"},
      {kPolicyVerifyFirmware, "verify-firmware"},
      {kPolicyChannelPeer, "channel-peer"},
      {kPolicySendInChain, "send-in-chain"},
      {kPolicyReadPublic, "read-public"},
      {kPolicyAdminOnly, "admin-only"},
  };
  std::string out;
  for (const auto& n : kNames) {
    if ((policy & n.bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += n.name;
  }
  return out;
}

}  // namespace setls::bus
