#include "common/result.h"

#include <openssl/x509.h>

#include <cstring>

namespace setls {

std::string describe(const Error& e) {
  std::string out = status_message(e.status);
  out += " (";
  out += status_name(e.status);
  if ((e.status == Status::ChainInvalid || e.status == Status::TrustAnchorRejected) && e.detail != 0) {
    // The chip reports libcrypto's verification error code; its text is
    // what an operator can act on ("certificate has expired").
    out += ", X509 error ";
    out += std::to_string(e.detail);
    out += ": ";
    out += X509_verify_cert_error_string(static_cast<long>(e.detail));
  } else if (e.detail != 0) {
    out += ", detail ";
    out += std::to_string(e.detail);
  }
  out += ")";
  const char* hint = status_hint(e.status);
  if (hint[0] != '\0') {
    out += ". Next: ";
    out += hint;
  }
  return out;
}

}  // namespace setls
