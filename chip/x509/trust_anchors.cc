#include "chip/x509/trust_anchors.h"

#include <openssl/x509_vfy.h>

namespace setls::chip::x509 {

void X509StoreFree::operator()(X509_STORE* s) const { X509_STORE_free(s); }

Result<TrustAnchors> TrustAnchors::from_der(std::span<const Bytes> anchors_der) {
  TrustAnchors out;
  out.store_.reset(X509_STORE_new());
  if (!out.store_) return Status::CryptoFailure;
  for (const Bytes& der : anchors_der) {
    auto cert = parse_certificate(der);
    if (!cert || !check_ca_certificate(cert->get())) continue;
    if (X509_STORE_add_cert(out.store_.get(), cert->get()) != 1) return Status::CryptoFailure;
    out.view_.push_back(cert->get());
    out.certificates_.push_back(std::move(*cert));
  }
  return out;
}

}  // namespace setls::chip::x509
