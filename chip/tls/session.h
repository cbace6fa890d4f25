// One TLS session slot in chip RAM: what the handshake engine knows at each
// step. The state says which members are meaningful; every secret is a
// Secret or an EcKey and is wiped as soon as the state that needs it is left
// (handshake secrets at Connected, ephemeral keys at ServerHello) and in any
// case when the slot is freed (TlsEnd, an abort, a disconnect, a power cycle).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chip/tls/key_schedule13.h"
#include "chip/tls/transcript.h"
#include "chip/x509/verify.h"
#include "common/bus/tls_messages.h"
#include "common/crypto/ec.h"
#include "common/crypto/hash.h"
#include "common/secure/secret.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "common/tls/record_protection.h"

namespace setls::chip {

// Largest handshake message body the chip buffers (a server Certificate is
// the big one). With one record of plaintext on top, a slot's assembler
// never holds more than 32 KiB.
constexpr size_t kMaxServerHandshakeBody = 16384;

// One state per message the chip expects next (docs/chip-tls.md has the
// diagram). There is no Failed state: an error frees the slot.
enum class TlsState : uint8_t {
  WaitServerHello,           // ClientHello sent (first or second)
  WaitRetryHello,            // HelloRetryRequest received: TlsRetry brings the second ClientHello
  WaitEncryptedExtensions,   // handshake keys installed
  WaitCertificateOrRequest,  // full handshake
  WaitCertificate,           // after a CertificateRequest
  WaitCertificateVerify,     // the chain is verified
  WaitFinished,              // server signature verified (or PSK resumption)
  Connected,                 // server Finished verified, client flight sent
  // TLS 1.2 (handshake12.h), after a ServerHello that selected it.
  WaitCertificate12,         // ServerHello accepted
  WaitServerKeyExchange12,   // the chain is verified
  WaitRequestOrDone12,       // ServerKeyExchange signature verified
  WaitServerHelloDone12,     // after a CertificateRequest
  WaitChangeCipherSpec12,    // client flight sent (Finished included)
  WaitFinished12,            // server's change_cipher_spec received
};
const char* tls_state_name(TlsState s);

struct SessionParams {
  bus::RecordMode mode = bus::RecordMode::Chip;
  x509::ServerName name;
  uint64_t unix_time_ms = 0;  // the host's clock at TlsStart, checked against the floor
};

// The name a ticket is bound to: kind byte + DNS name or address bytes.
std::string ticket_name(const x509::ServerName& name);

// An ephemeral ECDHE key whose public point went into the ClientHello.
struct KeyShare {
  uint16_t group = 0;
  EcKey key;
};

// The resumption PSK offered in the ClientHello (taken out of the ticket cache).
struct OfferedPsk {
  Secret psk;
  HashAlg hash = HashAlg::Sha256;
  uint32_t obfuscated_age = 0;
};

// A TLS 1.2 session offered for resumption (RFC 5077 ticket or RFC 5246
// session id), taken out of the ticket cache at TlsStart.
struct OfferedSession12 {
  Secret master;  // the master secret of the original handshake
  uint16_t suite = 0;
  bool by_session_id = false;  // the ClientHello's session id is the server's; otherwise it carries a ticket
  // The entry's ticket, for a server that resumes without a new one (RFC 5077 §3.4).
  Digest ticket_hash;
  uint64_t issued_ms = 0;
  uint32_t lifetime_s = 0;
};

// Exactly what the final ClientHello offered, to judge every server answer.
struct Offer {
  std::vector<uint16_t> versions;  // kTls13 and/or kTls12
  std::vector<uint16_t> suites;
  std::vector<uint16_t> groups;
  std::vector<uint16_t> schemes;           // signature_algorithms
  std::vector<tls::Extension> extensions;  // types only: what the server may answer
  std::vector<Bytes> alpn;                 // protocols offered, if any
  uint16_t record_size_limit = 0;          // 0: not offered
  uint8_t max_fragment_length = 0;         // RFC 6066 code 1..4; 0: not offered
  tls::Random random{};
  std::array<uint8_t, tls::kMaxSessionIdSize> session_id{};
  uint8_t session_id_size = tls::kMaxSessionIdSize;  // shorter only for a TLS 1.2 session id being resumed

  ByteView session_id_bytes() const { return ByteView(session_id.data(), session_id_size); }

  bool offers_version(uint16_t version) const;
  bool offers_extension(tls::ExtensionType type) const;
  bool offers_suite(uint16_t suite) const;
  bool offers_group(uint16_t group) const;
  bool offers_scheme(uint16_t scheme) const;
};

struct TlsSession {
  uint32_t owner = 0;  // Connection::id of the link that opened it
  SessionParams params;
  TlsState state = TlsState::WaitServerHello;
  Offer offer;
  Transcript transcript;
  tls::HandshakeAssembler assembler{kMaxServerHandshakeBody};

  // Until ServerHello.
  std::vector<KeyShare> shares;
  std::optional<OfferedPsk> psk;
  std::optional<OfferedSession12> resume12;
  Bytes first_template;      // ClientHello 1 as the host built it, for TlsRetry's comparison
  bool retried = false;      // a HelloRetryRequest came (a second one is an error)
  uint16_t retry_suite = 0;  // what the HelloRetryRequest chose, for ServerHello to match
  uint16_t retry_group = 0;  // 0: the HelloRetryRequest kept the key shares
  Bytes retry_cookie;
  bool ccs_seen = false;  // one dummy change_cipher_spec is tolerated (RFC 8446 §5)

  // From ServerHello on.
  uint16_t version = tls::kTls13;  // kTls12 once a ServerHello selected it
  const tls::SuiteInfo* suite = nullptr;
  uint16_t group = 0;
  bool resumed = false;
  std::optional<tls13::MasterSecret> master;
  Secret client_hs;          // client_handshake_traffic_secret
  Secret server_hs;          // server_handshake_traffic_secret
  tls::RecordProtection hs_read;

  // From EncryptedExtensions on.
  std::string alpn;
  uint16_t peer_record_limit = 0;  // plaintext bytes the server accepts per record; 0 = 16384
  size_t inbound_limit = tls::kMaxPlaintext;  // our record_size_limit, once the server acknowledged it

  // Authentication.
  bool cert_requested = false;
  std::vector<uint16_t> request_schemes;  // CertificateRequest signature_algorithms
  std::optional<EcKey> server_key;        // the leaf key of a chain the chip verified
  std::vector<std::string> subjects;
  bool client_authenticated = false;

  // TLS 1.2 only (handshake12.h): the server's random and ECDHE key, the
  // master secret (ServerHelloDone → Connected, then the ticket cache), and
  // the key block (key ‖ IV per direction) until host record mode took it.
  tls::Random server_random{};
  std::optional<EcKey> server_ephemeral;
  Secret master12;
  Secret client_key_block;  // client_write_key ‖ client_write_IV
  Secret server_key_block;  // server_write_key ‖ server_write_IV
  // Resumption (RFC 5077, RFC 5246 §7.3): the ServerHello's session_ticket
  // promises a NewSessionTicket before the server's change_cipher_spec.
  bool ticket_expected = false;
  bool ticket_received = false;
  Bytes new_ticket;             // its ticket (empty: none or "no ticket after all")
  uint32_t ticket_lifetime_hint = 0;
  Bytes server_session_id;      // the ServerHello's, unless it echoes our random one
  std::optional<OfferedSession12> resumed_ticket;  // resumed by ticket: its hash and validity (master moved out)
  // What the server Finished made resumable: the cache entry and what the
  // host must present for it (TlsSummary::resume_id, session_ticket).
  uint16_t stored_entry = 0;
  Bytes stored_identity;
  bool stored_by_session_id = false;

  // Connected.
  Secret client_app;  // client_application_traffic_secret_N
  Secret server_app;  // server_application_traffic_secret_N
  Secret resumption_master;
  tls::RecordProtection app_read;   // chip record mode only
  tls::RecordProtection app_write;  // chip record mode only
  uint64_t records_since_update = 0;
  bool peer_closed = false;   // close_notify received
  bool write_closed = false;  // we sealed an alert
  bool fatal = false;         // a fatal alert arrived: the slot is freed after the answer

  // Wipes what only the handshake needed (called on reaching Connected).
  void drop_handshake_secrets();
  // Plaintext bytes we may put in one record towards the server.
  size_t outbound_limit() const;
};

}  // namespace setls::chip
