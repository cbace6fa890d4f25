// Payloads of the TLS session commands (docs/bus-protocol.md §6). The chip
// runs the handshake; the host moves bytes between the server and the chip:
//
//   TlsStart      options + ClientHello template  → handle + final ClientHello
//   TlsHandshake  handle + server records          → records to send, progress,
//                                                    and at the end a summary
//                                                    (+ traffic keys in host mode)
//   TlsRetry      handle + second ClientHello      → final second ClientHello (after HRR)
//   TlsRecordIn   handle + records (chip mode)     → application data, events
//   TlsSeal       handle + plaintext (chip mode)   → records
//   TlsPostHandshake handle + message (host mode)  → ticket / new keys
//   TlsKeyUpdate  handle                           → our next keys (host) or record (chip)
//   TlsEnd        handle                           → session wiped
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/secure/secret.h"

namespace setls::bus {

enum class RecordMode : uint8_t { Host = 1, Chip = 2 };
enum class NameKind : uint8_t { Dns = 1, Ip = 2 };

struct TlsStartRequest {
  RecordMode mode = RecordMode::Host;
  NameKind name_kind = NameKind::Dns;
  std::string name;            // DNS name, or the IP address bytes (4 or 16) for Ip
  uint64_t unix_time_ms = 0;   // the host's clock; checked against the chip's time floor
  uint16_t resume_id = 0;      // a ticket cache entry to resume, 0 for none
  Bytes client_hello;          // handshake message with random, key shares, binders zeroed
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsStartRequest& out);
};

struct TlsStartResponse {
  uint32_t handle = 0;
  Bytes client_hello;  // the message to send, as the chip hashed it
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsStartResponse& out);
};

struct HandleAndBytes {
  uint32_t handle = 0;
  Bytes data;
  void encode(Writer& w) const;
  static bool parse(Reader& r, HandleAndBytes& out);
};

// One direction's traffic protection, released to the host in host record mode.
struct TrafficKey {
  Bytes key;  // wiped by the host's record layer after use
  Bytes iv;
  uint64_t sequence = 0;
  void encode(Writer& w) const;
  static bool parse(Reader& r, TrafficKey& out);
};

// What a finished handshake negotiated.
struct TlsSummary {
  uint16_t version = 0;
  uint16_t suite = 0;
  uint16_t group = 0;
  enum Flags : uint8_t {
    kClientAuthenticated = 0x01,  // we sent a certificate and signed
    kResumed = 0x02,
    kExtendedMasterSecret = 0x04,
    kServerRequestedCert = 0x08,
    kSessionId = 0x10,  // TLS 1.2: session_ticket is the server's session id, not a ticket
  };
  uint8_t flags = 0;
  std::string alpn;               // the protocol the server selected, or empty
  uint16_t peer_record_limit = 0; // largest plaintext the server accepts (RSL / MFL), 0 = 16384
  uint16_t resume_id = 0;         // ticket cache entry created (TLS 1.2 session), 0 if none
  Bytes session_ticket;           // TLS 1.2 ticket or session id to send when resuming
  std::vector<std::string> chain_subjects;  // leaf first (for the summary line)
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsSummary& out);
};

enum class HandshakeProgress : uint8_t {
  NeedMore = 1,  // send `output` (if any), then feed more server records
  Retry = 2,     // HelloRetryRequest: build a new ClientHello for `retry_group`
  Done = 3,      // authenticated; see summary (and keys in host record mode)
};

struct TlsHandshakeResponse {
  HandshakeProgress progress = HandshakeProgress::NeedMore;
  uint32_t consumed = 0;  // bytes of the input taken; the rest belongs to the record layer
  Bytes output;           // records to send to the server, in order
  uint16_t retry_group = 0;
  Bytes retry_cookie;
  std::optional<TlsSummary> summary;  // Done
  std::optional<TrafficKey> client_key;  // Done, host record mode
  std::optional<TrafficKey> server_key;
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsHandshakeResponse& out);
};

struct TlsTicket {
  uint16_t id = 0;       // chip ticket cache entry
  uint32_t lifetime = 0; // seconds
  Bytes ticket;          // identity to send when resuming
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsTicket& out);
};

// Chip record mode: what came out of the server's records.
struct TlsRecordInResponse {
  uint32_t consumed = 0;
  Bytes application_data;
  Bytes output;          // records the chip wants sent (a KeyUpdate answer)
  std::vector<TlsTicket> tickets;
  uint8_t alert = 0xFF;  // 0xFF: none; 0 close_notify; otherwise a fatal alert received
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsRecordInResponse& out);
};

struct TlsSealRequest {
  uint32_t handle = 0;
  uint8_t content_type = 23;
  Bytes plaintext;
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsSealRequest& out);
};

// Host record mode: the answer to a post-handshake message from the server.
struct TlsPostHandshakeResponse {
  std::optional<TlsTicket> ticket;          // NewSessionTicket
  std::optional<TrafficKey> server_key;     // KeyUpdate: the server's next key
  std::optional<TrafficKey> client_key;     // KeyUpdate with update_requested: ours too
  Bytes message;                            // KeyUpdate to send under our current key
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsPostHandshakeResponse& out);
};

struct TlsKeyUpdateResponse {
  Bytes message_or_record;  // host mode: KeyUpdate message to seal under the old key;
                            // chip mode: the sealed record
  std::optional<TrafficKey> client_key;
  void encode(Writer& w) const;
  static bool parse(Reader& r, TlsKeyUpdateResponse& out);
};

}  // namespace setls::bus
