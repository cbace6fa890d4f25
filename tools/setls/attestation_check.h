// Offline verification of an attestation bundle, as a verifier (a cloud
// service, a technician's laptop) does it: no chip involved.
#pragma once

#include <string>
#include <vector>

#include "common/signed/attestation.h"

namespace setls::cli {

struct AttestationBundle {
  Bytes statement;                 // signed by the device key
  std::vector<Bytes> certificates;  // device certificate first, then its chain
};

std::string bundle_to_json(const AttestationBundle& b);
Result<AttestationBundle> bundle_from_json(const std::string& text);

struct VerifiedAttestation {
  attestation::Statement statement;
  std::string device_subject;
};

// Checks that the device certificate chains to `ca_der` (any of them), that
// the statement is signed by that certificate's key and names it, and that
// it carries `nonce` (if not empty). `why` says what failed.
Result<VerifiedAttestation> verify_bundle(const AttestationBundle& b, const std::vector<Bytes>& ca_der,
                                          ByteView nonce, std::string& why);

}  // namespace setls::cli
