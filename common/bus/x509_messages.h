// Payloads of X509_VERIFY (docs/bus-protocol.md): the host asks the chip to
// verify a server chain against the chip's stored roots, exactly as the
// handshake will, without opening a session or changing any state.
//
//   request   u8    name kind (1 DNS, 2 IP)
//             vec8  name: ASCII host name, or a 4/16-byte address
//             u64   UNIX time to verify at (refused below the chip's time floor)
//             u8    certificate count, then each certificate as vec16 DER, leaf first
//   response  vec16 leaf subject
//             u8    subject count, then each subject as vec16, leaf first, anchor last
//             u64   newest notBefore in the chain (UNIX seconds, two's complement)
//             vec16 leaf SubjectPublicKeyInfo DER
// A refusal carries the status and its detail (an X509_V_ERR code for
// ChainInvalid); see chip/x509/verify.h for which status means what.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::bus {

enum class PeerNameKind : uint8_t { Dns = 1, Ip = 2 };

struct X509VerifyRequest {
  PeerNameKind name_kind = PeerNameKind::Dns;
  ByteView name;               // views into the caller's buffer (host) or the payload (chip)
  uint64_t unix_time = 0;
  std::vector<ByteView> chain;  // DER, leaf first; the codec takes up to 255, the chip's policy fewer
  void encode(Writer& w) const;
  static bool parse(Reader& r, X509VerifyRequest& out);
};

struct X509VerifyResponse {
  std::string leaf_subject;
  std::vector<std::string> subjects;
  int64_t newest_not_before = 0;
  Bytes leaf_spki;
  void encode(Writer& w) const;
  static bool parse(Reader& r, X509VerifyResponse& out);
};

}  // namespace setls::bus
