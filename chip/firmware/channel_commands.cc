// Pairing (manufacturing) and the per-connection channel handshake; the frame
// protection itself is in the bus port (chip/bus/port.cc).
#include "chip/firmware/commands.h"
#include "common/crypto/random.h"
#include "common/signed/signed_object.h"

namespace setls::chip::handlers {

Result<Bytes> pair_host(Firmware& fw, Connection&, ByteView payload) {
  ByteView spki;
  if (!bus::parse_vec16(payload, spki)) return Status::MalformedPayload;
  auto host_key = EcKey::from_spki_der(spki);
  if (!host_key) return host_key.error();
  // The chip's channel key is generated once; re-pairing only replaces the host.
  std::optional<EcKey> chip_key;
  if (!fw.state().find_role(bus::ObjectRole::ChipChannelKey)) {
    auto generated = EcKey::generate(Curve::P256);
    if (!generated) return generated.error();
    chip_key = std::move(*generated);
  }
  Bytes chip_spki;
  SETLS_TRY(fw.update([&](NvmState& s) -> Outcome {
    if (const StoredObject* old = s.find_role(bus::ObjectRole::HostKey)) s.remove(old->id);
    StoredObject host;
    host.kind = bus::ObjectKind::PublicKey;
    host.role = bus::ObjectRole::HostKey;
    host.policy = bus::default_policy(bus::ObjectRole::HostKey);
    host.curve = static_cast<uint8_t>(host_key->curve());
    host.public_data = host_key->spki_der();
    auto added = s.add(std::move(host));
    if (!added) return added.error();
    if (chip_key) {
      StoredObject own;
      own.kind = bus::ObjectKind::PrivateKey;
      own.role = bus::ObjectRole::ChipChannelKey;
      own.policy = bus::default_policy(bus::ObjectRole::ChipChannelKey);
      own.curve = static_cast<uint8_t>(Curve::P256);
      own.public_data = chip_key->spki_der();
      own.private_der = chip_key->private_der();
      auto own_added = s.add(std::move(own));
      if (!own_added) return own_added.error();
    }
    chip_spki = s.find_role(bus::ObjectRole::ChipChannelKey)->public_data;
    return {};
  }));
  return bus::encode_vec16(chip_spki);
}

Result<Bytes> channel_open(Firmware& fw, Connection& conn, ByteView payload) {
  if (conn.secure()) return Status::BusChannelAuth;  // one channel per connection
  bus::ChannelOpenRequest req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  const StoredObject* own = fw.state().find_role(bus::ObjectRole::ChipChannelKey);
  if (own == nullptr || !fw.state().find_role(bus::ObjectRole::HostKey)) return Status::ChannelRequired;
  auto host_eph = EcKey::from_public_point(Curve::P256, req.host_ephemeral);
  if (!host_eph) return host_eph.error();
  auto chip_eph = EcKey::generate(Curve::P256);
  if (!chip_eph) return chip_eph.error();
  auto shared = chip_eph->ecdh(*host_eph);
  if (!shared) return shared.error();
  auto chip_key = EcKey::from_private_der(own->private_der.view());
  if (!chip_key) return Status::NvmTampered;

  bus::ChannelOpenResponse rsp;
  rsp.chip_ephemeral = chip_eph->public_point();
  SETLS_TRY(random_bytes(rsp.chip_random));
  Digest th = bus::channel_transcript(fw.fuses().serial, req, rsp.chip_ephemeral, rsp.chip_random);
  auto sig = chip_key->sign(HashAlg::Sha256, signed_object::message_to_sign(signed_object::Kind::ChannelChip, th.view()));
  if (!sig) return sig.error();
  rsp.signature = std::move(*sig);
  conn.pending_channel = PendingChannel{std::move(*shared), th};
  return bus::encode(rsp);
}

Result<Bytes> channel_finish(Firmware& fw, Connection& conn, ByteView payload) {
  if (!conn.pending_channel || conn.secure()) return Status::BusChannelAuth;
  PendingChannel pending = std::move(*conn.pending_channel);
  conn.pending_channel.reset();
  ByteView signature;
  if (!bus::parse_vec16(payload, signature)) return Status::MalformedPayload;
  const StoredObject* host = fw.state().find_role(bus::ObjectRole::HostKey);
  if (host == nullptr || (host->policy & bus::kPolicyChannelPeer) == 0) return Status::ChannelRequired;
  auto host_key = EcKey::from_spki_der(host->public_data);
  if (!host_key) return Status::NvmTampered;
  if (!signed_object::verify(signed_object::Kind::ChannelHost, *host_key, pending.transcript.view(), signature))
    return Status::BusChannelAuth;
  auto cipher = bus::ChannelCipher::derive(bus::ChannelCipher::Side::Chip, pending.shared.view(), pending.transcript);
  if (!cipher) return cipher.error();
  conn.channel = std::move(*cipher);
  return Bytes{};
}

}  // namespace setls::chip::handlers
