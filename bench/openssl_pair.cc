#include "bench/openssl_pair.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace setls::bench {

namespace {

void need(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("libcrypto: ") + what);
}

std::shared_ptr<EVP_PKEY> p256() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  need(k != nullptr, "keygen");
  return {k, EVP_PKEY_free};
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  need(ext != nullptr && X509_add_ext(cert, ext, -1) == 1, "extension");
  X509_EXTENSION_free(ext);
}

std::shared_ptr<X509> issue(const char* cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                            const char* eku, long serial) {
  X509* c = X509_new();
  need(c != nullptr, "X509_new");
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 30L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(c, key);
  X509* iss = issuer ? issuer : c;
  if (ca) {
    add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c, iss, NID_key_usage, "critical,digitalSignature");
    add_ext(c, iss, NID_ext_key_usage, eku);
    add_ext(c, iss, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  }
  add_ext(c, iss, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(c, iss, NID_authority_key_identifier, "keyid:always");
  need(X509_sign(c, issuer_key, EVP_sha256()) > 0, "sign");
  return {c, X509_free};
}

std::string pem_cert(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  std::string out(p, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

std::string pem_key(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  std::string out(p, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

void common_ctx(SSL_CTX* ctx, const PairOptions& o) {
  need(SSL_CTX_set_min_proto_version(ctx, o.version) == 1 && SSL_CTX_set_max_proto_version(ctx, o.version) == 1,
       "version");
  need(SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") == 1, "suites");
  need(SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") == 1, "ciphers");
  need(SSL_CTX_set1_groups_list(ctx, "P-256") == 1, "groups");
  need(SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA256") == 1, "sigalgs");
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), MiniPki::get().ca.get());
}

}  // namespace

const MiniPki& MiniPki::get() {
  static const MiniPki pki = [] {
    MiniPki p;
    p.ca_key = p256();
    p.server_key = p256();
    p.client_key = p256();
    p.ca = issue("bench CA", p.ca_key.get(), nullptr, p.ca_key.get(), true, nullptr, 1);
    p.server = issue("localhost", p.server_key.get(), p.ca.get(), p.ca_key.get(), false, "serverAuth", 2);
    p.client = issue("bench device", p.client_key.get(), p.ca.get(), p.ca_key.get(), false, "clientAuth", 3);
    p.ca_pem = pem_cert(p.ca.get());
    p.server_pem = pem_cert(p.server.get());
    p.client_pem = pem_cert(p.client.get());
    p.server_key_pem = pem_key(p.server_key.get());
    p.client_key_pem = pem_key(p.client_key.get());
    return p;
  }();
  return pki;
}

SslCtxPtr make_server_ctx(const PairOptions& o) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  need(ctx != nullptr, "SSL_CTX_new");
  common_ctx(ctx.get(), o);
  const MiniPki& pki = MiniPki::get();
  need(SSL_CTX_use_certificate(ctx.get(), pki.server.get()) == 1 &&
           SSL_CTX_use_PrivateKey(ctx.get(), pki.server_key.get()) == 1,
       "server key");
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (o.mutual) SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return ctx;
}

SslCtxPtr make_client_ctx(const PairOptions& o) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  need(ctx != nullptr, "SSL_CTX_new");
  common_ctx(ctx.get(), o);
  const MiniPki& pki = MiniPki::get();
  if (o.mutual)
    need(SSL_CTX_use_certificate(ctx.get(), pki.client.get()) == 1 &&
             SSL_CTX_use_PrivateKey(ctx.get(), pki.client_key.get()) == 1,
         "client key");
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (o.max_fragment != 0) {
    uint8_t mode = o.max_fragment <= 512    ? TLSEXT_max_fragment_length_512
                   : o.max_fragment <= 1024 ? TLSEXT_max_fragment_length_1024
                   : o.max_fragment <= 2048 ? TLSEXT_max_fragment_length_2048
                                            : TLSEXT_max_fragment_length_4096;
    need(SSL_CTX_set_tlsext_max_fragment_length(ctx.get(), mode) == 1, "max_fragment_length");
  }
  return ctx;
}

SslPair make_pair(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  SslPair p;
  p.client.reset(SSL_new(client_ctx));
  p.server.reset(SSL_new(server_ctx));
  need(p.client && p.server, "SSL_new");
  p.to_server = BIO_new(BIO_s_mem());
  p.to_client = BIO_new(BIO_s_mem());
  need(p.to_server && p.to_client, "BIO_new");
  // Each BIO is shared by the writer and the reader: one reference each.
  BIO_up_ref(p.to_server);
  BIO_up_ref(p.to_client);
  SSL_set_bio(p.client.get(), p.to_client, p.to_server);
  SSL_set_bio(p.server.get(), p.to_server, p.to_client);
  SSL_set_tlsext_host_name(p.client.get(), "localhost");
  SSL_set1_host(p.client.get(), "localhost");
  SSL_set_connect_state(p.client.get());
  SSL_set_accept_state(p.server.get());
  return p;
}

bool SslPair::handshake() {
  for (int i = 0; i < 100; ++i) {
    // SSL_get_error reads the BIO's retry flags: ask right after each call,
    // before the other side touches the shared BIO.
    int c = SSL_do_handshake(client.get());
    int ce = SSL_get_error(client.get(), c);
    int s = SSL_do_handshake(server.get());
    int se = SSL_get_error(server.get(), s);
    if (c == 1 && s == 1) return true;
    if ((c != 1 && ce != SSL_ERROR_WANT_READ) || (s != 1 && se != SSL_ERROR_WANT_READ)) {
      std::fprintf(stderr, "handshake: client %d/%d server %d/%d\n", c, ce, s, se);
      ERR_print_errors_fp(stderr);
      return false;
    }
  }
  return false;
}

}  // namespace setls::bench
