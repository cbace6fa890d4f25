// One direction of protected TLS records (RFC 8446 §5.2-5.5, RFC 5288/6655
// for TLS 1.2 AEAD): the AEAD key, the per-record nonce, the sequence number
// and the AEAD usage limit. Used by the host record layer (host record mode)
// and by the chip's record engine (chip record mode) alike.
#pragma once

#include <cstdint>
#include <span>

#include "common/crypto/aead.h"
#include "common/result.h"
#include "common/secure/secret.h"
#include "common/tls/cipher_suite.h"

namespace setls::tls {

// Records a key may protect before it must be replaced (RFC 8446 §5.5 for
// GCM; RFC 9147 §4.5.3 / draft-irtf-cfrg-aead-limits for CCM and CCM-8),
// with a margin so that a KeyUpdate goes out first.
uint64_t aead_record_limit(AeadAlg aead);
// Records this side opens under one key of the peer before it refuses the
// next one (ServerKeyWornOut): the limit itself, without our sending margin,
// since a peer that updates at the limit is right to.
uint64_t aead_open_limit(AeadAlg aead);

struct OpenedRecord {
  ContentType type = ContentType::Invalid;
  ByteView plaintext;  // points into the record buffer passed to open()
};

class RecordProtection {
 public:
  // `iv` is the 12-byte static IV (TLS 1.3) or the 4-byte implicit salt (TLS 1.2).
  Outcome init(uint16_t version, const SuiteInfo& suite, ByteView key, ByteView iv, uint64_t sequence = 0);
  // The same on a cipher context shared with the other direction (a host
  // with little memory: see AeadContext).
  Outcome init(uint16_t version, const SuiteInfo& suite, ByteView key, ByteView iv, uint64_t sequence,
               AeadContext& shared);
  bool ready() const { return aead_.ready(); }

  // Appends one protected record (header included) carrying `plaintext`
  // (≤ 16384 bytes) of content `type`.
  Outcome seal(ContentType type, ByteView plaintext, Bytes& out);
  // Writes one protected record into `out` (which must hold
  // plaintext.size() + overhead()) and returns its size. `plaintext` may
  // already sit at out[plaintext_offset()]: then it is sealed in place,
  // without a copy; any other placement must not overlap `out`.
  Result<size_t> seal_into(ContentType type, ByteView plaintext, std::span<uint8_t> out);
  // Opens one whole record (5-byte header + body) in place.
  Result<OpenedRecord> open(std::span<uint8_t> record);

  uint64_t sequence() const { return sequence_; }
  // Records this key may still protect before it must be updated.
  uint64_t remaining() const { return limit_ > sequence_ ? limit_ - sequence_ : 0; }
  // Records of the peer this key may still open (aead_open_limit).
  uint64_t remaining_to_open() const { return open_limit_ > sequence_ ? open_limit_ - sequence_ : 0; }
  uint16_t version() const { return version_; }
  size_t overhead() const;  // bytes a record adds beyond its plaintext (header included)
  // Where the plaintext goes in a sealed record: after the header (and the
  // TLS 1.2 explicit nonce).
  size_t plaintext_offset() const;

 private:
  // The checks and state both init()s share, around keying the AEAD.
  template <class InitAead>
  Outcome init_with(uint16_t version, const SuiteInfo& suite, ByteView iv, uint64_t sequence, InitAead&& init_aead);
  void nonce(uint8_t out[kAeadNonceSize], ByteView explicit_part) const;

  Aead aead_;
  Secret iv_;
  uint16_t version_ = 0;
  uint64_t sequence_ = 0;
  uint64_t limit_ = 0;
  uint64_t open_limit_ = 0;
};

}  // namespace setls::tls
