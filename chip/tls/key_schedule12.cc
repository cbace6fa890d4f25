#include "chip/tls/key_schedule12.h"

#include <algorithm>

#include "common/crypto/kdf.h"

namespace setls::chip::tls12 {

Secret extended_master_secret(HashAlg prf, ByteView premaster, ByteView session_hash) {
  return tls12_prf(prf, premaster, "extended master secret", session_hash, kMasterSecretSize);
}

KeyBlock key_block(const tls::SuiteInfo& suite, ByteView master, const tls::Random& client_random,
                   const tls::Random& server_random) {
  // The seed is server_random ‖ client_random here (the master secret's was the other way).
  uint8_t seed[2 * tls::kRandomSize];
  std::copy(server_random.begin(), server_random.end(), seed);
  std::copy(client_random.begin(), client_random.end(), seed + tls::kRandomSize);
  size_t key = aead_key_size(suite.aead);
  size_t iv = suite.iv_size;
  Secret block = tls12_prf(suite.hash, master, "key expansion", seed, 2 * (key + iv));
  ByteView b = block.view();
  KeyBlock out;
  std::span<uint8_t> c = out.client.reset(key + iv);
  std::span<uint8_t> s = out.server.reset(key + iv);
  std::copy(b.begin(), b.begin() + static_cast<long>(key), c.begin());
  std::copy(b.begin() + static_cast<long>(key), b.begin() + static_cast<long>(2 * key), s.begin());
  std::copy(b.begin() + static_cast<long>(2 * key), b.begin() + static_cast<long>(2 * key + iv),
            c.begin() + static_cast<long>(key));
  std::copy(b.begin() + static_cast<long>(2 * key + iv), b.end(), s.begin() + static_cast<long>(key));
  return out;
}

Secret finished_verify_data(HashAlg prf, ByteView master, bool server, ByteView transcript_hash) {
  return tls12_prf(prf, master, server ? "server finished" : "client finished", transcript_hash, kVerifyDataSize);
}

}  // namespace setls::chip::tls12
