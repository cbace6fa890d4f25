// The AEAD wrapper against libcrypto's one-shot CCM and GCM, both ways and
// with one object doing both directions. A CCM regression: with AES-NI,
// libcrypto binds the bulk routine to the direction the key was set for, so
// opening a record of 16 bytes or more on an object keyed for sealing failed.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "common/crypto/aead.h"

namespace setls {
namespace {

Bytes reference_seal(AeadAlg alg, ByteView key, ByteView nonce, ByteView aad, ByteView pt) {
  const EVP_CIPHER* cipher = alg == AeadAlg::Aes128Ccm ? EVP_aes_128_ccm() : EVP_aes_128_gcm();
  bool ccm = alg == AeadAlg::Aes128Ccm;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  Bytes out(pt.size() + 16);
  int len = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(c, cipher, nullptr, nullptr, nullptr), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr), 1);
  if (ccm) {
    EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, nullptr), 1);
  }
  EXPECT_EQ(EVP_EncryptInit_ex(c, nullptr, nullptr, key.data(), nonce.data()), 1);
  if (ccm) {
    EXPECT_EQ(EVP_EncryptUpdate(c, nullptr, &len, nullptr, static_cast<int>(pt.size())), 1);
  }
  EXPECT_EQ(EVP_EncryptUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())), 1);
  const uint8_t nothing = 0;  // a null input would mean "set the length" to CCM
  EXPECT_EQ(EVP_EncryptUpdate(c, out.data(), &len, pt.empty() ? &nothing : pt.data(), static_cast<int>(pt.size())), 1);
  EXPECT_EQ(EVP_EncryptFinal_ex(c, out.data() + pt.size(), &len), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out.data() + pt.size()), 1);
  EVP_CIPHER_CTX_free(c);
  return out;
}

TEST(Aead, AgreesWithLibcryptoForEverySizeAndDirection) {
  const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const uint8_t aad[5] = {23, 3, 3, 0, 0};
  for (AeadAlg alg : {AeadAlg::Aes128Ccm, AeadAlg::Aes128Gcm}) {
    Aead both;
    ASSERT_TRUE(both.init(alg, key).ok());
    for (size_t n : {0u, 1u, 15u, 16u, 17u, 100u, 1000u, 16384u}) {
      uint8_t nonce[12] = {static_cast<uint8_t>(n)};
      Bytes pt(n, static_cast<uint8_t>(n));
      Bytes want = reference_seal(alg, key, nonce, aad, pt);
      Bytes sealed(n + 16);
      ASSERT_TRUE(both.seal(nonce, aad, pt, sealed).ok());
      EXPECT_EQ(sealed, want) << aead_name(alg) << " " << n;
      for (int round = 0; round < 2; ++round) {  // open, seal again, open: the direction flips each time
        Bytes opened(n);
        EXPECT_TRUE(both.open(nonce, aad, want, opened).ok()) << aead_name(alg) << " " << n;
        EXPECT_EQ(opened, pt);
        ASSERT_TRUE(both.seal(nonce, aad, pt, sealed).ok());
        EXPECT_EQ(sealed, want);
      }
      Aead reader;
      ASSERT_TRUE(reader.init(alg, key).ok());
      Bytes opened(n);
      EXPECT_TRUE(reader.open(nonce, aad, want, opened).ok()) << aead_name(alg) << " " << n;
      want[n / 2] ^= 1;
      EXPECT_EQ(reader.open(nonce, aad, want, opened).status(), Status::TlsBadRecordMac);
    }
  }
}

}  // namespace
}  // namespace setls
