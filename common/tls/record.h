// TLS record framing (RFC 8446 §5.1-5.2, RFC 5246 §6.2) and the Alert
// message (RFC 8446 §6). Protection of record contents lives elsewhere; this
// only finds where records start and end in a stream of received bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/tls/codec.h"
#include "common/tls/constants.h"

namespace setls::tls {

constexpr size_t kRecordHeaderSize = 5;
constexpr size_t kMaxPlaintext = 16384;                   // 2^14
constexpr size_t kMaxCiphertext13 = kMaxPlaintext + 256;  // RFC 8446 §5.2
constexpr size_t kMaxCiphertext12 = kMaxPlaintext + 2048; // RFC 5246 §6.2.3

struct RecordHeader {
  ContentType type = ContentType::Invalid;
  uint16_t version = 0;  // legacy_record_version: not checked here (RFC 8446 §5.1 ignores it)
  uint16_t length = 0;
};

// change_cipher_spec, alert, handshake, application_data.
bool content_type_known(uint8_t type);

// The header at the start of `data` (which may go on with the fragment).
// Unknown content type: TlsUnexpectedMessage (RFC 8446 §5, RFC 5246 §6 — the
// alert is unexpected_message, not decode_error). Fewer than 5 bytes: TlsDecode.
Result<RecordHeader> parse_record_header(ByteView data);
void write_record_header(Writer& w, const RecordHeader& h);

// Where the first record in a buffer of received bytes ends.
struct RecordFrame {
  size_t size = 0;       // header + fragment, once complete; 0 until then
  size_t missing = 0;    // while incomplete: at least this many more bytes are needed
  RecordHeader header;   // once the 5 header bytes are there
  ByteView fragment;     // once complete: points into `received`
  bool complete() const { return size != 0; }
};

// Looks at the first record of `received`. Refuses it as soon as enough of
// the header is there to tell, before its body is buffered: an unknown
// content type (TlsUnexpectedMessage) or a length over `max_fragment`
// (TlsRecordOverflow; pass kMaxCiphertext13/12 for protected records,
// kMaxPlaintext before protection, or a negotiated limit plus expansion).
// Zero-length and per-type content rules are the record layer's.
Result<RecordFrame> frame_record(ByteView received, size_t max_fragment);

// RFC 8446 §6: level, description. A level other than warning(1) or fatal(2)
// is BadValue. Unknown descriptions are kept: the receiver treats them as fatal.
struct Alert {
  AlertLevel level = AlertLevel::Fatal;
  uint8_t description = 0;
  static bool parse(Reader& r, Alert& out);
  void encode(Writer& w) const;
};

}  // namespace setls::tls
