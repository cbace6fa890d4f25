// What an application chooses about a TLS connection. Everything here is an
// offer or a preference: the chip checks the ClientHello built from it
// against its own policy and refuses anything outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/bus/tls_messages.h"
#include "common/bytes/bytes.h"
#include "common/tls/constants.h"

namespace setls::host {

// A ticket the server issued. The resumption secret stays in the chip's
// ticket cache (entry `chip_entry`); the host keeps only what it must send.
// TLS 1.2 sessions come the same way (the master secret stays in the chip):
// a RFC 5077 ticket, or the server's session id when `session_id` is set.
struct ResumptionTicket {
  uint16_t chip_entry = 0;
  uint16_t suite = 0;        // binders use this suite's hash
  std::string server_name;   // valid only towards this name
  Bytes ticket;              // the identity to present
  uint32_t lifetime_s = 0;
  uint64_t received_ms = 0;  // host clock
  uint16_t version = tls::kTls13;  // the version it resumes; kTls12 needs TLS 1.2 offered
  bool session_id = false;         // TLS 1.2: `ticket` is the server's session id

  bool expired(uint64_t now_ms) const { return now_ms >= received_ms + uint64_t{lifetime_s} * 1000; }
};

struct ClientConfig {
  // The name the server must prove (DNS name, or an IPv4/IPv6 literal).
  // The chip fixes it at session start; SNI carries it when it is a DNS name.
  std::string server_name;
  std::vector<std::string> alpn;  // offered protocols, in preference order
  bus::RecordMode record_mode = bus::RecordMode::Chip;
  // Versions to offer: kTls13 and/or kTls12; empty = both (TLS 1.3
  // preferred; the chip refuses a TLS 1.2 answer that carries the downgrade
  // sentinel when 1.3 was offered).
  std::vector<uint16_t> versions;
  // Suites to offer, in preference order; empty = every allowed one of the
  // offered versions.
  std::vector<uint16_t> suites;
  // Groups to offer; the first gets a key share. Empty = P-256, P-384.
  std::vector<uint16_t> groups;
  // The largest record plaintext this side accepts (64..16384); smaller
  // buffers are announced with record_size_limit (RFC 8449).
  size_t receive_buffer = 16384;
  // Resume with this ticket when it suits the server name and is fresh.
  std::optional<ResumptionTicket> resume;
  // The host clock (ms since the epoch); the chip refuses times before its floor.
  std::function<uint64_t()> clock_ms;

  uint64_t now_ms() const;
};

}  // namespace setls::host
