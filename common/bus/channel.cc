#include "common/bus/channel.h"

#include "common/bus/crc32.h"
#include "common/crypto/kdf.h"

namespace setls::bus {

namespace {

void nonce_for(ByteView iv, uint64_t counter, uint8_t out[kAeadNonceSize]) {
  for (size_t i = 0; i < kAeadNonceSize; ++i) out[i] = iv[i];
  for (size_t i = 0; i < 8; ++i) out[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(counter >> (8 * i));
}

// The header as sent (with the ciphertext length) is the associated data:
// a flipped code, flag or sequence number fails the tag.
std::array<uint8_t, kHeaderSize> header_aad(const Frame& f, size_t ciphertext_size) {
  auto n = static_cast<uint16_t>(ciphertext_size);
  return {f.marker, f.flags, static_cast<uint8_t>(f.seq >> 8), static_cast<uint8_t>(f.seq),
          static_cast<uint8_t>(f.code >> 8), static_cast<uint8_t>(f.code), static_cast<uint8_t>(n >> 8),
          static_cast<uint8_t>(n)};
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
  Bytes frame;
  SETLS_TRY(seal_into(header, plaintext, frame));
  return frame;
}

Outcome ChannelCipher::seal_into(Frame header, ByteView plaintext, Bytes& frame) {
  if (plaintext.size() > kMaxSecurePayload) return Status::BusFrameTooLarge;
  header.flags |= kFlagSecure;
  size_t ciphertext_size = plaintext.size() + kChannelTagSize;
  // Header, ciphertext, CRC: the payload is encrypted where it is sent from.
  frame.clear();
  Writer w(frame, kMaxFrame);
  w.u8(header.marker).u8(header.flags).u16(header.seq).u16(header.code).u16(static_cast<uint16_t>(ciphertext_size));
  if (!w.ok()) return Status::BusFrameTooLarge;
  frame.resize(kHeaderSize + ciphertext_size);
  uint8_t n[kAeadNonceSize];
  nonce_for(send_iv_.view(), send_counter_, n);
  Outcome o = send_.seal(n, ByteView(frame.data(), kHeaderSize), plaintext,
                         std::span<uint8_t>(frame).subspan(kHeaderSize, ciphertext_size));
  wipe(n, sizeof n);
  if (!o) {
    frame.clear();
    return o.error();
  }
  ++send_counter_;
  Writer(frame, kMaxFrame).u32(crc32(frame));
  return {};
}

Result<Bytes> ChannelCipher::open(const Frame& frame) {
  Bytes plaintext;
  SETLS_TRY(open_append(frame, plaintext));
  return plaintext;
}

Outcome ChannelCipher::open_append(const Frame& frame, Bytes& out) {
  if ((frame.flags & kFlagSecure) == 0 || frame.payload.size() < kChannelTagSize) return Status::BusChannelAuth;
  size_t start = out.size();
  out.resize(start + frame.payload.size() - kChannelTagSize);
  uint8_t n[kAeadNonceSize];
  nonce_for(recv_iv_.view(), recv_counter_, n);
  bool ok = recv_.open(n, header_aad(frame, frame.payload.size()), frame.payload,
                       std::span<uint8_t>(out).subspan(start)).ok();
  wipe(n, sizeof n);
  if (!ok) {
    out.resize(start);
    return Status::BusChannelAuth;
  }
  ++recv_counter_;
  return {};
}

}  // namespace setls::bus
