// The rules the chip applies to a path libcrypto has already validated:
// the parts of RFC 5280 and of the TLS server profile that X509_STRICT
// leaves out. Each takes libcrypto's decoded structures; none parses DER.
// docs/x509-policy.md gives the reason for each rule.
#pragma once

#include "chip/x509/verify.h"

#include <string_view>

struct stack_st_X509;  // STACK_OF(X509)

namespace setls::chip::x509 {

// On a built path, leaf first and anchor last:
//   CertificateVersion  a v1/v2 certificate (detail = depth)
//   ChainInvalid        leaf with CA markings or nameConstraints
//                       (X509_V_ERR_INVALID_NON_CA), an extension that does
//                       not decode (INVALID_EXTENSION), empty or malformed
//                       nameConstraints, malformed leaf names under them
//                       (UNSUPPORTED_NAME_SYNTAX), non-critical
//                       policyConstraints (INVALID_POLICY_EXTENSION)
//   WeakParameter       a signature or CA key outside the allow-list (detail = depth)
Outcome check_path_profile(stack_st_X509* chain);

// The name the client asked for must itself be inside every nameConstraints
// of the path, not only the leaf's SAN entry that matched it: "*.example.com"
// under "excluded bar.example.com" must not vouch for bar.example.com.
Outcome check_peer_name_constraints(stack_st_X509* chain, const ServerName& name);

// True for a syntactically valid DNS name (LDH labels), the form the chip
// takes a server name in; `wildcard` also admits a whole "*" first label.
bool valid_dns_name(std::string_view name, bool wildcard);

}  // namespace setls::chip::x509
