// Certificate helpers for the chip, on libcrypto's X.509 parser: strict DER
// parsing, the checks the object store applies before storing a certificate,
// and PKCS#10 requests signed inside the chip.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/result.h"

typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct evp_pkey_st EVP_PKEY;

namespace setls::chip::x509 {

struct X509Free {
  void operator()(X509* x) const;
};
using CertPtr = std::unique_ptr<X509, X509Free>;

constexpr size_t kMaxCertificateSize = 8 * 1024;

// Parses exactly one DER certificate (no trailing bytes, canonical encoding,
// a serial number of at most 20 octets).
Result<CertPtr> parse_certificate(ByteView der);
Bytes certificate_der(X509* cert);
std::string subject_line(X509* cert);  // "CN=device-0001, O=Example"
std::array<uint8_t, 32> fingerprint(ByteView der);

// Checks for a CA certificate the chip accepts as a trust anchor or as a
// chain certificate of its own: X.509 v3, basicConstraints CA:TRUE, keyUsage
// keyCertSign, a key check_ca_key() allows, and the RFC 5280 profile that
// verification in strict mode applies to every certificate of a chain,
// anchor included (verify.h). A certificate refused for those could never
// anchor a chain that verifies, so refusing it at provisioning only moves
// the error to where an operator sees it. On top, an authorityKeyIdentifier
// must carry a keyIdentifier, and on a self-signed certificate its own.
//   BadCertificate: not a v3 CA certificate, or malformed extensions
//   WeakParameter / UnsupportedCurve: its key (check_ca_key)
//   TrustAnchorRejected, detail = the X509_V_ERR code of the broken rule
Outcome check_ca_certificate(X509* cert);
// The key of a certificate that signs others: ECDSA on the named curve P-256,
// P-384 or P-521, or RSA of at least 2048 bits and a whole number of bytes.
Outcome check_ca_key(EVP_PKEY* key);
// True for an EC key given by a curve name, not by explicit parameters.
bool ec_named_curve(EVP_PKEY* key);
// The certificate's key, when it is an EC P-256/P-384 key.
Result<EcKey> certificate_ec_key(X509* cert);

// A subject given as DER (the host encodes "/CN=…/O=…"); checked to be a
// canonical, non-empty Name.
Result<Bytes> check_subject_der(ByteView der);
// PKCS#10 request for `subject_der`, signed by `key` (the device key).
Result<Bytes> build_csr(const EcKey& key, ByteView subject_der);

}  // namespace setls::chip::x509
