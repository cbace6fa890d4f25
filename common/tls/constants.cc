#include "common/tls/constants.h"

namespace setls::tls {

const uint8_t kHelloRetryRequestRandom[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
const uint8_t kDowngradeTls12[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01};
const uint8_t kDowngradeTls11[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00};

const char* alert_name(uint8_t description) {
  switch (static_cast<AlertDescription>(description)) {
    case AlertDescription::CloseNotify: return "close_notify";
    case AlertDescription::UnexpectedMessage: return "unexpected_message";
    case AlertDescription::BadRecordMac: return "bad_record_mac";
    case AlertDescription::RecordOverflow: return "record_overflow";
    case AlertDescription::HandshakeFailure: return "handshake_failure";
    case AlertDescription::BadCertificate: return "bad_certificate";
    case AlertDescription::UnsupportedCertificate: return "unsupported_certificate";
    case AlertDescription::CertificateRevoked: return "certificate_revoked";
    case AlertDescription::CertificateExpired: return "certificate_expired";
    case AlertDescription::CertificateUnknown: return "certificate_unknown";
    case AlertDescription::IllegalParameter: return "illegal_parameter";
    case AlertDescription::UnknownCa: return "unknown_ca";
    case AlertDescription::AccessDenied: return "access_denied";
    case AlertDescription::DecodeError: return "decode_error";
    case AlertDescription::DecryptError: return "decrypt_error";
    case AlertDescription::ProtocolVersion: return "protocol_version";
    case AlertDescription::InsufficientSecurity: return "insufficient_security";
    case AlertDescription::InternalError: return "internal_error";
    case AlertDescription::InappropriateFallback: return "inappropriate_fallback";
    case AlertDescription::UserCanceled: return "user_canceled";
    case AlertDescription::NoRenegotiation: return "no_renegotiation";
    case AlertDescription::MissingExtension: return "missing_extension";
    case AlertDescription::UnsupportedExtension: return "unsupported_extension";
    case AlertDescription::UnrecognizedName: return "unrecognized_name";
    case AlertDescription::BadCertificateStatusResponse: return "bad_certificate_status_response";
    case AlertDescription::UnknownPskIdentity: return "unknown_psk_identity";
    case AlertDescription::CertificateRequired: return "certificate_required";
    case AlertDescription::NoApplicationProtocol: return "no_application_protocol";
  }
  return "unknown_alert";
}

}  // namespace setls::tls
