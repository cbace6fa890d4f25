// A server chain verified by the chip's exact policy on a throwaway chip in
// this process: a fresh RAM chip in manufacturing takes the trust
// certificates through ADD_ROOT (so the chip's own rules decide which it
// keeps), then answers X509_VERIFY over the real bus frames. Used by
// `setls x509 verify` and by the x509-limbo conformance test, so both judge
// exactly as a device would.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/bus/x509_messages.h"
#include "common/bytes/bytes.h"
#include "common/result.h"
#include "host/io/address.h"

namespace setls::cli {

// A trust certificate the chip would not store as a root.
struct RefusedTrust {
  size_t index = 0;     // its position in the trust list
  std::string subject;  // empty if it does not even parse
  Error error;          // ADD_ROOT's refusal
};

struct OfflineVerification {
  size_t stored_trust = 0;
  std::vector<RefusedTrust> refused_trust;
  Result<bus::X509VerifyResponse> verdict = Status::Internal;  // the chip's answer
};

// Fails only when the throwaway chip itself cannot run; the chain's verdict,
// good or bad, is in `verdict`.
Result<OfflineVerification> verify_offline(std::span<const Bytes> trust, std::span<const Bytes> presented,
                                           bus::PeerNameKind kind, ByteView name, uint64_t unix_time);

// One sentence on what to do about a failed verification.
std::string verification_hint(const Error& e);

}  // namespace setls::cli
