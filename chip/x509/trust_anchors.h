// The chip's trust anchors, parsed and checked once and kept in RAM with the
// libcrypto store that path validation searches. The firmware rebuilds them
// only when its stored state changes: parsing a root again for every
// handshake cost as much as parsing the server's leaf.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "chip/x509/certificate.h"
#include "common/bytes/bytes.h"

typedef struct x509_store_st X509_STORE;

namespace setls::chip::x509 {

struct X509StoreFree {
  void operator()(X509_STORE* s) const;
};

class TrustAnchors {
 public:
  // Anchors that do not parse or that check_ca_certificate() refuses are
  // left out: the store checked them on the way in, and checking again
  // keeps an anchor stored under an older, laxer firmware from anchoring
  // anything today. Fails only when libcrypto cannot allocate.
  static Result<TrustAnchors> from_der(std::span<const Bytes> anchors_der);

  // Read-only for path validation: X509_STORE_CTX takes it as const data.
  X509_STORE* store() const { return store_.get(); }
  std::span<X509* const> certificates() const { return view_; }

 private:
  std::unique_ptr<X509_STORE, X509StoreFree> store_;
  std::vector<CertPtr> certificates_;
  std::vector<X509*> view_;
};

}  // namespace setls::chip::x509
