// The host's TLS client engine, sans-IO: the application gives it the bytes
// it read from the server and sends the bytes it asks to send; the engine
// never touches a socket. The chip (through ChipDriver) builds every
// handshake message that needs a secret and decides every security
// question; this engine frames records, moves them to the chip, and runs
// the record layer:
//
//   host record mode  the chip releases the application traffic keys (never
//                     a secret) once the server is authenticated; the host
//                     seals and opens records, and hands post-handshake
//                     messages (tickets, KeyUpdate) to the chip.
//   chip record mode  records go through the chip both ways; the host holds
//                     nothing secret at all.
//
//   ClientEngine e(chip, config);
//   e.start();
//   while (e.handshaking()) { send(e.take_output()); e.receive(read()); }
//   e.send(request); send(e.take_output());
//   e.receive(read()); use(e.take_application_data());
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bus/tls_messages.h"
#include "common/result.h"
#include "common/tls/handshake.h"
#include "common/tls/record_protection.h"
#include "host/driver/chip_driver.h"
#include "host/tls/client_hello.h"
#include "host/tls/config.h"

namespace setls::host {

class ClientEngine {
 public:
  enum class State : uint8_t {
    Idle,          // start() not called
    Handshaking,   // waiting for server bytes
    Established,   // application data flows both ways
    Closed,        // close() ran, or the peer's close_notify came (peer_closed():
                   // until close() we may still send, a half-close)
    Failed,        // see error(); the chip session is gone
  };
  // What the application should do next.
  enum class Want : uint8_t {
    Send,     // take_output() has bytes for the server
    Receive,  // feed the server's next bytes to receive()
    Read,     // take_application_data() has data
    Nothing,  // closed or failed
  };

  ClientEngine(ChipDriver& chip, ClientConfig config);
  ~ClientEngine();
  ClientEngine(const ClientEngine&) = delete;
  ClientEngine& operator=(const ClientEngine&) = delete;

  // Opens a chip session and queues the ClientHello.
  Outcome start();
  // Bytes read from the server, in any pieces.
  Outcome receive(ByteView data);
  // The peer closed the transport (EOF).
  void receive_eof();
  // Queues application data (Established only); seals in records of at most
  // the server's record limit.
  Outcome send(ByteView plaintext);
  // Replaces our sending key now; asks the server to replace its own too.
  Outcome key_update(bool request_peer_update);
  // Half-close (RFC 8446 §6.1): queues close_notify and sends nothing more,
  // but keeps reading what the server still sends; the chip session stays
  // open until close(). For forwarders whose application half-closed.
  Outcome close_send();
  // Queues close_notify (unless close_send() did) and ends the chip session.
  Outcome close();

  Bytes take_output();
  Bytes take_application_data();
  std::vector<ResumptionTicket> take_tickets();

  State state() const { return state_; }
  Want want() const;
  bool handshaking() const { return state_ == State::Handshaking; }
  bool established() const { return state_ == State::Established; }
  bool peer_closed() const { return peer_closed_; }
  bool send_closed() const { return send_closed_; }
  const Error& error() const { return error_; }
  // Valid once established.
  const bus::TlsSummary& summary() const { return summary_; }
  // Counts the chip calls (bus commands) this connection made.
  uint64_t chip_calls() const { return chip_calls_; }

 private:
  Outcome fail(const Error& e);
  Outcome handshake_step();
  Outcome retry(const bus::TlsHandshakeResponse& hrr);
  Outcome establish(bus::TlsHandshakeResponse& done);
  Outcome records_host_mode();
  Outcome records_chip_mode();
  Outcome post_handshake_message(const tls::HandshakeMessage& m);
  Outcome take_alert(ByteView fragment);
  Outcome queue_close_notify();
  bool may_send() const;
  Outcome seal_host(tls::ContentType type, ByteView plaintext);
  Outcome rotate_client_key();
  Result<HelloOffer> offer(std::vector<uint16_t> share_groups, ByteView cookie) const;
  void queue_plaintext_handshake(ByteView message);
  void end_session();
  size_t send_fragment_limit() const;
  // The whole records at the front of the input, up to `max_bytes`.
  Result<size_t> complete_records(size_t max_bytes) const;

  ChipDriver& chip_;
  ClientConfig config_;
  State state_ = State::Idle;
  Error error_{Status::Ok, 0};
  uint32_t handle_ = 0;
  bool session_open_ = false;
  bool peer_closed_ = false;
  bool send_closed_ = false;  // our close_notify is queued
  bool resuming_ = false;
  uint64_t chip_calls_ = 0;

  Bytes input_;
  size_t input_pos_ = 0;  // input_ before this was consumed
  Bytes output_;
  Bytes app_in_;
  std::vector<ResumptionTicket> tickets_;
  bus::TlsSummary summary_;

  // Host record mode.
  tls::RecordProtection read_;
  tls::RecordProtection write_;
  tls::HandshakeAssembler post_handshake_{64 * 1024};
};

const char* state_name(ClientEngine::State s);

}  // namespace setls::host
