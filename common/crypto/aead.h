// AEAD ciphers used by TLS (AES-GCM, AES-CCM, AES-CCM-8) from libcrypto.
// A key is set once; each seal/open takes a fresh 12-byte nonce.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/secure/secret.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace setls {

enum class AeadAlg : uint8_t { Aes128Gcm = 1, Aes256Gcm, Aes128Ccm, Aes256Ccm, Aes128Ccm8 };

constexpr size_t kAeadNonceSize = 12;
size_t aead_key_size(AeadAlg alg);
size_t aead_tag_size(AeadAlg alg);
const char* aead_name(AeadAlg alg);

class Aead;

// One libcrypto cipher context that several keys take turns on (the two
// directions of one connection): a key whose turn it is not is set again
// before use. Each context costs about 1.1 KB of heap with OpenSSL 3's
// AES-GCM; sharing one trades that for a key schedule each time the
// direction changes. It must outlive the Aeads that use it.
class AeadContext {
 public:
  AeadContext() = default;
  AeadContext(const AeadContext&) = delete;
  AeadContext& operator=(const AeadContext&) = delete;
  ~AeadContext();  // freed (and wiped) by libcrypto

 private:
  friend class Aead;
  EVP_CIPHER_CTX* ctx_ = nullptr;
  const Aead* owner_ = nullptr;  // whose key is set
  bool cipher_set_ = false;      // the cipher of alg_ is set up, whatever the key
  AeadAlg alg_ = AeadAlg::Aes128Gcm;
  int enc_ = 1;
};

class Aead {
 public:
  Aead() = default;
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;
  Aead(Aead&& o) noexcept;
  Aead& operator=(Aead&& o) noexcept;
  ~Aead();  // the context holding the key schedule is freed (and wiped) by libcrypto

  Outcome init(AeadAlg alg, ByteView key);
  // The same on a context shared with other keys (see AeadContext); the key
  // is kept (wiped on reset) to be set again when its turn comes.
  Outcome init(AeadAlg alg, ByteView key, AeadContext& shared);
  bool ready() const { return ctx_ != nullptr || shared_ != nullptr; }
  AeadAlg alg() const { return alg_; }
  size_t tag_size() const { return aead_tag_size(alg_); }

  // out must hold plaintext.size() + tag_size(); in-place (out == plaintext) is fine.
  Outcome seal(ByteView nonce, ByteView aad, ByteView plaintext, std::span<uint8_t> out);
  // out must hold ciphertext.size() - tag_size(); fails with TlsBadRecordMac.
  Outcome open(ByteView nonce, ByteView aad, ByteView ciphertext, std::span<uint8_t> out);

 private:
  bool ccm() const;
  void reset();
  // CCM: libcrypto picks the bulk routine for one direction when the key is
  // set (AES-NI's ccm64 encrypt/decrypt blocks), so the key is set again
  // whenever the direction changes. Messages under 16 bytes hid this.
  // A shared context: the key is set again when another key used it.
  // Returns the context ready for this key and direction, or null.
  EVP_CIPHER_CTX* context_for(int enc);

  AeadAlg alg_ = AeadAlg::Aes128Gcm;
  EVP_CIPHER_CTX* ctx_ = nullptr;  // owned, or null with shared_
  AeadContext* shared_ = nullptr;
  Secret key_;  // CCM, or a shared context: to set the key again
  int keyed_enc_ = 1;
};

}  // namespace setls
