#include "chip/x509/certificate.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string_view>

#include "common/crypto/hash.h"
#include "common/crypto/op_count.h"

namespace setls::chip::x509 {

namespace {
bool critical_extension(X509* cert, int nid) {
  int at = X509_get_ext_by_NID(cert, nid, -1);
  return at >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, at)) == 1;
}
}  // namespace

void X509Free::operator()(X509* x) const { X509_free(x); }

Result<CertPtr> parse_certificate(ByteView der) {
  if (der.empty() || der.size() > kMaxCertificateSize) return Status::BadCertificate;
  const unsigned char* p = der.data();
  CertPtr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) return Status::BadCertificate;
  // Reject non-canonical encodings: what we store must be what we verify.
  if (certificate_der(cert.get()) != Bytes(der.begin(), der.end())) return Status::BadCertificate;
  // RFC 5280 §4.1.2.2: verifiers must handle serials up to 20 octets and
  // conforming CAs never exceed them; the chip bounds what it accepts there.
  if (ASN1_STRING_length(X509_get0_serialNumber(cert.get())) > 20) return Status::BadCertificate;
  return cert;
}

Bytes certificate_der(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

std::string subject_line(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len > 0 ? len : 0));
  BIO_free(bio);
  return out;
}

std::array<uint8_t, 32> fingerprint(ByteView der) {
  Digest d = digest(HashAlg::Sha256, der);
  std::array<uint8_t, 32> out{};
  std::copy(d.bytes.begin(), d.bytes.begin() + 32, out.begin());
  return out;
}

bool ec_named_curve(EVP_PKEY* key) {
  char encoding[32] = {0};
  size_t len = 0;
  // Absent means the default, which is a named curve.
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof encoding, &len) != 1)
    return true;
  return std::string_view(encoding, len) == OSSL_PKEY_EC_ENCODING_GROUP;
}

Outcome check_ca_key(EVP_PKEY* key) {
  if (key == nullptr) return Status::BadCertificate;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      // Below 2048 bits is breakable; an odd size is a sign of a broken
      // generator (the web PKI refuses both).
      int bits = EVP_PKEY_get_bits(key);
      if (bits < 2048 || bits % 8 != 0) return Status::WeakParameter;
      return {};
    }
    case EVP_PKEY_EC: {
      char name[64] = {0};
      size_t len = 0;
      if (!ec_named_curve(key) ||
          EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
        return Status::UnsupportedCurve;
      std::string_view curve(name, len);
      // A CA may sign with P-521 even though the chip's own TLS keys are
      // P-256/P-384: the chip only verifies with it.
      if (curve == "prime256v1" || curve == "secp384r1" || curve == "secp521r1") return {};
      return Status::UnsupportedCurve;
    }
    default:
      return Status::UnsupportedCurve;  // DSA, Ed25519, GOST…: not in the chip's policy
  }
}

Outcome check_ca_certificate(X509* cert) {
  if (X509_get_version(cert) != X509_VERSION_3) return Status::BadCertificate;
  uint32_t flags = X509_get_extension_flags(cert);  // also makes libcrypto decode the extensions
  if ((flags & EXFLAG_INVALID) != 0) return Status::BadCertificate;  // malformed or duplicate extensions
  // X509_check_ca: 1 means basicConstraints CA:TRUE (and keyUsage, if present, allows keyCertSign).
  if (X509_check_ca(cert) != 1) return Status::BadCertificate;
  SETLS_TRY(check_ca_key(X509_get0_pubkey(cert)));

  // The rules X509_V_FLAG_X509_STRICT checks on every certificate of a chain
  // longer than one, the anchor included (RFC 5280 §4.1.2.4, §4.1.2.6,
  // §4.2, §4.2.1.1-3, §4.2.1.9). A chain always holds a leaf besides the
  // anchor, so an anchor breaking one of them can never verify anything.
  auto refuse = [](int x509_error) { return Error{Status::TrustAnchorRejected, static_cast<uint32_t>(x509_error)}; };
  if ((flags & EXFLAG_CRITICAL) != 0) return refuse(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION);
  if ((flags & EXFLAG_BCONS_CRITICAL) == 0) return refuse(X509_V_ERR_CA_BCONS_NOT_CRITICAL);
  if ((flags & EXFLAG_KUSAGE) == 0) return refuse(X509_V_ERR_CA_CERT_MISSING_KEY_USAGE);
  if (X509_get0_subject_key_id(cert) == nullptr) return refuse(X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER);
  if (X509_NAME_entry_count(X509_get_subject_name(cert)) == 0) return refuse(X509_V_ERR_SUBJECT_NAME_EMPTY);
  if (X509_NAME_entry_count(X509_get_issuer_name(cert)) == 0) return refuse(X509_V_ERR_ISSUER_NAME_EMPTY);
  if (critical_extension(cert, NID_subject_key_identifier)) return refuse(X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL);
  if (critical_extension(cert, NID_authority_key_identifier))
    return refuse(X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL);
  const X509_ALGOR* outer = nullptr;
  X509_get0_signature(nullptr, &outer, cert);
  if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(cert)) != 0) return refuse(X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY);

  // RFC 5280 §4.2.1.1: an authorityKeyIdentifier, if present, names the
  // signing key by keyIdentifier. On a certificate its own key signed, that
  // identifier must be its own: anything else misdescribes the anchor that
  // path building will match intermediates against.
  if (X509_get_ext_by_NID(cert, NID_authority_key_identifier, -1) >= 0) {
    const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert);
    if (akid == nullptr) return refuse(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER);
    if (ASN1_OCTET_STRING_cmp(akid, X509_get0_subject_key_id(cert)) != 0 &&
        X509_verify(cert, X509_get0_pubkey(cert)) == 1)
      return refuse(X509_V_ERR_AKID_SKID_MISMATCH);
    ERR_clear_error();  // X509_verify leaves a reason when the key is not its own
  }
  return {};
}

Result<EcKey> certificate_ec_key(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return Status::BadCertificate;
  return EcKey::from_pkey(key);
}

Result<Bytes> check_subject_der(ByteView der) {
  if (der.empty() || der.size() > 1024) return Status::BadSubject;
  const unsigned char* p = der.data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size()));
  if (name == nullptr) return Status::BadSubject;
  bool ok = p == der.data() + der.size() && X509_NAME_entry_count(name) > 0 &&
            X509_NAME_entry_count(name) <= 16;
  Bytes canonical;
  if (ok) {
    unsigned char* out = nullptr;
    int len = i2d_X509_NAME(name, &out);
    if (len > 0) canonical.assign(out, out + len);
    OPENSSL_free(out);
    ok = canonical == Bytes(der.begin(), der.end());
  }
  X509_NAME_free(name);
  if (!ok) return Status::BadSubject;
  return canonical;
}

Result<Bytes> build_csr(const EcKey& key, ByteView subject_der) {
  auto subject = check_subject_der(subject_der);
  if (!subject) return subject.error();
  const unsigned char* p = subject->data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(subject->size()));
  X509_REQ* req = X509_REQ_new();
  count_crypto_op(CryptoOp::EcdsaSign);  // the CSR's self-signature
  bool ok = name != nullptr && req != nullptr && X509_REQ_set_version(req, 0) == 1 &&
            X509_REQ_set_subject_name(req, name) == 1 && X509_REQ_set_pubkey(req, key.pkey()) == 1 &&
            X509_REQ_sign(req, key.pkey(), evp_md(curve_hash(key.curve()))) > 0;
  Bytes der;
  if (ok) {
    unsigned char* out = nullptr;
    int len = i2d_X509_REQ(req, &out);
    if (len > 0) der.assign(out, out + len);
    OPENSSL_free(out);
  }
  X509_NAME_free(name);
  X509_REQ_free(req);
  if (der.empty()) return Status::CryptoFailure;
  return der;
}

}  // namespace setls::chip::x509
