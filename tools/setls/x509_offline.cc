#include "tools/setls/x509_offline.h"

#include <arpa/inet.h>
#include <openssl/x509_vfy.h>

#include "chip/bus/in_process.h"
#include "chip/x509/certificate.h"
#include "host/driver/chip_driver.h"

namespace setls::cli {

namespace {

std::string subject_of(ByteView der) {
  auto cert = chip::x509::parse_certificate(der);
  return cert ? chip::x509::subject_line(cert->get()) : std::string();
}

std::string chain_invalid_hint(uint32_t x509_error) {
  switch (x509_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "the chain does not lead to a trusted certificate: give the server's intermediates with --untrusted "
             "and the root it chains to with --trust";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "the chain ends in a self-signed certificate that is not trusted; add it with --trust only if you mean "
             "to trust it";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "a certificate has expired at the verification time: renew it, or check --time";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "a certificate is not valid yet at the verification time: check the clock, or --time";
    case X509_V_ERR_INVALID_PURPOSE:
      return "the leaf's extendedKeyUsage does not allow serverAuth, or a CA's excludes it: reissue with "
             "extendedKeyUsage=serverAuth";
    case X509_V_ERR_INVALID_NON_CA:
      return "the leaf is a CA certificate (basicConstraints CA:TRUE or keyUsage keyCertSign): a server needs an "
             "end-entity certificate";
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
      return "an intermediate is not a usable CA: it needs basicConstraints CA:TRUE and keyUsage keyCertSign";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
      return "a CA's pathLenConstraint allows fewer intermediates below it than this chain has";
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
      return "a CA's nameConstraints forbid a name in a certificate below it";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "a signature does not verify: a certificate was altered or was signed by another key";
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
      return "a certificate carries a critical extension the chip does not implement, so it must refuse it";
    default:
      return "`openssl verify -x509_strict -partial_chain -purpose sslserver` reports the same libcrypto error with "
             "more context";
  }
}

}  // namespace

Result<OfflineVerification> verify_offline(std::span<const Bytes> trust, std::span<const Bytes> presented,
                                           bus::PeerNameKind kind, ByteView name, uint64_t unix_time) {
  auto firmware = chip::make_ram_chip();
  if (!firmware) return firmware.error();
  // The driver borrows the firmware through the transport: it goes first.
  auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(**firmware, 1));
  if (!driver) return driver.error();

  OfflineVerification out;
  for (size_t i = 0; i < trust.size(); ++i) {
    auto id = (*driver)->add_root(trust[i]);
    if (id) {
      ++out.stored_trust;
    } else if (id.error().status != Status::AlreadyExists) {
      out.refused_trust.push_back({i, subject_of(trust[i]), id.error()});
    }
  }
  bus::X509VerifyRequest req;
  req.name_kind = kind;
  req.name = name;
  req.unix_time = unix_time;
  for (const Bytes& der : presented) req.chain.push_back(der);
  out.verdict = (*driver)->verify_chain(req);
  return out;
}

std::string verification_hint(const Error& e) {
  std::string depth = "the certificate at depth " + std::to_string(e.detail) + " (0 = leaf)";
  switch (e.status) {
    case Status::ChainInvalid: return chain_invalid_hint(e.detail);
    case Status::NameMismatch:
      return "the leaf's subjectAltName does not hold this name (the subject CN is never consulted, and a wildcard "
             "covers one whole left-most label)";
    case Status::WeakParameter:
      return depth + " uses a key or signature outside the chip's policy: leaf key ECDSA P-256/P-384; CA keys "
                     "ECDSA P-256/P-384/P-521 or RSA >= 2048; signatures with SHA-256 or better";
    case Status::CertificateVersion: return depth + " is X.509 v1/v2; only v3 certificates are accepted";
    case Status::BadCertificate:
      return "certificate #" + std::to_string(e.detail) + " of the presented chain (0 = leaf) is not valid DER X.509";
    default: return status_hint(e.status);
  }
}

}  // namespace setls::cli
