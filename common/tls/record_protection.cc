#include "common/tls/record_protection.h"

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

#include <cstring>

namespace setls::tls {

namespace {
constexpr size_t kHeader = 5;
constexpr size_t kMaxPlaintext = 16384;
constexpr size_t kExplicitNonce = 8;  // TLS 1.2 AEAD: the sequence number, sent

// Big-endian stores into a buffer whose size the caller checked.
uint8_t* put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
  return p + 2;
}
uint8_t* put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return p + 8;
}
uint8_t* put_header(uint8_t* p, uint8_t type, size_t length) {
  p[0] = type;
  return put16(put16(p + 1, 0x0303), static_cast<uint16_t>(length));
}
}  // namespace

uint64_t aead_record_limit(AeadAlg aead) {
  switch (aead) {
    case AeadAlg::Aes128Gcm:
    case AeadAlg::Aes256Gcm: return (1ull << 24) - (1ull << 16);  // 2^24.5 allowed
    case AeadAlg::Aes128Ccm:
    case AeadAlg::Aes256Ccm: return (1ull << 23) - (1ull << 16);  // 2^23.5 allowed
    case AeadAlg::Aes128Ccm8: return (1ull << 20);                // CCM-8's 64-bit tag
  }
  return 0;
}

uint64_t aead_open_limit(AeadAlg aead) {
  switch (aead) {
    case AeadAlg::Aes128Gcm:
    case AeadAlg::Aes256Gcm: return 23726566;  // floor(2^24.5), RFC 8446 §5.5
    case AeadAlg::Aes128Ccm:
    case AeadAlg::Aes256Ccm: return 11863283;  // floor(2^23.5), RFC 9147 §4.5.3
    case AeadAlg::Aes128Ccm8: return (1ull << 20);  // TLS 1.2 only, as for sending
  }
  return 0;
}

Outcome RecordProtection::init(uint16_t version, const SuiteInfo& suite, ByteView key, ByteView iv,
                               uint64_t sequence, AeadContext& shared) {
  return init_with(version, suite, iv, sequence, [&] { return aead_.init(suite.aead, key, shared); });
}

Outcome RecordProtection::init(uint16_t version, const SuiteInfo& suite, ByteView key, ByteView iv,
                               uint64_t sequence) {
  return init_with(version, suite, iv, sequence, [&] { return aead_.init(suite.aead, key); });
}

template <class InitAead>
Outcome RecordProtection::init_with(uint16_t version, const SuiteInfo& suite, ByteView iv, uint64_t sequence,
                                    InitAead&& init_aead) {
  if (version != suite.version || iv.size() != suite.iv_size) return Status::BadArgument;
  SETLS_TRY(init_aead());
  iv_.assign(iv);
  version_ = version;
  sequence_ = sequence;
  limit_ = aead_record_limit(suite.aead);
  open_limit_ = aead_open_limit(suite.aead);
  return {};
}

size_t RecordProtection::overhead() const {
  return kHeader + aead_.tag_size() + (version_ == kTls13 ? 1 : kExplicitNonce);
}

void RecordProtection::nonce(uint8_t out[kAeadNonceSize], ByteView explicit_part) const {
  ByteView iv = iv_.view();
  if (version_ == kTls13) {
    // The static IV XOR the 64-bit sequence number, left-padded to 12 bytes.
    for (size_t i = 0; i < kAeadNonceSize; ++i) out[i] = iv[i];
    for (size_t i = 0; i < 8; ++i) out[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(sequence_ >> (8 * i));
  } else {
    // salt(4) ‖ explicit nonce(8).
    for (size_t i = 0; i < 4; ++i) out[i] = iv[i];
    for (size_t i = 0; i < kExplicitNonce; ++i) out[4 + i] = explicit_part[i];
  }
}

size_t RecordProtection::plaintext_offset() const { return kHeader + (version_ == kTls13 ? 0 : kExplicitNonce); }

Outcome RecordProtection::seal(ContentType type, ByteView plaintext, Bytes& out) {
  if (!ready() || plaintext.size() > kMaxPlaintext) return Status::BadArgument;
  size_t start = out.size();
  out.resize(start + plaintext.size() + overhead());
  auto sealed = seal_into(type, plaintext, std::span<uint8_t>(out).subspan(start));
  if (!sealed) {
    out.resize(start);
    return sealed.error();
  }
  return {};
}

Result<size_t> RecordProtection::seal_into(ContentType type, ByteView plaintext, std::span<uint8_t> out) {
  if (!ready() || plaintext.size() > kMaxPlaintext) return Status::BadArgument;
  if (remaining() == 0) return Status::TlsRecordOverflow;  // the key is worn out
  size_t tag = aead_.tag_size();
  size_t size = plaintext.size() + overhead();
  if (out.size() < size) return Status::BadArgument;
  uint8_t* text = out.data() + plaintext_offset();
  if (plaintext.data() != text && !plaintext.empty()) std::memmove(text, plaintext.data(), plaintext.size());
  uint8_t n[kAeadNonceSize];
  Outcome o;
  if (version_ == kTls13) {
    // TLSInnerPlaintext = content ‖ type; the outer type is always application_data.
    size_t body = plaintext.size() + 1 + tag;
    put_header(out.data(), static_cast<uint8_t>(ContentType::ApplicationData), body);
    text[plaintext.size()] = static_cast<uint8_t>(type);
    nonce(n, {});
    std::span<uint8_t> inner(text, plaintext.size() + 1);
    o = aead_.seal(n, ByteView(out.data(), kHeader), inner, out.subspan(kHeader, body));
  } else {
    size_t body = kExplicitNonce + plaintext.size() + tag;
    put64(put_header(out.data(), static_cast<uint8_t>(type), body), sequence_);
    nonce(n, out.subspan(kHeader, kExplicitNonce));
    // additional_data = seq_num ‖ type ‖ version ‖ plaintext length.
    uint8_t aad[13];
    put_header(put64(aad, sequence_), static_cast<uint8_t>(type), plaintext.size());
    std::span<uint8_t> data(text, plaintext.size() + tag);
    o = aead_.seal(n, ByteView(aad, sizeof aad), data.first(plaintext.size()), data);
  }
  wipe(n, sizeof n);  // at sequence 0 the nonce is the static IV itself
  if (!o) return o.error();
  ++sequence_;
  return size;
}

Result<OpenedRecord> RecordProtection::open(std::span<uint8_t> record) {
  if (!ready()) return Status::BadArgument;
  // The peer should have sent a KeyUpdate by now; no more records under this key.
  if (remaining_to_open() == 0) return Status::ServerKeyWornOut;
  Reader r(record);
  uint8_t outer_type = 0;
  uint16_t version = 0, length = 0;
  if (!r.u8(outer_type) || !r.u16(version) || !r.u16(length) || length != r.remaining())
    return Status::TlsDecode;
  size_t tag = aead_.tag_size();
  uint8_t n[kAeadNonceSize];
  std::span<uint8_t> body = record.subspan(kHeader);
  OpenedRecord opened;
  if (version_ == kTls13) {
    if (outer_type != static_cast<uint8_t>(ContentType::ApplicationData)) return Status::TlsUnexpectedMessage;
    if (length > kMaxPlaintext + 256) return Status::TlsRecordOverflow;
    if (length < tag + 1) return Status::TlsBadRecordMac;
    nonce(n, {});
    std::span<uint8_t> plain = body.first(length - tag);
    Outcome o = aead_.open(n, ByteView(record.data(), kHeader), body, plain);
    wipe(n, sizeof n);  // at sequence 0 the nonce is the static IV itself
    if (!o) return o.error();
    // Strip the zero padding; the last non-zero byte is the real content type.
    size_t end = plain.size();
    while (end > 0 && plain[end - 1] == 0) --end;
    if (end == 0) return Status::TlsUnexpectedMessage;
    opened.type = static_cast<ContentType>(plain[end - 1]);
    opened.plaintext = ByteView(plain.data(), end - 1);
    if (opened.plaintext.size() > kMaxPlaintext) return Status::TlsRecordOverflow;
  } else {
    if (length > kMaxPlaintext + 2048) return Status::TlsRecordOverflow;
    if (length < kExplicitNonce + tag) return Status::TlsBadRecordMac;
    size_t plain_len = length - kExplicitNonce - tag;
    nonce(n, ByteView(body.data(), kExplicitNonce));
    uint8_t aad[13];
    put_header(put64(aad, sequence_), outer_type, plain_len);
    std::span<uint8_t> data = body.subspan(kExplicitNonce);
    Outcome o = aead_.open(n, ByteView(aad, sizeof aad), data, data.first(plain_len));
    wipe(n, sizeof n);
    if (!o) return o.error();
    opened.type = static_cast<ContentType>(outer_type);
    opened.plaintext = ByteView(data.data(), plain_len);
    if (plain_len > kMaxPlaintext) return Status::TlsRecordOverflow;
  }
  ++sequence_;
  return opened;
}

}  // namespace setls::tls
