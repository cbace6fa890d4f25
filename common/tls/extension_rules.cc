#include "common/tls/extension_rules.h"

namespace setls::tls {

namespace {
constexpr uint16_t CH = context_bit(ExtensionContext::ClientHello);
constexpr uint16_t SH = context_bit(ExtensionContext::ServerHello);
constexpr uint16_t HRR = context_bit(ExtensionContext::HelloRetryRequest);
constexpr uint16_t EE = context_bit(ExtensionContext::EncryptedExtensions);
constexpr uint16_t CT = context_bit(ExtensionContext::Certificate);
constexpr uint16_t CR = context_bit(ExtensionContext::CertificateRequest);
constexpr uint16_t NST = context_bit(ExtensionContext::NewSessionTicket);
constexpr uint16_t SH12 = context_bit(ExtensionContext::ServerHello12);

using T = ExtensionType;

// TLS 1.3 columns: RFC 8446 §4.2 (record_size_limit: RFC 8449 §4). TLS 1.2
// extensions have no TLS 1.3 column: in a TLS 1.3 server message they are
// recognized but misplaced. SH12: the defining RFC lets a TLS 1.2 server
// answer with it.
constexpr ExtensionRule kRules[] = {
    {T::ServerName, CH | EE | SH12, "server_name", "RFC 6066 §3, RFC 8446 §4.2"},
    {T::MaxFragmentLength, CH | EE | SH12, "max_fragment_length", "RFC 6066 §4, RFC 8446 §4.2"},
    {T::StatusRequest, CH | CR | CT | SH12, "status_request", "RFC 6066 §8, RFC 8446 §4.2"},
    {T::SupportedGroups, CH | EE, "supported_groups", "RFC 8422 §5.1, RFC 8446 §4.2"},
    {T::EcPointFormats, CH | SH12, "ec_point_formats", "RFC 8422 §5.1-5.2"},
    {T::SignatureAlgorithms, CH | CR, "signature_algorithms", "RFC 5246 §7.4.1.4.1, RFC 8446 §4.2"},
    {T::UseSrtp, CH | EE | SH12, "use_srtp", "RFC 5764 §4.1, RFC 8446 §4.2"},
    {T::Heartbeat, CH | EE | SH12, "heartbeat", "RFC 6520 §2, RFC 8446 §4.2"},
    {T::Alpn, CH | EE | SH12, "application_layer_protocol_negotiation", "RFC 7301 §3.1, RFC 8446 §4.2"},
    {T::SignedCertificateTimestamp, CH | CR | CT | SH12, "signed_certificate_timestamp",
     "RFC 6962 §3.3, RFC 8446 §4.2"},
    {T::ClientCertificateType, CH | EE | SH12, "client_certificate_type", "RFC 7250 §3, RFC 8446 §4.2"},
    {T::ServerCertificateType, CH | EE | SH12, "server_certificate_type", "RFC 7250 §3, RFC 8446 §4.2"},
    {T::Padding, CH, "padding", "RFC 7685 §3, RFC 8446 §4.2"},
    {T::EncryptThenMac, CH | SH12, "encrypt_then_mac", "RFC 7366 §2"},
    {T::ExtendedMasterSecret, CH | SH12, "extended_master_secret", "RFC 7627 §5.1"},
    {T::RecordSizeLimit, CH | EE | SH12, "record_size_limit", "RFC 8449 §4"},
    {T::SessionTicket, CH | SH12, "session_ticket", "RFC 5077 §3.2"},
    {T::PreSharedKey, CH | SH, "pre_shared_key", "RFC 8446 §4.2"},
    {T::EarlyData, CH | EE | NST, "early_data", "RFC 8446 §4.2"},
    {T::SupportedVersions, CH | SH | HRR, "supported_versions", "RFC 8446 §4.2"},
    {T::Cookie, CH | HRR, "cookie", "RFC 8446 §4.2"},
    {T::PskKeyExchangeModes, CH, "psk_key_exchange_modes", "RFC 8446 §4.2"},
    {T::CertificateAuthorities, CH | CR, "certificate_authorities", "RFC 8446 §4.2"},
    {T::OidFilters, CR, "oid_filters", "RFC 8446 §4.2"},
    {T::PostHandshakeAuth, CH, "post_handshake_auth", "RFC 8446 §4.2"},
    {T::SignatureAlgorithmsCert, CH | CR, "signature_algorithms_cert", "RFC 8446 §4.2"},
    {T::KeyShare, CH | SH | HRR, "key_share", "RFC 8446 §4.2"},
    {T::RenegotiationInfo, CH | SH12, "renegotiation_info", "RFC 5746 §3.2"},
};

// Messages in which the server may only answer what the client offered.
bool must_be_solicited(ExtensionContext c) {
  switch (c) {
    case ExtensionContext::ServerHello:
    case ExtensionContext::HelloRetryRequest:
    case ExtensionContext::EncryptedExtensions:
    case ExtensionContext::Certificate:
    case ExtensionContext::ServerHello12:
      return true;
    case ExtensionContext::ClientHello:
    case ExtensionContext::CertificateRequest:
    case ExtensionContext::NewSessionTicket:
      return false;
  }
  return true;
}
}  // namespace

const char* context_name(ExtensionContext c) {
  switch (c) {
    case ExtensionContext::ClientHello: return "CH";
    case ExtensionContext::ServerHello: return "SH";
    case ExtensionContext::HelloRetryRequest: return "HRR";
    case ExtensionContext::EncryptedExtensions: return "EE";
    case ExtensionContext::Certificate: return "CT";
    case ExtensionContext::CertificateRequest: return "CR";
    case ExtensionContext::NewSessionTicket: return "NST";
    case ExtensionContext::ServerHello12: return "SH12";
  }
  return "?";
}

std::span<const ExtensionRule> extension_rules() { return kRules; }

const ExtensionRule* find_extension_rule(uint16_t type) {
  for (const auto& rule : kRules)
    if (static_cast<uint16_t>(rule.type) == type) return &rule;
  return nullptr;
}

bool extension_allowed(ExtensionContext context, uint16_t type) {
  const ExtensionRule* rule = find_extension_rule(type);
  return rule == nullptr || (rule->contexts & context_bit(context)) != 0;
}

Outcome check_extensions(ExtensionContext context, const ExtensionList& received, const ExtensionList& offered) {
  constexpr uint16_t kCookie = static_cast<uint16_t>(ExtensionType::Cookie);
  for (const Extension& e : received) {
    if (!extension_allowed(context, e.type)) return Status::TlsIllegalParameter;
    if (!must_be_solicited(context)) continue;
    if (context == ExtensionContext::HelloRetryRequest && e.type == kCookie) continue;
    if (!offered.contains(e.type)) return Status::TlsUnsupportedExtension;
  }
  return {};
}

}  // namespace setls::tls
