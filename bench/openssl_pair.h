// Two libssl endpoints talking over memory BIOs in one thread: the OpenSSL
// side of the record and handshake comparisons. A throwaway P-256 PKI is made
// with libcrypto; the client authenticates when asked (mutual TLS).
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

namespace setls::bench {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

// A CA, a server certificate (CN/SAN localhost) and a client certificate,
// all ECDSA P-256, held as libcrypto objects and PEM.
struct MiniPki {
  std::shared_ptr<EVP_PKEY> ca_key, server_key, client_key;
  std::shared_ptr<X509> ca, server, client;
  std::string ca_pem, server_pem, server_key_pem, client_pem, client_key_pem;
  static const MiniPki& get();  // made once per process
};

struct PairOptions {
  int version = TLS1_3_VERSION;  // TLS1_2_VERSION or TLS1_3_VERSION
  bool mutual = false;           // the server demands a client certificate
  // 0: none; else the client asks for max_fragment_length (512..4096).
  unsigned max_fragment = 0;
};

// Server and client contexts for the suite setls uses by default:
// TLS_AES_128_GCM_SHA256, or ECDHE-ECDSA-AES128-GCM-SHA256 in TLS 1.2; P-256.
SslCtxPtr make_server_ctx(const PairOptions& o);
SslCtxPtr make_client_ctx(const PairOptions& o);

// One connection between the two, over two memory BIOs.
struct SslPair {
  SslPtr client, server;
  BIO* to_server = nullptr;  // client writes, server reads (owned by the SSLs)
  BIO* to_client = nullptr;  // server writes, client reads
  // Runs both handshakes to completion; false on failure.
  bool handshake();
};
SslPair make_pair(SSL_CTX* client_ctx, SSL_CTX* server_ctx);

}  // namespace setls::bench
