#include "chip/x509/profile.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

#include "chip/x509/certificate.h"

namespace setls::chip::x509 {

namespace {

Error invalid(int x509_error) { return Error{Status::ChainInvalid, static_cast<uint32_t>(x509_error)}; }
Error at_depth(Status s, int depth) { return Error{s, static_cast<uint32_t>(depth)}; }

struct NameConstraintsFree {
  void operator()(NAME_CONSTRAINTS* nc) const { NAME_CONSTRAINTS_free(nc); }
};
using NameConstraintsPtr = std::unique_ptr<NAME_CONSTRAINTS, NameConstraintsFree>;
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

bool ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string_view ia5(const ASN1_IA5STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s))};
}

// The signature a CA put on a certificate: ECDSA or RSA PKCS#1 v1.5 with
// SHA-256/384/512. SHA-1 and MD5 have practical collisions; RSA-PSS, DSA,
// EdDSA and GOST are outside the policy (no CA in the chip's world needs them).
bool allowed_signature(X509* cert) {
  int md = NID_undef, pk = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk) != 1) return false;
  bool hash_ok = md == NID_sha256 || md == NID_sha384 || md == NID_sha512;
  bool key_ok = pk == NID_X9_62_id_ecPublicKey || pk == NID_rsaEncryption;
  return hash_ok && key_ok;
}

// A leaf that could sign certificates is a CA in disguise: a server that
// holds its key could mint certificates for any name.
bool has_ca_markings(X509* cert) {
  uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_CA) != 0) return true;  // basicConstraints cA, whatever keyUsage says
  if (X509_check_ca(cert) != 0) return true;  // v1 root, keyUsage-only CA, Netscape CA types
  if ((flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) != 0) return true;
  return X509_get_ext_by_NID(cert, NID_name_constraints, -1) >= 0;  // RFC 5280 §4.2.1.10: CAs only
}

// Every extension libcrypto knows must decode. It decodes some only on
// demand (authorityInfoAccess, certificatePolicies…), so a malformed one
// would otherwise pass unnoticed; a CA that signs garbage is not trusted.
bool extensions_decode(X509* cert) {
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    const X509V3_EXT_METHOD* method = X509V3_EXT_get(ext);
    if (method == nullptr) continue;  // unknown: libcrypto refuses it if critical
    void* value = X509V3_EXT_d2i(ext);
    if (value == nullptr) return false;
    if (method->it != nullptr) ASN1_item_free(static_cast<ASN1_VALUE*>(value), ASN1_ITEM_ptr(method->it));
    else if (method->ext_free != nullptr) method->ext_free(value);
  }
  return true;
}

NameConstraintsPtr name_constraints(X509* cert) {
  return NameConstraintsPtr(
      static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_name_constraints, nullptr, nullptr)));
}

// RFC 5280 §4.2.1.10: at least one of permitted/excluded, and a dNSName
// constraint is a domain name ("example.com" covers it and its subdomains;
// "" covers every name). A leading dot or a wildcard is URI or email
// syntax: libcrypto reads ".example.com" its own way, other verifiers
// differently, so the chip refuses the ambiguity.
Outcome check_name_constraints(X509* cert) {
  if (X509_get_ext_by_NID(cert, NID_name_constraints, -1) < 0) return {};
  NameConstraintsPtr nc = name_constraints(cert);
  if (!nc) return invalid(X509_V_ERR_INVALID_EXTENSION);
  if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 && sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0)
    return invalid(X509_V_ERR_INVALID_EXTENSION);
  for (auto* subtrees : {nc->permittedSubtrees, nc->excludedSubtrees}) {
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(subtrees); ++i) {
      const GENERAL_NAME* base = sk_GENERAL_SUBTREE_value(subtrees, i)->base;
      if (base->type != GEN_DNS) continue;
      std::string_view dns = ia5(base->d.dNSName);
      if (!dns.empty() && !valid_dns_name(dns, false)) return invalid(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX);
    }
  }
  return {};
}

// Under nameConstraints, the leaf's names must be well-formed for the
// constraints to mean anything: ".example.com" is inside "example.com" for
// no verifier that agrees with another. Without constraints a malformed
// entry simply never matches a name.
Outcome check_leaf_names(X509* leaf) {
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> san(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; san && i < sk_GENERAL_NAME_num(san.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(san.get(), i);
    if (gn->type == GEN_DNS && !valid_dns_name(ia5(gn->d.dNSName), true))
      return invalid(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX);
    if (gn->type == GEN_IPADD && gn->d.iPAddress->length != 4 && gn->d.iPAddress->length != 16)
      return invalid(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX);
  }
  return {};
}

}  // namespace

bool valid_dns_name(std::string_view name, bool wildcard) {
  if (name.empty() || name.size() > kMaxDnsNameSize) return false;
  if (wildcard && name.size() > 2 && name.substr(0, 2) == "*.") name.remove_prefix(2);
  for (;;) {
    size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!ldh(c)) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

Outcome check_path_profile(stack_st_X509* chain) {
  int n = sk_X509_num(chain);
  for (int i = 0; i < n; ++i) {
    X509* cert = sk_X509_value(chain, i);
    // A v1 certificate has no basicConstraints, so nothing says whether it
    // may sign, and no subjectAltName; libcrypto tolerates v1 roots.
    if (X509_get_version(cert) != X509_VERSION_3) return at_depth(Status::CertificateVersion, i);
  }
  X509* leaf = sk_X509_value(chain, 0);
  if (has_ca_markings(leaf)) return invalid(X509_V_ERR_INVALID_NON_CA);
  bool constrained = false;
  for (int i = 0; i < n; ++i) {
    X509* cert = sk_X509_value(chain, i);
    if (!extensions_decode(cert)) return invalid(X509_V_ERR_INVALID_EXTENSION);
    // RFC 5280 §4.2.1.11: conforming CAs MUST mark it critical; a verifier
    // that skipped it would ignore a policy requirement silently.
    int pc = X509_get_ext_by_NID(cert, NID_policy_constraints, -1);
    if (pc >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, pc)) != 1)
      return invalid(X509_V_ERR_INVALID_POLICY_EXTENSION);
    if (i > 0) {
      SETLS_TRY(check_name_constraints(cert));
      constrained = constrained || X509_get_ext_by_NID(cert, NID_name_constraints, -1) >= 0;
    }
    // The anchor's own signature is never checked (it is trusted as stored),
    // so only the signatures below it count.
    if (i < n - 1 && !allowed_signature(cert)) return at_depth(Status::WeakParameter, i);
    if (i > 0 && !check_ca_key(X509_get0_pubkey(cert))) return at_depth(Status::WeakParameter, i);
  }
  if (constrained) SETLS_TRY(check_leaf_names(leaf));
  return {};
}

Outcome check_peer_name_constraints(stack_st_X509* chain, const ServerName& name) {
  std::vector<NameConstraintsPtr> constraints;
  for (int i = 1; i < sk_X509_num(chain); ++i)
    if (NameConstraintsPtr nc = name_constraints(sk_X509_value(chain, i))) constraints.push_back(std::move(nc));
  if (constraints.empty()) return {};

  // A certificate whose only name is the peer name, for libcrypto's own
  // constraint matching.
  std::unique_ptr<X509, X509Free> probe(X509_new());
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> san(GENERAL_NAMES_new());
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (!probe || !san || gn == nullptr) {
    GENERAL_NAME_free(gn);
    return Status::CryptoFailure;
  }
  bool ok = false;
  if (name.kind == ServerName::Kind::Ip) {
    ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
    ok = ip != nullptr && ASN1_OCTET_STRING_set(ip, name.ip.data(), static_cast<int>(name.ip.size())) == 1;
    GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
  } else {
    ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
    ok = dns != nullptr && ASN1_STRING_set(dns, name.dns.data(), static_cast<int>(name.dns.size())) == 1;
    GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
  }
  if (!ok || sk_GENERAL_NAME_push(san.get(), gn) <= 0) {
    GENERAL_NAME_free(gn);
    return Status::CryptoFailure;
  }
  if (X509_add1_ext_i2d(probe.get(), NID_subject_alt_name, san.get(), 0, 0) != 1) return Status::CryptoFailure;
  // libcrypto matches constraints against the decoded-extension cache,
  // which it fills on the first query.
  if ((X509_get_extension_flags(probe.get()) & EXFLAG_INVALID) != 0) return Status::CryptoFailure;

  for (const auto& nc : constraints) {
    int r = NAME_CONSTRAINTS_check(probe.get(), nc.get());
    if (r != X509_V_OK) return invalid(r);
  }
  return {};
}

}  // namespace setls::chip::x509
