#include "tools/setls/attestation_check.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <nlohmann/json.hpp>

#include "chip/x509/certificate.h"
#include "tools/setls/files.h"

namespace setls::cli {

std::string bundle_to_json(const AttestationBundle& b) {
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : b.certificates) certs.push_back(to_pem("CERTIFICATE", c));
  return nlohmann::json{{"format", "setls-attestation-1"}, {"statement", to_hex(b.statement)}, {"certificates", certs}}
      .dump(2);
}

Result<AttestationBundle> bundle_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != "setls-attestation-1" || !j.contains("statement"))
    return Status::MalformedPayload;
  AttestationBundle b;
  if (!from_hex(j["statement"].get<std::string>(), b.statement)) return Status::MalformedPayload;
  for (const auto& pem : j.value("certificates", nlohmann::json::array())) {
    std::string s = pem.get<std::string>();
    BIO* bio = BIO_new_mem_buf(s.data(), static_cast<int>(s.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (cert == nullptr) return Status::BadCertificate;
    b.certificates.push_back(chip::x509::certificate_der(cert));
    X509_free(cert);
  }
  if (b.certificates.empty()) return Status::NoDeviceCert;
  return b;
}

Result<VerifiedAttestation> verify_bundle(const AttestationBundle& b, const std::vector<Bytes>& ca_der,
                                          ByteView nonce, std::string& why) {
  VerifiedAttestation out;
  ByteView body, signature;
  if (!attestation::Statement::parse(b.statement, out.statement, body, signature)) {
    why = "the statement is malformed";
    return Status::MalformedPayload;
  }
  auto device = chip::x509::parse_certificate(b.certificates.at(0));
  if (!device) {
    why = "the device certificate does not parse";
    return device.error();
  }
  // Chain: device certificate → (intermediates) → one of the given CAs.
  X509_STORE* store = X509_STORE_new();
  for (const auto& der : ca_der)
    if (auto ca = chip::x509::parse_certificate(der)) X509_STORE_add_cert(store, ca->get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  std::vector<chip::x509::CertPtr> keep;
  for (size_t i = 1; i < b.certificates.size(); ++i)
    if (auto c = chip::x509::parse_certificate(b.certificates[i])) {
      sk_X509_push(untrusted, c->get());
      keep.push_back(std::move(*c));
    }
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, device->get(), untrusted);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  int ok = X509_verify_cert(ctx);
  int err = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  if (ok != 1) {
    why = std::string("the device certificate does not chain to the CA: ") + X509_verify_cert_error_string(err);
    return Error{Status::ChainInvalid, static_cast<uint32_t>(err)};
  }
  auto key = chip::x509::certificate_ec_key(device->get());
  if (!key || !signed_object::verify(signed_object::Kind::Attestation, *key, body, signature)) {
    why = "the statement is not signed by the device certificate's key (a clone, or an altered statement)";
    return Status::SignatureInvalid;
  }
  if (chip::x509::fingerprint(b.certificates[0]) != out.statement.device_cert_fingerprint) {
    why = "the statement names another device certificate";
    return Status::SignatureInvalid;
  }
  if (!nonce.empty() && Bytes(nonce.begin(), nonce.end()) != out.statement.nonce) {
    why = "the statement answers another nonce (a replayed statement)";
    return Status::SignatureInvalid;
  }
  out.device_subject = chip::x509::subject_line(device->get());
  return out;
}

}  // namespace setls::cli
