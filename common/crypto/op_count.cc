#include "common/crypto/op_count.h"

namespace setls {

namespace {
thread_local CryptoOpScope* current = nullptr;
}  // namespace

const char* crypto_op_name(CryptoOp op) {
  switch (op) {
    case CryptoOp::EcdsaSign: return "ecdsa_sign";
    case CryptoOp::EcdsaVerify: return "ecdsa_verify";
    case CryptoOp::Ecdh: return "ecdh";
    case CryptoOp::Keygen: return "keygen";
    case CryptoOp::HkdfExtract: return "hkdf_extract";
    case CryptoOp::HkdfExpand: return "hkdf_expand";
    case CryptoOp::Hmac: return "hmac";
    case CryptoOp::Prf: return "tls12_prf";
    case CryptoOp::HashBytes: return "hash_bytes";
    case CryptoOp::AeadCalls: return "aead_calls";
    case CryptoOp::AeadBytes: return "aead_bytes";
  }
  return "unknown";
}

CryptoOpScope::CryptoOpScope(CryptoOpCounts& into) : counts_(into), outer_(current) { current = this; }

CryptoOpScope::~CryptoOpScope() { current = outer_; }

CryptoOpPause::CryptoOpPause() : paused_(current) { current = nullptr; }

CryptoOpPause::~CryptoOpPause() { current = paused_; }

void count_crypto_op(CryptoOp op, uint64_t n) {
  for (CryptoOpScope* s = current; s != nullptr; s = s->outer_) s->counts_[op] += n;
}

}  // namespace setls
