// What the chip stores, as both sides of the bus see it: lifecycle states,
// object kinds and roles, and the usage-policy bits attached to each object.
#pragma once

#include <cstdint>
#include <string>

namespace setls::bus {

enum class Lifecycle : uint8_t { Manufacturing = 1, Operational = 2, Terminated = 3 };
const char* lifecycle_name(Lifecycle l);

enum class ObjectKind : uint8_t { PrivateKey = 1, PublicKey = 2, Certificate = 3 };
const char* object_kind_name(ObjectKind k);

enum class ObjectRole : uint8_t {
  DeviceKey = 1,        // the device's TLS client and attestation key
  DeviceCert = 2,       // its certificate
  DeviceChainCert = 3,  // an intermediate sent with the device certificate
  RootCa = 4,           // a trust anchor for server chains
  AdminKey = 5,         // verifies signed admin authorizations
  FirmwareKey = 6,      // verifies firmware manifests (secure boot)
  HostKey = 7,          // the paired host's secure-channel key
  ChipChannelKey = 8,   // the chip's own secure-channel key (private)
};
const char* object_role_name(ObjectRole r);

// Usage-policy bits. There is deliberately no bit that allows exporting a
// private key: no command can, in any state.
enum Policy : uint32_t {
  kPolicySignTlsClient = 1u << 0,      // sign CertificateVerify in a handshake the chip runs
  kPolicySignCsr = 1u << 1,            // sign a PKCS#10 request (manufacturing)
  kPolicySignAttestation = 1u << 2,    // sign an attestation statement
  kPolicyRequireSecureBoot = 1u << 3,  // TLS signing only after secure boot in this power cycle
  kPolicyTrustAnchor = 1u << 8,        // may anchor a server certificate chain
  kPolicyVerifyAdmin = 1u << 9,        // verifies admin authorizations
  kPolicyVerifyFirmware = 1u << 10,    // verifies firmware manifests
  kPolicyChannelPeer = 1u << 11,       // authenticates the paired host on the secure channel
  kPolicySendInChain = 1u << 12,       // sent to servers with the device certificate
  kPolicyReadPublic = 1u << 16,        // its public part may be read
  kPolicyAdminOnly = 1u << 17,         // after lock, changed only by a signed admin command
};

// The policy every object of a role gets (policy is data, fixed at creation).
uint32_t default_policy(ObjectRole role);
// "sign-tls-client,require-secure-boot,…"
std::string policy_names(uint32_t policy);

}  // namespace setls::bus
