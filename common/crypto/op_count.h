// Counts the cryptographic operations a piece of code performs, for the
// chip's latency model (chip/perf/latency.h): a real secure element charges
// per ECDSA signature, per HKDF call, per hashed block, not per CPU cycle.
//
//   CryptoOpCounts ops;
//   {
//     CryptoOpScope scope(ops);   // this thread's crypto wrapper calls add to `ops`
//     run_command();
//   }
//
// Outside a scope nothing is counted and the cost is one thread-local load.
// The crypto wrappers in common/crypto call count_crypto_op(); code that
// calls libcrypto directly for an operation (the chip's X.509 path
// validation) counts it itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace setls {

enum class CryptoOp : uint8_t {
  EcdsaSign,    // one signature (P-256 or P-384)
  EcdsaVerify,  // one signature check
  Ecdh,         // one shared-secret computation
  Keygen,       // one EC key pair
  HkdfExtract,  // one HKDF-Extract
  HkdfExpand,   // one HKDF-Expand (an HKDF-Expand-Label)
  Hmac,         // one HMAC outside HKDF (Finished, binders)
  Prf,          // one TLS 1.2 PRF call
  HashBytes,    // bytes fed to SHA-256/384 (transcripts, signed messages, certificates)
  AeadCalls,    // AEAD seal/open calls
  AeadBytes,    // bytes sealed or opened
};
constexpr size_t kCryptoOpKinds = 11;
const char* crypto_op_name(CryptoOp op);  // "ecdsa_sign", "hash_bytes", …

struct CryptoOpCounts {
  std::array<uint64_t, kCryptoOpKinds> n{};

  uint64_t operator[](CryptoOp op) const { return n[static_cast<size_t>(op)]; }
  uint64_t& operator[](CryptoOp op) { return n[static_cast<size_t>(op)]; }
  CryptoOpCounts& operator+=(const CryptoOpCounts& o) {
    for (size_t i = 0; i < kCryptoOpKinds; ++i) n[i] += o.n[i];
    return *this;
  }
  bool empty() const {
    for (uint64_t v : n)
      if (v != 0) return false;
    return true;
  }
};

// While alive, this thread's counted operations are added to `into`, and to
// the counts of every enclosing scope. Scopes nest strictly (stack objects).
class CryptoOpScope {
 public:
  explicit CryptoOpScope(CryptoOpCounts& into);
  ~CryptoOpScope();
  CryptoOpScope(const CryptoOpScope&) = delete;
  CryptoOpScope& operator=(const CryptoOpScope&) = delete;

 private:
  friend void count_crypto_op(CryptoOp op, uint64_t n);
  CryptoOpCounts& counts_;
  CryptoOpScope* outer_;
};

// Stops counting for a scope: work a real part does in dedicated hardware
// outside its crypto engine (the NVM image's at-rest encryption).
class CryptoOpPause {
 public:
  CryptoOpPause();
  ~CryptoOpPause();
  CryptoOpPause(const CryptoOpPause&) = delete;
  CryptoOpPause& operator=(const CryptoOpPause&) = delete;

 private:
  CryptoOpScope* paused_;
};

void count_crypto_op(CryptoOp op, uint64_t n = 1);

}  // namespace setls
