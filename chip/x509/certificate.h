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

namespace setls::chip::x509 {

struct X509Free {
  void operator()(X509* x) const;
};
using CertPtr = std::unique_ptr<X509, X509Free>;

constexpr size_t kMaxCertificateSize = 8 * 1024;

// Parses exactly one DER certificate (no trailing bytes, canonical encoding).
Result<CertPtr> parse_certificate(ByteView der);
Bytes certificate_der(X509* cert);
std::string subject_line(X509* cert);  // "CN=device-0001, O=Example"
std::array<uint8_t, 32> fingerprint(ByteView der);

// Checks for a CA certificate we accept as a trust anchor or intermediate:
// X.509 v3, basicConstraints CA:TRUE, key EC P-256/P-384 or RSA ≥ 2048 bits.
Outcome check_ca_certificate(X509* cert);
// The certificate's key, when it is an EC P-256/P-384 key.
Result<EcKey> certificate_ec_key(X509* cert);

// A subject given as DER (the host encodes "/CN=…/O=…"); checked to be a
// canonical, non-empty Name.
Result<Bytes> check_subject_der(ByteView der);
// PKCS#10 request for `subject_der`, signed by `key` (the device key).
Result<Bytes> build_csr(const EcKey& key, ByteView subject_der);

}  // namespace setls::chip::x509
