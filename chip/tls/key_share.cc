#include "chip/tls/key_share.h"

#include "common/tls/cipher_suite.h"

namespace setls::chip {

Result<Secret> key_share_secret(const EcKey& mine, uint16_t group, ByteView server_key_exchange) {
  std::optional<Curve> curve = tls::group_curve(group);
  if (!curve || !mine.valid() || mine.curve() != *curve) return Status::ServerGroupNotOffered;
  auto peer = EcKey::from_public_point(*curve, server_key_exchange);
  if (!peer) return Status::ServerKeyShareInvalid;
  // libcrypto validates the peer once more inside the derivation; a point
  // that fails there is the server's fault too, never a usable secret.
  auto shared = mine.ecdh(*peer);
  if (!shared) return Status::ServerKeyShareInvalid;
  return shared;
}

}  // namespace setls::chip
