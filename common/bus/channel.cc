#include "common/bus/channel.h"

#include "common/crypto/kdf.h"

namespace setls::bus {

namespace {

void nonce_for(ByteView iv, uint64_t counter, uint8_t out[kAeadNonceSize]) {
  for (size_t i = 0; i < kAeadNonceSize; ++i) out[i] = iv[i];
  for (size_t i = 0; i < 8; ++i) out[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(counter >> (8 * i));
}

// The header as sent (with the ciphertext length) is the associated data:
// a flipped code, flag or sequence number fails the tag.
Bytes header_aad(const Frame& f, size_t ciphertext_size) {
  Bytes aad;
  Writer(aad).u8(f.marker).u8(f.flags).u16(f.seq).u16(f.code).u16(static_cast<uint16_t>(ciphertext_size));
  return aad;
}

}  // namespace

void ChannelOpenRequest::encode(Writer& w) const { w.vec8(host_ephemeral).bytes(host_random); }

bool ChannelOpenRequest::parse(Reader& r, ChannelOpenRequest& out) {
  Reader point;
  if (!r.prefixed8(point, 65, 65) || !r.copy(out.host_random)) return false;
  out.host_ephemeral.assign(point.rest().begin(), point.rest().end());
  return true;
}

void ChannelOpenResponse::encode(Writer& w) const { w.vec8(chip_ephemeral).bytes(chip_random).vec8(signature); }

bool ChannelOpenResponse::parse(Reader& r, ChannelOpenResponse& out) {
  Reader point, sig;
  if (!r.prefixed8(point, 65, 65) || !r.copy(out.chip_random) || !r.prefixed8(sig, 8, 80)) return false;
  out.chip_ephemeral.assign(point.rest().begin(), point.rest().end());
  out.signature.assign(sig.rest().begin(), sig.rest().end());
  return true;
}

Digest channel_transcript(const Serial& serial, const ChannelOpenRequest& open, ByteView chip_ephemeral,
                          ByteView chip_random) {
  Bytes t;
  Writer(t).bytes(as_bytes("setls/channel/v1")).bytes(serial).vec8(open.host_ephemeral).bytes(open.host_random)
      .vec8(chip_ephemeral).bytes(chip_random);
  return digest(HashAlg::Sha256, t);
}

Result<ChannelCipher> ChannelCipher::derive(Side side, ByteView shared_secret, const Digest& transcript) {
  Secret prk = hkdf_extract(HashAlg::Sha256, transcript.view(), shared_secret);
  auto expand = [&](const char* label, size_t n) { return hkdf_expand(HashAlg::Sha256, prk.view(), as_bytes(label), n); };
  Secret h2c_key = expand("setls channel host->chip key", 16);
  Secret c2h_key = expand("setls channel chip->host key", 16);
  Secret h2c_iv = expand("setls channel host->chip iv", kAeadNonceSize);
  Secret c2h_iv = expand("setls channel chip->host iv", kAeadNonceSize);
  bool host = side == Side::Host;
  ChannelCipher c;
  SETLS_TRY(c.send_.init(AeadAlg::Aes128Gcm, (host ? h2c_key : c2h_key).view()));
  SETLS_TRY(c.recv_.init(AeadAlg::Aes128Gcm, (host ? c2h_key : h2c_key).view()));
  c.send_iv_ = host ? std::move(h2c_iv) : std::move(c2h_iv);
  c.recv_iv_ = host ? std::move(c2h_iv) : std::move(h2c_iv);
  return c;
}

Result<Bytes> ChannelCipher::seal(Frame header, ByteView plaintext) {
  if (plaintext.size() > kMaxSecurePayload) return Status::BusFrameTooLarge;
  header.flags |= kFlagSecure;
  Bytes ciphertext(plaintext.size() + kChannelTagSize);
  uint8_t n[kAeadNonceSize];
  nonce_for(send_iv_.view(), send_counter_, n);
  SETLS_TRY(send_.seal(n, header_aad(header, ciphertext.size()), plaintext, ciphertext));
  ++send_counter_;
  header.payload = ciphertext;
  return encode_frame(header);
}

Result<Bytes> ChannelCipher::open(const Frame& frame) {
  if ((frame.flags & kFlagSecure) == 0 || frame.payload.size() < kChannelTagSize) return Status::BusChannelAuth;
  Bytes plaintext(frame.payload.size() - kChannelTagSize);
  uint8_t n[kAeadNonceSize];
  nonce_for(recv_iv_.view(), recv_counter_, n);
  if (!recv_.open(n, header_aad(frame, frame.payload.size()), frame.payload, plaintext)) return Status::BusChannelAuth;
  ++recv_counter_;
  return plaintext;
}

}  // namespace setls::bus
