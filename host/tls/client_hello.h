// The ClientHello *template* the host sends to the chip at TlsStart and
// after a HelloRetryRequest (docs/bus-protocol.md, TlsStart): every value
// that must be secret or fresh — random, session id, key shares, the PSK's
// obfuscated age and binder — is left as zeros of the right length for the
// chip to fill. The chip parses and checks the template against its policy.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/hash.h"
#include "common/result.h"

namespace setls::host {

struct HelloOffer {
  std::vector<uint16_t> versions = {0x0304};  // kTls13 and/or kTls12
  std::vector<uint16_t> suites;
  std::vector<uint16_t> groups;        // supported_groups
  std::vector<uint16_t> share_groups;  // a zeroed key_share entry for each
  std::string server_name;             // SNI; empty for an IP address
  std::vector<std::string> alpn;
  uint16_t record_size_limit = 0;      // 0: not sent
  uint8_t max_fragment_length = 0;     // RFC 6066 code 1..4; 0: not sent
  Bytes cookie;                        // the HelloRetryRequest cookie to echo
  Bytes ticket;                        // resumption: the PSK identity
  HashAlg ticket_hash = HashAlg::Sha256;
  // TLS 1.2 resumption (RFC 5077, RFC 5246 §7.4.1.2): the ticket sent in
  // session_ticket (empty: an empty one asks for a ticket), or the server's
  // session id sent as legacy_session_id instead of zeros.
  Bytes session_ticket12;
  Bytes session_id12;
};

// The whole handshake message (4-byte header included).
Result<Bytes> client_hello_template(const HelloOffer& offer);

// Every value setls offers by default, in preference order.
std::span<const uint16_t> default_suites13();
std::span<const uint16_t> default_suites12();  // ECDHE-ECDSA AEAD; CCM-8 last
std::span<const uint16_t> default_groups();
std::span<const uint16_t> offered_handshake_schemes();
std::span<const uint16_t> offered_certificate_schemes();

}  // namespace setls::host
