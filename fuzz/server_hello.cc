#include "fuzz/server_hello.h"

#include <algorithm>
#include <vector>

#include "chip/tls/key_schedule13.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"

namespace setls::fuzz {
namespace {

constexpr size_t kCachedAnswers = 8;

// One answer: the ServerHello record and the server handshake key and IV.
struct Answer {
  const EcKey* server_key = nullptr;
  Bytes client_hello;
  uint16_t suite = 0;
  Bytes server_hello_record;
  Secret key, iv;
};

bool derive(const EcKey& server_key, ByteView client_hello, uint16_t suite_id, Answer& out) {
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
  Writer(out.server_hello_record).u8(22).u16(0x0303).vec16(sh_message);

  Bytes transcript(client_hello.begin(), client_hello.end());
  append(transcript, sh_message);
  Digest th = digest(suite->hash, transcript);
  auto shared = server_key.ecdh(*chip_share);
  if (!shared) return false;
  auto hs = chip::tls13::EarlySecret::without_psk(suite->hash).to_handshake(shared->view());
  Secret server_hs = hs.server_traffic(th.view());
  auto keys = chip::tls13::traffic_keys(suite->hash, suite->aead, server_hs.view());
  out.server_key = &server_key;
  out.client_hello.assign(client_hello.begin(), client_hello.end());
  out.suite = suite_id;
  out.key = std::move(keys.key);
  out.iv = std::move(keys.iv);
  return true;
}

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

}  // namespace

bool answer_client_hello(const EcKey& server_key, ByteView client_hello, uint16_t suite_id, Bytes& records,
                         tls::RecordProtection& seal) {
  // With repeatable randomness the chip sends the same ClientHello for
  // every input, so a few answers serve the whole run.
  static std::vector<Answer> cache;
  auto hit = std::find_if(cache.begin(), cache.end(), [&](const Answer& a) {
    return a.server_key == &server_key && a.suite == suite_id && same(a.client_hello, client_hello);
  });
  if (hit == cache.end()) {
    Answer fresh;
    if (!derive(server_key, client_hello, suite_id, fresh)) return false;
    if (cache.size() >= kCachedAnswers) cache.erase(cache.begin());
    cache.push_back(std::move(fresh));
    hit = cache.end() - 1;
  }
  append(records, hit->server_hello_record);
  const tls::SuiteInfo* suite = tls::find_suite(suite_id);
  return seal.init(tls::kTls13, *suite, hit->key.view(), hit->iv.view()).ok();
}

}  // namespace setls::fuzz
