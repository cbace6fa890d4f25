#include "chip/x509/verify.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>

#include "chip/x509/certificate.h"
#include "chip/x509/paths.h"
#include "chip/x509/profile.h"
#include "common/crypto/op_count.h"

namespace setls::chip::x509 {

namespace {

static_assert(sizeof(time_t) >= sizeof(int64_t), "certificate times need a 64-bit time_t");

struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
// The stack borrows its certificates from a vector of CertPtr.
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
// A built path: the stack holds a reference on each certificate.
struct ChainFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using ChainPtr = std::unique_ptr<STACK_OF(X509), ChainFree>;

// libcrypto reports details through a thread-wide error queue; whatever
// path verification returns by, nothing is left there for the next command.
struct ErrorQueueGuard {
  ErrorQueueGuard() = default;
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

Error at_depth(Status s, int depth) { return Error{s, static_cast<uint32_t>(depth)}; }

// RFC 5280 §4.1.2.5: a certificate is valid "from notBefore through
// notAfter", both inclusive. libcrypto 3.0 counts the notAfter second itself
// as expired; this callback accepts exactly that second and nothing else.
int verify_callback(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  if (X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_HAS_EXPIRED) return 0;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  time_t at = X509_VERIFY_PARAM_get_time(X509_STORE_CTX_get0_param(ctx));
  if (cert == nullptr || ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), at) != 0) return 0;
  X509_STORE_CTX_set_error(ctx, X509_V_OK);
  return 1;
}

// What a failed X509_verify_cert() means for the host.
Error chain_error(int x509_error, int depth) {
  switch (x509_error) {
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK: return at_depth(Status::WeakParameter, depth);
    case X509_V_OK: return Error{Status::ChainInvalid, X509_V_ERR_UNSPECIFIED};  // failed without saying why
    default: return Error{Status::ChainInvalid, static_cast<uint32_t>(x509_error)};
  }
}

bool unix_seconds(const ASN1_TIME* t, int64_t& out) {
  std::tm when{}, epoch{};
  epoch.tm_year = 70;
  epoch.tm_mday = 1;
  int days = 0, seconds = 0;
  if (t == nullptr || ASN1_TIME_to_tm(t, &when) != 1 || OPENSSL_gmtime_diff(&days, &seconds, &epoch, &when) != 1)
    return false;
  out = int64_t{days} * 86400 + seconds;
  return true;
}

// The leaf must hold the name: subjectAltName only (the subject CN is never
// consulted, RFC 6125 §6.4.4 and CA/B Forum), and a wildcard only as a whole
// left-most label ("*.example.com", never "w*.example.com").
constexpr unsigned kNameCheckFlags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;

Outcome check_name(X509* leaf, const ServerName& name) {
  constexpr unsigned kFlags = kNameCheckFlags;
  int r = name.kind == ServerName::Kind::Ip
              ? X509_check_ip(leaf, name.ip.data(), name.ip.size(), kFlags)
              : X509_check_host(leaf, name.dns.data(), name.dns.size(), kFlags, nullptr);
  if (r == 1) return {};
  return r == 0 ? Status::NameMismatch : Status::BadCertificate;  // < 0: the SAN does not decode
}

// One libcrypto path validation of `leaf` with exactly `intermediates` as
// the untrusted certificates, then our rules on the path it built.
Result<ChainPtr> validate(X509_STORE* store, X509* leaf, std::span<X509* const> intermediates,
                          const ServerName& name, int64_t unix_time) {
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  if (!untrusted) return Status::CryptoFailure;
  for (X509* cert : intermediates)
    if (sk_X509_push(untrusted.get(), cert) <= 0) return Status::CryptoFailure;

  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted.get()) != 1) return Status::CryptoFailure;
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // X509_STRICT: the RFC 5280 profile checks (critical basicConstraints on
  // CAs, AKI/SKI, non-empty names, consistent signature algorithms, no
  // explicit curves…). PARTIAL_CHAIN: every stored certificate is a trust
  // anchor, self-signed or not (RFC 5280 §6.1.1(d) trusts a key and a name,
  // not a self-signature), so an operator may pin an intermediate; without
  // it libcrypto would insist on reaching a self-signed root. A leaf can
  // never be its own anchor: the store takes only CA certificates and a CA
  // leaf is refused by check_path_profile().
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
  // Level 2 (112-bit): refuses SHA-1 and small keys inside libcrypto too;
  // check_path_profile() then applies the exact allow-list.
  X509_VERIFY_PARAM_set_auth_level(param, 2);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(unix_time));
  // The subject CN is never a name here (check_name), so libcrypto must not
  // hold it to nameConstraints either: a leaf whose SAN has only an address
  // would otherwise fail on a CN like "test.localhost" that nothing uses.
  X509_VERIFY_PARAM_set_hostflags(param, kNameCheckFlags);
  // SSL server purpose: the leaf's extendedKeyUsage, if present, must allow
  // serverAuth and its keyUsage a TLS use; a CA whose extendedKeyUsage
  // excludes serverAuth cannot issue for it.
  if (X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) != 1) return Status::CryptoFailure;
  X509_STORE_CTX_set_verify_cb(ctx.get(), verify_callback);

  if (X509_verify_cert(ctx.get()) != 1)
    return chain_error(X509_STORE_CTX_get_error(ctx.get()), X509_STORE_CTX_get_error_depth(ctx.get()));
  ChainPtr chain(X509_STORE_CTX_get1_chain(ctx.get()));
  if (!chain || sk_X509_num(chain.get()) < 1) return Status::CryptoFailure;
  // For the latency model: libcrypto checked one signature per certificate
  // below the trust anchor, each over (at most) the certificate's DER.
  for (int i = 0; i + 1 < sk_X509_num(chain.get()); ++i) {
    count_crypto_op(CryptoOp::EcdsaVerify);
    int der = i2d_X509(sk_X509_value(chain.get(), i), nullptr);
    if (der > 0) count_crypto_op(CryptoOp::HashBytes, static_cast<uint64_t>(der));
  }
  SETLS_TRY(check_path_profile(chain.get()));
  SETLS_TRY(check_peer_name_constraints(chain.get(), name));
  return chain;
}

}  // namespace

Outcome check_server_name(const ServerName& name) {
  if (name.kind == ServerName::Kind::Ip) {
    if (name.ip.size() != 4 && name.ip.size() != 16) return Status::BadServerName;
    return {};
  }
  if (name.kind != ServerName::Kind::Dns || !valid_dns_name(name.dns, false)) return Status::BadServerName;
  // "192.0.2.1" as a DNS name would be compared with DNS entries of the SAN;
  // an address is matched only as Kind::Ip (RFC 6125 §6.2.1). No top-level
  // domain is all digits, so this refuses only address literals.
  std::string_view last = name.dns;
  last.remove_prefix(std::min(last.size(), last.rfind('.') + 1));
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) return Status::BadServerName;
  return {};
}

Result<VerifiedChain> verify_server_chain(const TrustAnchors& anchors, std::span<const ByteView> presented_der,
                                          const ServerName& name, int64_t unix_time) {
  ErrorQueueGuard guard;
  if (presented_der.empty()) return Status::BadArgument;
  if (presented_der.size() > kMaxPresentedCertificates) return Status::ChainTooLong;
  SETLS_TRY(check_server_name(name));

  std::vector<CertPtr> presented;
  presented.reserve(presented_der.size());
  for (size_t i = 0; i < presented_der.size(); ++i) {
    if (presented_der[i].size() > kMaxCertificateSize) return Status::ChainTooLong;
    auto cert = parse_certificate(presented_der[i]);
    if (!cert) return Error{Status::BadCertificate, static_cast<uint32_t>(i)};
    presented.push_back(std::move(*cert));
  }
  X509* leaf = presented[0].get();
  std::vector<X509*> intermediates;
  for (size_t i = 1; i < presented.size(); ++i) intermediates.push_back(presented[i].get());

  // libcrypto's own choice of path first: it is right for every
  // well-formed chain. Only if it fails are the other paths through what the
  // server sent tried, each validated in full; the first error is the one
  // reported, since it describes the path the server most likely meant.
  auto chain = validate(anchors.store(), leaf, intermediates, name, unix_time);
  if (!chain) {
    for (const auto& path : candidate_paths(leaf, intermediates, anchors.certificates(), intermediates.size())) {
      std::vector<X509*> subset;
      for (size_t i : path) subset.push_back(intermediates[i]);
      if (subset == intermediates) continue;  // the attempt already made
      auto retry = validate(anchors.store(), leaf, subset, name, unix_time);
      if (retry) {
        chain = std::move(retry);
        break;
      }
    }
    if (!chain) return chain.error();
  }

  EVP_PKEY* leaf_pkey = X509_get0_pubkey(leaf);
  // The handshake signature is ECDSA P-256/P-384 (invariant 5); any other
  // leaf key could never authenticate a server to this chip.
  auto leaf_key = leaf_pkey != nullptr && ec_named_curve(leaf_pkey) ? EcKey::from_pkey(leaf_pkey)
                                                                    : Result<EcKey>(Status::UnsupportedCurve);
  if (!leaf_key) return at_depth(Status::WeakParameter, 0);
  SETLS_TRY(check_name(leaf, name));

  VerifiedChain out;
  out.leaf_key = std::move(*leaf_key);
  out.leaf_subject = subject_line(leaf);
  out.newest_not_before = INT64_MIN;
  for (int i = 0; i < sk_X509_num(chain->get()); ++i) {
    X509* cert = sk_X509_value(chain->get(), i);
    out.subjects.push_back(subject_line(cert));
    int64_t not_before = 0;
    if (!unix_seconds(X509_get0_notBefore(cert), not_before)) return Status::BadCertificate;
    out.newest_not_before = std::max(out.newest_not_before, not_before);
  }
  return out;
}

}  // namespace setls::chip::x509
