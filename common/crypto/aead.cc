#include "common/crypto/aead.h"

#include <openssl/evp.h>

#include "common/crypto/op_count.h"
#include "common/secure/secret.h"

#include <utility>

namespace setls {

size_t aead_key_size(AeadAlg alg) {
  return alg == AeadAlg::Aes256Gcm || alg == AeadAlg::Aes256Ccm ? 32 : 16;
}

size_t aead_tag_size(AeadAlg alg) { return alg == AeadAlg::Aes128Ccm8 ? 8 : 16; }

const char* aead_name(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::Aes128Gcm: return "AES-128-GCM";
    case AeadAlg::Aes256Gcm: return "AES-256-GCM";
    case AeadAlg::Aes128Ccm: return "AES-128-CCM";
    case AeadAlg::Aes256Ccm: return "AES-256-CCM";
    case AeadAlg::Aes128Ccm8: return "AES-128-CCM-8";
  }
  return "?";
}

static const EVP_CIPHER* cipher(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::Aes128Gcm: return EVP_aes_128_gcm();
    case AeadAlg::Aes256Gcm: return EVP_aes_256_gcm();
    case AeadAlg::Aes128Ccm:
    case AeadAlg::Aes128Ccm8: return EVP_aes_128_ccm();
    case AeadAlg::Aes256Ccm: return EVP_aes_256_ccm();
  }
  return nullptr;
}

AeadContext::~AeadContext() { EVP_CIPHER_CTX_free(ctx_); }  // cleanses the key schedule

// A moved Aead is a new owner for a shared context: its key is set again at
// its next use.
Aead::Aead(Aead&& o) noexcept
    : alg_(o.alg_), ctx_(std::exchange(o.ctx_, nullptr)), shared_(std::exchange(o.shared_, nullptr)),
      key_(std::move(o.key_)), keyed_enc_(o.keyed_enc_) {}

Aead& Aead::operator=(Aead&& o) noexcept {
  reset();
  alg_ = o.alg_;
  ctx_ = std::exchange(o.ctx_, nullptr);
  shared_ = std::exchange(o.shared_, nullptr);
  key_ = std::move(o.key_);
  keyed_enc_ = o.keyed_enc_;
  return *this;
}

Aead::~Aead() { reset(); }

void Aead::reset() {
  EVP_CIPHER_CTX_free(ctx_);  // cleanses the key schedule
  ctx_ = nullptr;
  if (shared_ != nullptr && shared_->owner_ == this) shared_->owner_ = nullptr;
  shared_ = nullptr;
  key_.clear();
  keyed_enc_ = 1;
}

EVP_CIPHER_CTX* Aead::context_for(int enc) {
  if (shared_ == nullptr) {
    if (!ccm() || keyed_enc_ == enc) return ctx_;
    if (EVP_CipherInit_ex(ctx_, nullptr, nullptr, key_.view().data(), nullptr, enc) != 1) return nullptr;
    keyed_enc_ = enc;
    return ctx_;
  }
  AeadContext& s = *shared_;
  // GCM keys serve both directions; CCM keys one (see above).
  if (s.owner_ == this && (!ccm() || s.enc_ == enc)) return s.ctx_;
  if (!s.cipher_set_ || s.alg_ != alg_) {
    // First use, or another algorithm: set the cipher up from scratch.
    if (EVP_CipherInit_ex(s.ctx_, cipher(alg_), nullptr, nullptr, nullptr, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(s.ctx_, EVP_CTRL_AEAD_SET_IVLEN, kAeadNonceSize, nullptr) != 1 ||
        (ccm() && EVP_CIPHER_CTX_ctrl(s.ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size()), nullptr) != 1)) {
      s.owner_ = nullptr;
      s.cipher_set_ = false;
      return nullptr;
    }
    s.cipher_set_ = true;
    s.alg_ = alg_;
  }
  if (EVP_CipherInit_ex(s.ctx_, nullptr, nullptr, key_.view().data(), nullptr, enc) != 1) {
    s.owner_ = nullptr;
    return nullptr;
  }
  s.owner_ = this;
  s.alg_ = alg_;
  s.enc_ = enc;
  return s.ctx_;
}

bool Aead::ccm() const { return alg_ != AeadAlg::Aes128Gcm && alg_ != AeadAlg::Aes256Gcm; }

Outcome Aead::init(AeadAlg alg, ByteView key) {
  reset();
  alg_ = alg;
  if (key.size() != aead_key_size(alg)) return Status::BadArgument;
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr) return Status::CryptoFailure;
  // The key schedule is computed once here; each record only sets the nonce.
  // Encrypt-mode init also serves decryption for GCM; CCM re-inits per call.
  if (EVP_EncryptInit_ex(ctx_, cipher(alg), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_IVLEN, kAeadNonceSize, nullptr) != 1 ||
      (ccm() && EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG,
                                    static_cast<int>(tag_size()), nullptr) != 1) ||
      EVP_EncryptInit_ex(ctx_, nullptr, nullptr, key.data(), nullptr) != 1) {
    reset();
    return Status::CryptoFailure;
  }
  if (ccm()) key_.assign(key);
  keyed_enc_ = 1;
  return {};
}

Outcome Aead::init(AeadAlg alg, ByteView key, AeadContext& shared) {
  reset();
  alg_ = alg;
  if (key.size() != aead_key_size(alg)) return Status::BadArgument;
  if (shared.ctx_ == nullptr) {
    shared.ctx_ = EVP_CIPHER_CTX_new();
    if (shared.ctx_ == nullptr) return Status::CryptoFailure;
    shared.owner_ = nullptr;
    shared.cipher_set_ = false;
  }
  key_.assign(key);
  shared_ = &shared;
  // Set at the first use (context_for): until then the context may hold another key.
  if (shared.owner_ == this) shared.owner_ = nullptr;
  return {};
}

static bool fits_int(size_t n) { return n < (1u << 30); }

Outcome Aead::seal(ByteView nonce, ByteView aad, ByteView plaintext, std::span<uint8_t> out) {
  count_crypto_op(CryptoOp::AeadCalls);
  count_crypto_op(CryptoOp::AeadBytes, plaintext.size() + aad.size());
  if (!ready() || nonce.size() != kAeadNonceSize || out.size() < plaintext.size() + tag_size() ||
      !fits_int(plaintext.size()) || !fits_int(aad.size()))
    return Status::BadArgument;
  int len = 0;
  EVP_CIPHER_CTX* ctx = context_for(1);
  if (ctx == nullptr || EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), 1) != 1)
    return Status::CryptoFailure;
  if (ccm() && EVP_EncryptUpdate(ctx, nullptr, &len, nullptr, static_cast<int>(plaintext.size())) != 1)
    return Status::CryptoFailure;
  if (!aad.empty() && EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return Status::CryptoFailure;
  // CCM needs the update call even for an empty plaintext, with a non-null
  // input (a null one means "set the length").
  static const uint8_t kNothing = 0;
  if ((!plaintext.empty() || ccm()) &&
      EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.empty() ? &kNothing : plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1)
    return Status::CryptoFailure;
  if (EVP_EncryptFinal_ex(ctx, out.data() + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size()),
                          out.data() + plaintext.size()) != 1)
    return Status::CryptoFailure;
  return {};
}

Outcome Aead::open(ByteView nonce, ByteView aad, ByteView ciphertext, std::span<uint8_t> out) {
  count_crypto_op(CryptoOp::AeadCalls);
  count_crypto_op(CryptoOp::AeadBytes, ciphertext.size() + aad.size());
  if (!ready() || nonce.size() != kAeadNonceSize) return Status::BadArgument;
  if (ciphertext.size() < tag_size()) return Status::TlsBadRecordMac;
  size_t body = ciphertext.size() - tag_size();
  if (out.size() < body || !fits_int(body) || !fits_int(aad.size())) return Status::BadArgument;
  auto* tag = const_cast<uint8_t*>(ciphertext.data() + body);
  int len = 0;
  EVP_CIPHER_CTX* ctx = context_for(0);
  bool ok = ctx != nullptr && EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), 0) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size()), tag) == 1;
  if (ok && ccm()) ok = EVP_DecryptUpdate(ctx, nullptr, &len, nullptr, static_cast<int>(body)) == 1;
  if (ok && !aad.empty())
    ok = EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  if (!ok) return Status::CryptoFailure;
  // For CCM the tag is checked inside this update; for GCM in Final.
  uint8_t nowhere = 0;  // CCM wants a non-null output even for an empty body
  if ((body != 0 || ccm()) &&
      EVP_DecryptUpdate(ctx, body != 0 ? out.data() : &nowhere, &len, ciphertext.data(), static_cast<int>(body)) != 1) {
    wipe(out.data(), body);
    return Status::TlsBadRecordMac;
  }
  if (!ccm() && EVP_DecryptFinal_ex(ctx, out.data() + body, &len) != 1) {
    wipe(out.data(), body);  // never hand out unauthenticated plaintext
    return Status::TlsBadRecordMac;
  }
  return {};
}

}  // namespace setls
