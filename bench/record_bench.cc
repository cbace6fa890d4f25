// Record protection throughput: setls's RecordProtection (common/tls) next to
// libssl doing the same record work, same suite (AES-128-GCM), same record
// size. OpenSSL's figures include what its API implies (the record goes
// through a memory BIO and SSL_read copies the plaintext out); ours is in
// place. Both use libcrypto's AES-GCM, so the ratio measures the record
// layers, not the cipher.
#include <benchmark/benchmark.h>
#include <openssl/ssl.h>

#include <stdexcept>

#include "bench/openssl_pair.h"
#include "common/crypto/random.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/constants.h"
#include "common/tls/record_protection.h"

namespace setls::bench {
namespace {

int openssl_version(int64_t v) { return v == 13 ? TLS1_3_VERSION : TLS1_2_VERSION; }

struct SetlsPair {
  tls::RecordProtection write, read;
};

SetlsPair setls_pair(int64_t v) {
  uint16_t version = v == 13 ? tls::kTls13 : tls::kTls12;
  const tls::SuiteInfo* suite = nullptr;
  for (const auto& s : tls::allowed_suites())
    if (s.version == version && s.aead == AeadAlg::Aes128Gcm) suite = &s;
  if (suite == nullptr) throw std::runtime_error("no AES-128-GCM suite");
  Bytes key(aead_key_size(suite->aead)), iv(suite->iv_size);
  if (!random_bytes(key) || !random_bytes(iv)) throw std::runtime_error("random");
  SetlsPair p;
  if (!p.write.init(version, *suite, key, iv) || !p.read.init(version, *suite, key, iv))
    throw std::runtime_error("RecordProtection::init");
  return p;
}

void BM_SetlsSeal(benchmark::State& state) {
  SetlsPair p = setls_pair(state.range(0));
  Bytes plain(static_cast<size_t>(state.range(1)), 0x5a);
  Bytes out;
  out.reserve(plain.size() + 64);
  for (auto _ : state) {
    out.clear();
    if (!p.write.seal(tls::ContentType::ApplicationData, plain, out)) state.SkipWithError("seal");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

void BM_SetlsSealOpen(benchmark::State& state) {
  SetlsPair p = setls_pair(state.range(0));
  Bytes plain(static_cast<size_t>(state.range(1)), 0x5a);
  Bytes out;
  out.reserve(plain.size() + 64);
  for (auto _ : state) {
    out.clear();
    if (!p.write.seal(tls::ContentType::ApplicationData, plain, out)) state.SkipWithError("seal");
    auto opened = p.read.open(out);
    if (!opened || opened->plaintext.size() != plain.size()) state.SkipWithError("open");
    benchmark::DoNotOptimize(opened->plaintext.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

void BM_OpensslSeal(benchmark::State& state) {
  PairOptions o;
  o.version = openssl_version(state.range(0));
  auto sctx = make_server_ctx(o), cctx = make_client_ctx(o);
  SslPair p = make_pair(cctx.get(), sctx.get());
  if (!p.handshake()) return state.SkipWithError("handshake");
  Bytes plain(static_cast<size_t>(state.range(1)), 0x5a);
  for (auto _ : state) {
    if (SSL_write(p.client.get(), plain.data(), static_cast<int>(plain.size())) != static_cast<int>(plain.size()))
      state.SkipWithError("SSL_write");
    (void)BIO_reset(p.to_server);  // drop the record: keeps the buffer, no copy
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

void BM_OpensslSealOpen(benchmark::State& state) {
  PairOptions o;
  o.version = openssl_version(state.range(0));
  auto sctx = make_server_ctx(o), cctx = make_client_ctx(o);
  SslPair p = make_pair(cctx.get(), sctx.get());
  if (!p.handshake()) return state.SkipWithError("handshake");
  Bytes plain(static_cast<size_t>(state.range(1)), 0x5a);
  Bytes got(plain.size());
  for (auto _ : state) {
    if (SSL_write(p.client.get(), plain.data(), static_cast<int>(plain.size())) != static_cast<int>(plain.size()))
      state.SkipWithError("SSL_write");
    if (SSL_read(p.server.get(), got.data(), static_cast<int>(got.size())) != static_cast<int>(got.size()))
      state.SkipWithError("SSL_read");
    benchmark::DoNotOptimize(got.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

// {TLS version, record plaintext bytes}
void record_args(benchmark::internal::Benchmark* b) {
  for (int64_t v : {13, 12})
    for (int64_t n : {16384, 1024}) b->Args({v, n});
  b->ArgNames({"tls", "bytes"});
}

BENCHMARK(BM_SetlsSeal)->Apply(record_args);
BENCHMARK(BM_OpensslSeal)->Apply(record_args);
BENCHMARK(BM_SetlsSealOpen)->Apply(record_args);
BENCHMARK(BM_OpensslSealOpen)->Apply(record_args);

}  // namespace
}  // namespace setls::bench
