#include "chip/x509/certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/crypto/hash.h"

namespace setls::chip::x509 {

void X509Free::operator()(X509* x) const { X509_free(x); }

Result<CertPtr> parse_certificate(ByteView der) {
  if (der.empty() || der.size() > kMaxCertificateSize) return Status::BadCertificate;
  const unsigned char* p = der.data();
  CertPtr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) return Status::BadCertificate;
  // Reject non-canonical encodings: what we store must be what we verify.
  if (certificate_der(cert.get()) != Bytes(der.begin(), der.end())) return Status::BadCertificate;
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

Outcome check_ca_certificate(X509* cert) {
  if (X509_get_version(cert) != X509_VERSION_3) return Status::BadCertificate;
  // X509_check_ca: 1 means basicConstraints CA:TRUE (and keyUsage, if present, allows keyCertSign).
  if (X509_check_ca(cert) != 1) return Status::BadCertificate;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return Status::BadCertificate;
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key) < 2048) return Status::WeakParameter;
    return {};
  }
  if (!EcKey::from_pkey(key)) return Status::UnsupportedCurve;
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
