// The host–chip secure channel (docs/secure-channel.md), shared by both ends.
//
// Pairing (manufacturing) gives each side the other's static P-256 key. Each
// connection then runs a signed ephemeral ECDH (SIGMA-style):
//   host → ChannelOpen   host_ephemeral ‖ host_random
//   chip ← chip_ephemeral ‖ chip_random ‖ Sign_chip(th)
//   host → ChannelFinish Sign_host(th)
// with th = SHA-256("setls/channel/v1" ‖ serial ‖ both ephemerals ‖ both randoms).
// Every later frame carries the SECURE flag and an AES-128-GCM payload whose
// nonce is the direction's IV XOR a frame counter, with the frame header as
// associated data. Any failure closes the channel.
#pragma once

#include <array>
#include <cstdint>

#include "common/bus/frame.h"
#include "common/bus/messages.h"
#include "common/crypto/aead.h"
#include "common/crypto/ec.h"
#include "common/secure/secret.h"

namespace setls::bus {

constexpr size_t kChannelRandomSize = 32;
constexpr size_t kChannelTagSize = 16;
// Largest plaintext a secure frame carries.
constexpr size_t kMaxSecurePayload = kMaxPayload - kChannelTagSize;

struct ChannelOpenRequest {
  Bytes host_ephemeral;  // uncompressed P-256 point
  std::array<uint8_t, kChannelRandomSize> host_random{};
  void encode(Writer& w) const;
  static bool parse(Reader& r, ChannelOpenRequest& out);
};

struct ChannelOpenResponse {
  Bytes chip_ephemeral;
  std::array<uint8_t, kChannelRandomSize> chip_random{};
  Bytes signature;  // by the chip's channel key over the transcript
  void encode(Writer& w) const;
  static bool parse(Reader& r, ChannelOpenResponse& out);
};

Digest channel_transcript(const Serial& serial, const ChannelOpenRequest& open, ByteView chip_ephemeral,
                          ByteView chip_random);

// One side's keys and counters once the channel is up.
class ChannelCipher {
 public:
  enum class Side { Host, Chip };
  static Result<ChannelCipher> derive(Side side, ByteView shared_secret, const Digest& transcript);

  // Encodes a SECURE frame carrying `plaintext`.
  Result<Bytes> seal(Frame header, ByteView plaintext);
  // Authenticates and decrypts a SECURE frame's payload.
  Result<Bytes> open(const Frame& frame);
  // The same with the caller's buffers, whose capacity is reused: a host
  // driver seals every frame into one buffer (its content is replaced) and
  // collects every answer in another (the plaintext is appended) instead of
  // a new vector per frame.
  Outcome seal_into(Frame header, ByteView plaintext, Bytes& frame);
  Outcome open_append(const Frame& frame, Bytes& out);

 private:
  Aead send_, recv_;
  Secret send_iv_, recv_iv_;
  uint64_t send_counter_ = 0;
  uint64_t recv_counter_ = 0;
};

}  // namespace setls::bus
