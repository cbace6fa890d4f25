// Server certificate chain verification, as the chip does it before any key
// from a server is used (ARCHITECTURE.md invariant 3). Path building and
// RFC 5280 path validation are libcrypto's (X509_STORE_CTX in strict mode);
// this file chooses the parameters and adds the rules a TLS client on a
// constrained device needs on top. docs/x509-policy.md explains each rule.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "chip/x509/trust_anchors.h"
#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/result.h"

namespace setls::chip::x509 {

// Bounds on what a server may present: a chip has little RAM, and no real
// server chain comes near them (web chains are 2-4 certificates of 1-2 KiB).
constexpr size_t kMaxPresentedCertificates = 8;
// libcrypto's verification depth: intermediates between leaf and anchor.
// The presented bound above already keeps a chain to 9 certificates.
constexpr int kMaxChainDepth = 8;
constexpr size_t kMaxDnsNameSize = 253;  // RFC 1035 §2.3.4, without the final dot

// The name the handshake was opened for.
struct ServerName {
  enum class Kind : uint8_t { Dns = 1, Ip = 2 } kind = Kind::Dns;
  std::string dns;  // Kind::Dns: "example.com" (ASCII; IDNs in A-label form)
  Bytes ip;         // Kind::Ip: 4 or 16 bytes, network order
};

struct VerifiedChain {
  EcKey leaf_key;                     // P-256 or P-384: the only key a server handshake may be checked with
  std::string leaf_subject;
  std::vector<std::string> subjects;  // leaf first, up to and including the trust anchor
  int64_t newest_not_before = 0;      // UNIX seconds, over the whole chain (raises the chip's time floor)
};

// BadServerName unless `name` is a syntactically valid host name (LDH
// labels, no wildcard, not an IPv4 literal) or a 4/16-byte address.
Outcome check_server_name(const ServerName& name);

// Verifies `presented_der` (leaf first, then whatever intermediates the
// server sent, in any order) against `anchors` at `unix_time`, for `name`.
// Errors:
//   BadArgument        no certificate presented
//   ChainTooLong       more than kMaxPresentedCertificates (detail = count)
//   BadCertificate     unparsable or non-DER certificate (detail = its index)
//   BadServerName      see check_server_name()
//   ChainInvalid       libcrypto rejected the path (detail = X509_V_ERR code),
//                      or the leaf is a CA (X509_V_ERR_INVALID_NON_CA)
//   CertificateVersion an X.509 v1/v2 certificate in the path (detail = depth)
//   WeakParameter      weak or disallowed signature or CA key, or a leaf key
//                      that is not EC P-256/P-384 (detail = depth)
//   NameMismatch       valid chain, but not for `name`
Result<VerifiedChain> verify_server_chain(const TrustAnchors& anchors, std::span<const ByteView> presented_der,
                                          const ServerName& name, int64_t unix_time);

}  // namespace setls::chip::x509
