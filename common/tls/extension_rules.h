// Which extension may appear in which handshake message, as data: the table
// of RFC 8446 §4.2 (CH, SH, HRR, EE, CT, CR, NST), extended with the TLS 1.2
// ServerHello column from the RFCs that define those extensions. One check
// applies it to a received message, so that host and chip refuse the same.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "common/tls/constants.h"
#include "common/tls/extensions.h"

namespace setls::tls {

// The message an extensions block belongs to.
enum class ExtensionContext : uint8_t {
  ClientHello,          // CH
  ServerHello,          // SH (TLS 1.3)
  HelloRetryRequest,    // HRR
  EncryptedExtensions,  // EE
  Certificate,          // CT: a CertificateEntry of the server's Certificate
  CertificateRequest,   // CR (TLS 1.3)
  NewSessionTicket,     // NST (TLS 1.3)
  ServerHello12,        // a TLS 1.2 ServerHello
};
constexpr uint16_t context_bit(ExtensionContext c) { return static_cast<uint16_t>(1u << static_cast<unsigned>(c)); }
const char* context_name(ExtensionContext c);  // "CH", "SH", …, "SH12"

struct ExtensionRule {
  ExtensionType type;
  uint16_t contexts;  // context_bit() of every message it may appear in
  const char* name;   // IANA name
  const char* source; // where the placement is specified
};

// Every extension setls recognizes. A type missing here is unknown.
std::span<const ExtensionRule> extension_rules();
const ExtensionRule* find_extension_rule(uint16_t type);

// False only for a recognized extension outside its messages; unknown types
// are not judged here (see check_extensions()).
bool extension_allowed(ExtensionContext context, uint16_t type);

// Checks the extensions of a received message against the table and against
// what the client offered (`offered`: the ClientHello's extensions):
//  - a recognized extension not allowed in this message: TlsIllegalParameter
//    (RFC 8446 §4.2);
//  - in SH, HRR, EE, CT and a TLS 1.2 SH, an extension the client did not
//    offer: TlsUnsupportedExtension (RFC 8446 §4.2, RFC 5246 §7.4.1.4). The
//    exceptions are cookie in HRR (RFC 8446 §4.2.2), and CR and NST, where
//    the server may send what it likes and unknown types are ignored.
//  - in a ClientHello (the chip checking the host's) only placement is
//    checked and unknown types pass; `offered` is not used.
Outcome check_extensions(ExtensionContext context, const ExtensionList& received, const ExtensionList& offered);

}  // namespace setls::tls
