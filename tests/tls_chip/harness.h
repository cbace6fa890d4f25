// Test-only pieces around the chip's TLS engine: a real TLS 1.3 server
// (libssl over memory BIOs), a tiny host loop that builds ClientHello
// templates with the codec and pumps bytes between that server and the chip
// through the ChipDriver, a host-mode record layer on tls::RecordProtection,
// and a man in the middle that can rewrite the server's encrypted flight
// (it learns the server's handshake secret from libssl's key log).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bus/tls_messages.h"
#include "common/tls/record_protection.h"
#include "host/driver/chip_driver.h"
#include "tests/support/pki.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace setls::test {

// ---- the server

struct ServerOptions {
  const TestPki* pki = nullptr;  // serves pki->server with pki->intermediate
  std::string ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256";
  std::string groups = "P-256:P-384";
  bool client_auth = false;        // SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT, trusting pki->device_ca
  std::vector<std::string> alpn;   // protocols it accepts; empty: no ALPN
  int tickets = 2;
  int security_level = -1;          // -1: libssl's default
};

class TlsServer {
 public:
  explicit TlsServer(const ServerOptions& options);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  // A new connection on the same context (so its tickets resume).
  void accept();
  void receive(ByteView from_client);
  Bytes take_output();  // what the server wrote
  // Drives the handshake: true once complete, false while it wants input;
  // a failure is recorded in failed().
  bool handshake();
  bool failed() const { return failed_; }
  bool resumed() const;
  std::string alpn() const;
  bool peer_certificate() const;  // the client sent one (and it verified)
  // Application data.
  void write(ByteView data);
  Bytes read();  // everything readable now
  void key_update(bool request_peer);
  void close();  // close_notify
  // Secrets libssl logged for the current connection (hex lines decoded).
  Bytes server_handshake_secret;
  std::string errors() const;

 private:
  static void keylog(const SSL* ssl, const char* line);
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool failed_ = false;
  std::vector<std::string> alpn_;
  Bytes alpn_wire_;
};

// ---- the host loop

struct ClientOptions {
  bus::RecordMode mode = bus::RecordMode::Chip;
  bus::NameKind name_kind = bus::NameKind::Dns;
  std::string name = "localhost";
  uint64_t time_ms = 0;  // 0: now
  std::vector<uint16_t> suites = {0x1301, 0x1302, 0x1304};
  std::vector<uint16_t> groups = {23, 24};
  std::vector<uint16_t> key_shares = {23};
  std::vector<uint16_t> schemes = {0x0403, 0x0503};
  std::vector<std::string> alpn;
  uint16_t record_size_limit = 0;
  bool psk_modes = true;
  // Resumption: the ticket, its chip id, and the hash length of its suite.
  uint16_t resume_id = 0;
  Bytes ticket;
  size_t binder_size = 32;
  bool sni = true;
};

// The ClientHello template of docs/bus-protocol.md TLS_START (zeroed random,
// session id, key shares and binder). After HelloRetryRequest: one key share
// for `retry_group` (0: unchanged) and `cookie` echoed.
Bytes client_hello_template(const ClientOptions& o, uint16_t retry_group = 0, ByteView cookie = {});
// A plaintext handshake record around a message.
Bytes plaintext_record(ByteView message, uint16_t version = 0x0301);
uint64_t now_ms();

// Rewrites the server's flight after ServerHello: decrypts its handshake
// records with the logged secret, hands the messages (EE … Finished) to
// `edit` (with the plaintext ServerHello message, for transcripts), and
// seals them again under the same key.
using FlightEdit = std::function<void(std::vector<Bytes>& messages, const Bytes& server_hello)>;
// `fragment` > 0: the messages are sealed as one stream cut into records of
// that many bytes (messages then span records).
Bytes rewrite_flight(ByteView flight, ByteView server_handshake_secret, const FlightEdit& edit, size_t fragment = 0);
// The scriptable misbehaving server: decrypts the server's flight after
// ServerHello like rewrite_flight, and hands its messages to `script`,
// which returns the records to send in its place (libssl's
// change_cipher_spec is dropped; a script adds one back as a Raw record).
// Sealed records are protected under the server handshake key with any
// inner content type, any content length (beyond 2^14 too) and any zero
// padding; Raw records go out exactly as given and take no sequence number.
struct ScriptedRecord {
  enum class Kind : uint8_t { Sealed, Raw };
  Kind kind = Kind::Sealed;
  tls::ContentType type = tls::ContentType::Handshake;  // Sealed: the inner content type
  Bytes bytes;                                          // Sealed: the content; Raw: the whole record
  size_t padding = 0;                                   // Sealed: zero bytes after the inner type
};
using FlightScript =
    std::function<std::vector<ScriptedRecord>(const std::vector<Bytes>& messages, const Bytes& server_hello)>;
Bytes script_flight(ByteView flight, ByteView server_handshake_secret, const FlightScript& script);
// The server's messages as sealed records, `fragment` bytes of the stream
// each (0: one message per record), for scripts that change only a part.
std::vector<ScriptedRecord> sealed_messages(const std::vector<Bytes>& messages, size_t fragment = 0);
// A record exactly as given: header (type, 0x0303, length) and body.
ScriptedRecord raw_record(tls::ContentType type, ByteView body);
// Changes plaintext ServerHello bytes in a flight in place.
using HelloEdit = std::function<void(Bytes& server_hello_message)>;
Bytes rewrite_server_hello(ByteView flight, const HelloEdit& edit);
// The whole records of `data`.
std::vector<Bytes> split_records(ByteView data);

struct Connected {
  uint32_t handle = 0;
  bus::TlsSummary summary;
  std::optional<bus::TrafficKey> client_key, server_key;
  Bytes final_client_hello;
  bool retried = false;
};

// One handshake between the chip (through `driver`) and `server`, which
// must have had accept() called. `edit_flight` (optional) may change the
// server's bytes before the chip sees them. Errors from the chip come back
// as its Error; a server failure as TlsHandshakeFailure.
struct HandshakeHooks {
  std::function<Bytes(ByteView server_bytes, TlsServer& server, const Bytes& client_hello)> edit_server_bytes;
};
Result<Connected> run_handshake(host::ChipDriver& driver, TlsServer& server, const ClientOptions& options,
                                const HandshakeHooks& hooks = {});

// Host record mode: the host's own record layer with released keys.
struct HostRecords {
  tls::RecordProtection read, write;
  const tls::SuiteInfo* suite = nullptr;
  static HostRecords from(const Connected& c);
  void install_read(const bus::TrafficKey& k);
  void install_write(const bus::TrafficKey& k);
  Bytes seal(tls::ContentType type, ByteView plaintext);
  struct Opened {
    tls::ContentType type;
    Bytes plaintext;
  };
  // Opens the whole records of `bytes` one by one; `each` may change the
  // read key before the next one (a KeyUpdate).
  void open_each(ByteView bytes, const std::function<void(Opened&)>& each);
};

// The application's side after a handshake, in either record mode: the
// chip opens and seals (chip mode), or the host does with released keys and
// hands post-handshake messages to the chip (host mode).
class AppSession {
 public:
  AppSession(host::ChipDriver& driver, TlsServer& server, const Connected& c, bus::RecordMode mode);
  // Takes what the server wrote and delivers it: returns the application
  // data; tickets are collected, KeyUpdates answered. Throws on a chip error.
  Bytes receive();
  void send(ByteView data);
  void key_update(bool request_peer);
  uint32_t handle() const { return handle_; }

  std::vector<bus::TlsTicket> tickets;
  int key_update_answers = 0;  // KeyUpdates the chip sent because the server asked
  uint8_t alert = 0xFF;

 private:
  void post_handshake(ByteView message);
  host::ChipDriver& driver_;
  TlsServer& server_;
  uint32_t handle_;
  bus::RecordMode mode_;
  HostRecords host_;
};

}  // namespace setls::test
