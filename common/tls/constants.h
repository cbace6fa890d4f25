// TLS registry values (RFC 8446, RFC 5246 and the IANA TLS registries) used by
// the codec, both engines and the chip's policy.
#pragma once

#include <cstdint>

namespace setls::tls {

constexpr uint16_t kTls10 = 0x0301;
constexpr uint16_t kTls11 = 0x0302;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

enum class ContentType : uint8_t {
  Invalid = 0,
  ChangeCipherSpec = 20,
  Alert = 21,
  Handshake = 22,
  ApplicationData = 23,
};

enum class HandshakeType : uint8_t {
  HelloRequest = 0,
  ClientHello = 1,
  ServerHello = 2,
  NewSessionTicket = 4,
  EndOfEarlyData = 5,
  EncryptedExtensions = 8,
  Certificate = 11,
  ServerKeyExchange = 12,
  CertificateRequest = 13,
  ServerHelloDone = 14,
  CertificateVerify = 15,
  ClientKeyExchange = 16,
  Finished = 20,
  CertificateStatus = 22,
  KeyUpdate = 24,
  MessageHash = 254,
};

enum class AlertLevel : uint8_t { Warning = 1, Fatal = 2 };

enum class AlertDescription : uint8_t {
  CloseNotify = 0,
  UnexpectedMessage = 10,
  BadRecordMac = 20,
  RecordOverflow = 22,
  HandshakeFailure = 40,
  BadCertificate = 42,
  UnsupportedCertificate = 43,
  CertificateRevoked = 44,
  CertificateExpired = 45,
  CertificateUnknown = 46,
  IllegalParameter = 47,
  UnknownCa = 48,
  AccessDenied = 49,
  DecodeError = 50,
  DecryptError = 51,
  ProtocolVersion = 70,
  InsufficientSecurity = 71,
  InternalError = 80,
  InappropriateFallback = 86,
  UserCanceled = 90,
  NoRenegotiation = 100,
  MissingExtension = 109,
  UnsupportedExtension = 110,
  UnrecognizedName = 112,
  BadCertificateStatusResponse = 113,
  UnknownPskIdentity = 115,
  CertificateRequired = 116,
  NoApplicationProtocol = 120,
};
const char* alert_name(uint8_t description);

enum class ExtensionType : uint16_t {
  ServerName = 0,
  MaxFragmentLength = 1,
  StatusRequest = 5,
  SupportedGroups = 10,
  EcPointFormats = 11,
  SignatureAlgorithms = 13,
  UseSrtp = 14,
  Heartbeat = 15,
  Alpn = 16,
  SignedCertificateTimestamp = 18,
  ClientCertificateType = 19,
  ServerCertificateType = 20,
  Padding = 21,
  EncryptThenMac = 22,
  ExtendedMasterSecret = 23,
  RecordSizeLimit = 28,
  SessionTicket = 35,
  PreSharedKey = 41,
  EarlyData = 42,
  SupportedVersions = 43,
  Cookie = 44,
  PskKeyExchangeModes = 45,
  CertificateAuthorities = 47,
  OidFilters = 48,
  PostHandshakeAuth = 49,
  SignatureAlgorithmsCert = 50,
  KeyShare = 51,
  RenegotiationInfo = 0xff01,
};

enum class NamedGroup : uint16_t {
  Secp256r1 = 23,
  Secp384r1 = 24,
  Secp521r1 = 25,
  X25519 = 29,
  X448 = 30,
  BrainpoolP256r1 = 26,
  Secp192r1 = 19,
};

enum class SignatureScheme : uint16_t {
  RsaPkcs1Sha1 = 0x0201,
  EcdsaSha1 = 0x0203,
  RsaPkcs1Sha256 = 0x0401,
  EcdsaSecp256r1Sha256 = 0x0403,
  RsaPkcs1Sha384 = 0x0501,
  EcdsaSecp384r1Sha384 = 0x0503,
  RsaPkcs1Sha512 = 0x0601,
  EcdsaSecp521r1Sha512 = 0x0603,
  RsaPssRsaeSha256 = 0x0804,
  RsaPssRsaeSha384 = 0x0805,
  RsaPssRsaeSha512 = 0x0806,
  Ed25519 = 0x0807,
  RsaPssPssSha256 = 0x0809,
};

enum class PskKeyExchangeMode : uint8_t { PskKe = 0, PskDheKe = 1 };

// TLS 1.3 (RFC 8446 §4.1.3): ServerHello.random of a HelloRetryRequest, and
// the downgrade sentinels a TLS 1.3 server puts in the last 8 bytes of
// ServerHello.random when it negotiates TLS 1.2 or below.
extern const uint8_t kHelloRetryRequestRandom[32];
extern const uint8_t kDowngradeTls12[8];
extern const uint8_t kDowngradeTls11[8];

}  // namespace setls::tls
