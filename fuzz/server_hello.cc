#include "fuzz/server_hello.h"

#include "chip/tls/key_schedule13.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"

namespace setls::fuzz {

bool answer_client_hello(const EcKey& server_key, ByteView client_hello, uint16_t suite_id, Bytes& records,
                         tls::RecordProtection& seal) {
  const tls::SuiteInfo* suite = tls::find_suite(suite_id);
  if (suite == nullptr) return false;
  auto m = tls::parse_handshake(client_hello);
  if (!m) return false;
  auto ch = tls::decode_message<tls::ClientHello>(*m);
  if (!ch) return false;
  auto shares = tls::find_extension<tls::KeyShareClient>(ch->extensions);
  if (!shares || !shares->has_value() || (*shares)->shares.empty()) return false;
  auto chip_share = EcKey::from_public_point(Curve::P256, (*shares)->shares[0].key_exchange);
  if (!chip_share) return false;

  Bytes version = tls::encode_to_bytes(tls::SupportedVersionsServer{tls::kTls13});
  Bytes point = server_key.public_point();
  Bytes key_share = tls::encode_to_bytes(tls::KeyShareServer{tls::KeyShareEntry{23, point}});
  tls::Extension ext[] = {{static_cast<uint16_t>(tls::ExtensionType::SupportedVersions), version},
                          {static_cast<uint16_t>(tls::ExtensionType::KeyShare), key_share}};
  tls::ServerHello sh;
  sh.random.fill(0x5A);
  sh.legacy_session_id_echo = ch->legacy_session_id;
  sh.cipher_suite = suite_id;
  sh.extensions = tls::ExtensionList(ext);
  Bytes sh_message;
  Writer mw(sh_message);
  tls::write_message(mw, sh);
  if (!mw.ok()) return false;
  Writer(records).u8(22).u16(0x0303).vec16(sh_message);

  Bytes transcript(client_hello.begin(), client_hello.end());
  append(transcript, sh_message);
  Digest th = digest(suite->hash, transcript);
  auto shared = server_key.ecdh(*chip_share);
  if (!shared) return false;
  auto hs = chip::tls13::EarlySecret::without_psk(suite->hash).to_handshake(shared->view());
  Secret server_hs = hs.server_traffic(th.view());
  auto keys = chip::tls13::traffic_keys(suite->hash, suite->aead, server_hs.view());
  return seal.init(tls::kTls13, *suite, keys.key.view(), keys.iv.view()).ok();
}

}  // namespace setls::fuzz
