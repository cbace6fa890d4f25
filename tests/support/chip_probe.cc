#include "tests/support/chip_probe.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "chip/nvm/medium.h"
#include "common/crypto/ec.h"

namespace setls::test {

Bytes state_bytes(const chip::NvmState& state) {
  auto body = state.serialize(chip::kBankSize);
  if (!body) throw std::runtime_error("state does not serialize: " + describe(body.error()));
  ByteView v = body->view();
  return Bytes(v.begin(), v.end());
}

Bytes state_bytes_without_device_key(const chip::NvmState& state) {
  chip::NvmState copy = state.clone();
  for (auto& o : copy.objects) {
    if (o.role == bus::ObjectRole::DeviceKey) {
      o.public_data.clear();
      o.private_der.clear();
    }
    if (o.role == bus::ObjectRole::DeviceCert) o.public_data.clear();
  }
  return state_bytes(copy);
}

ChipSnapshot snapshot(chip::Firmware& fw) { return {state_bytes(fw.state()), fw.storage().generation()}; }

Bytes device_private_scalar(const chip::NvmState& state) {
  const chip::StoredObject* obj = state.find_role(bus::ObjectRole::DeviceKey);
  if (obj == nullptr) return {};
  auto key = EcKey::from_private_der(obj->private_der.view());
  if (!key) throw std::runtime_error("stored device key does not parse");
  BIGNUM* priv = nullptr;
  if (EVP_PKEY_get_bn_param(key->pkey(), OSSL_PKEY_PARAM_PRIV_KEY, &priv) != 1)
    throw std::runtime_error("stored device key has no private scalar");
  Bytes scalar(curve_scalar_size(key->curve()));
  int n = BN_bn2binpad(priv, scalar.data(), static_cast<int>(scalar.size()));
  BN_clear_free(priv);
  if (n != static_cast<int>(scalar.size())) throw std::runtime_error("private scalar too large");
  return scalar;
}

bool contains(ByteView haystack, ByteView needle) {
  if (needle.empty()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace setls::test
