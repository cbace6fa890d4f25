#include "chip/tls/key_schedule13.h"

#include <array>
#include <cstring>

#include "common/bytes/writer.h"
#include "common/crypto/kdf.h"

namespace setls::chip::tls13 {

const char* label_text(Label label) {
  switch (label) {
    case Label::ExternalBinder: return "ext binder";
    case Label::ResumptionBinder: return "res binder";
    case Label::Derived: return "derived";
    case Label::ClientHandshakeTraffic: return "c hs traffic";
    case Label::ServerHandshakeTraffic: return "s hs traffic";
    case Label::ClientApplicationTraffic: return "c ap traffic";
    case Label::ServerApplicationTraffic: return "s ap traffic";
    case Label::ExporterMaster: return "exp master";
    case Label::ResumptionMaster: return "res master";
    case Label::Key: return "key";
    case Label::Iv: return "iv";
    case Label::Finished: return "finished";
    case Label::TrafficUpdate: return "traffic upd";
    case Label::Resumption: return "resumption";
  }
  return "";
}

Secret expand_label(HashAlg hash, ByteView secret, Label label, ByteView context, size_t length) {
  // HkdfLabel: u16 length ‖ vec8("tls13 " ‖ label) ‖ vec8(context); one
  // allocation of the exact size (at most 2 + 1 + 6 + 12 + 1 + 48 bytes).
  std::string_view text = label_text(label);
  Bytes info;
  info.reserve(2 + 1 + 6 + text.size() + 1 + context.size());
  Writer w(info);
  w.u16(static_cast<uint16_t>(length));
  w.prefixed8([&](Writer& l) { l.bytes(as_bytes("tls13 ")).bytes(as_bytes(text)); });
  w.vec8(context);
  return hkdf_expand(hash, secret, info, length);
}

Secret derive_secret(HashAlg hash, ByteView secret, Label label, ByteView transcript_hash) {
  return expand_label(hash, secret, label, transcript_hash, hash_size(hash));
}

TrafficKeys traffic_keys(HashAlg hash, AeadAlg aead, ByteView traffic_secret) {
  return {expand_label(hash, traffic_secret, Label::Key, {}, aead_key_size(aead)),
          expand_label(hash, traffic_secret, Label::Iv, {}, kAeadNonceSize)};
}

Secret finished_mac(HashAlg hash, ByteView base_key, ByteView transcript_hash) {
  Secret finished_key = expand_label(hash, base_key, Label::Finished, {}, hash_size(hash));
  return hmac(hash, finished_key.view(), transcript_hash);
}

Secret next_traffic_secret(HashAlg hash, ByteView traffic_secret) {
  return expand_label(hash, traffic_secret, Label::TrafficUpdate, {}, hash_size(hash));
}

Secret resumption_psk(HashAlg hash, ByteView resumption_master_secret, ByteView ticket_nonce) {
  return expand_label(hash, resumption_master_secret, Label::Resumption, ticket_nonce, hash_size(hash));
}

namespace {
// The hash of the empty string, the context of each "derived" step.
Digest empty_hash(HashAlg hash) { return digest(hash, {}); }

std::array<uint8_t, kMaxHashSize> zeros{};
ByteView zero_key(HashAlg hash) { return {zeros.data(), hash_size(hash)}; }
}  // namespace

EarlySecret EarlySecret::without_psk(HashAlg hash) { return from_psk(hash, zero_key(hash)); }

EarlySecret EarlySecret::from_psk(HashAlg hash, ByteView psk) {
  return EarlySecret(hash, hkdf_extract(hash, zero_key(hash), psk));
}

Secret EarlySecret::resumption_binder_key() const {
  return derive_secret(hash_, secret_.view(), Label::ResumptionBinder, empty_hash(hash_).view());
}

HandshakeSecret EarlySecret::to_handshake(ByteView ecdhe_shared_secret) && {
  Secret derived = derive_secret(hash_, secret_.view(), Label::Derived, empty_hash(hash_).view());
  secret_.clear();
  return HandshakeSecret(hash_, hkdf_extract(hash_, derived.view(), ecdhe_shared_secret));
}

Secret HandshakeSecret::client_traffic(ByteView transcript_hash) const {
  return derive_secret(hash_, secret_.view(), Label::ClientHandshakeTraffic, transcript_hash);
}

Secret HandshakeSecret::server_traffic(ByteView transcript_hash) const {
  return derive_secret(hash_, secret_.view(), Label::ServerHandshakeTraffic, transcript_hash);
}

MasterSecret HandshakeSecret::to_master() && {
  Secret derived = derive_secret(hash_, secret_.view(), Label::Derived, empty_hash(hash_).view());
  secret_.clear();
  return MasterSecret(hash_, hkdf_extract(hash_, derived.view(), zero_key(hash_)));
}

Secret MasterSecret::client_traffic(ByteView transcript_hash) const {
  return derive_secret(hash_, secret_.view(), Label::ClientApplicationTraffic, transcript_hash);
}

Secret MasterSecret::server_traffic(ByteView transcript_hash) const {
  return derive_secret(hash_, secret_.view(), Label::ServerApplicationTraffic, transcript_hash);
}

Secret MasterSecret::resumption_master(ByteView transcript_hash) const {
  return derive_secret(hash_, secret_.view(), Label::ResumptionMaster, transcript_hash);
}

}  // namespace setls::chip::tls13
