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
// Memory (docs/host-tls.md, "Buffers"): one buffer, allocated at start()
// and sized from config.receive_buffer (one record of that size, its header
// and AEAD expansion, and a small reserve for alerts and KeyUpdates).
// Records are opened in place in it and application data is read from it;
// records to send are sealed in place in it, as large as the free space
// allows (the client may send records smaller than the limit). It is shared
// half-duplex: while records wait to be sent the engine takes no more
// input, and while received bytes wait, sent records are smaller.
//
//   ClientEngine e(chip, config);
//   e.start();
//   while (e.handshaking()) {
//     send(e.output()); e.output_sent(n);           // "I transmitted n"
//     n = read(e.receive_window()); e.received(n);  // "here are n bytes"
//   }
//   e.send_some(request) ... send(e.output()); e.output_sent(n);
//   n = read(e.receive_window()); e.received(n); e.read(my_buffer);
//
// receive(ByteView), send(ByteView), take_output() and
// take_application_data() are conveniences over the same buffer that copy
// (and allocate when the caller does not drain the engine).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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
    Send,     // output() has bytes for the server
    Receive,  // feed the server's next bytes to receive()
    Read,     // application_data() has data
    Nothing,  // closed or failed
  };

  ClientEngine(ChipDriver& chip, ClientConfig config);
  ~ClientEngine();
  ClientEngine(const ClientEngine&) = delete;
  ClientEngine& operator=(const ClientEngine&) = delete;

  // Record overhead the buffer holds beyond config.receive_buffer: a header
  // and the largest AEAD expansion (TLS 1.2: explicit nonce and tag; TLS 1.3:
  // content type and tag).
  static constexpr size_t kRecordOverhead = 5 + 8 + 16;
  // Room kept for the records the engine sends on its own (alerts,
  // KeyUpdate) while received bytes fill the rest.
  static constexpr size_t kControlReserve = 32;

  // Allocates the buffer, opens a chip session and queues the ClientHello.
  Outcome start();

  // ---- Zero-copy IO (STYLE.md rule 1) ----
  // Where the next server bytes go: read from the transport straight into
  // it, then call received(n). Empty while records wait to be sent or
  // application data waits to be read (want() says which).
  std::span<uint8_t> receive_window();
  Outcome received(size_t n);
  // Records for the server; output_sent(n) once n of them were transmitted.
  ByteView output() const;
  void output_sent(size_t n);
  // Application data opened in place; application_data_read(n) once n of
  // it were used (the records queued behind it are then opened).
  ByteView application_data() const;
  Outcome application_data_read(size_t n);
  // Copies application data into `out` and marks it read; 0: none yet.
  Result<size_t> read(std::span<uint8_t> out);
  // Seals as much of `plaintext` as the buffer takes now (Established
  // only), in records of at most the server's limit; returns the bytes
  // taken, 0 when the buffer is full of output: send output() first.
  Result<size_t> send_some(ByteView plaintext);
  // The engine's buffer, for memory accounting (0 before start()).
  size_t buffer_size() const { return buf_.size(); }

  // ---- Conveniences that copy ----
  // Bytes read from the server, in any pieces. Whatever does not fit while
  // application data or output waits is kept in side vectors.
  Outcome receive(ByteView data);
  // The peer closed the transport (EOF).
  void receive_eof();
  // Queues application data (Established only); seals in records of at most
  // the server's record limit. What the buffer cannot take now waits in a
  // side vector: prefer send_some() and output().
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
  // The chip refused the resumption config.resume asked for (it no longer
  // holds that session) and start() made a full handshake instead: the
  // caller should forget that ticket.
  bool resumption_refused() const { return resumption_refused_; }
  // Counts the chip calls (bus commands) this connection made.
  uint64_t chip_calls() const { return chip_calls_; }

 private:
  Outcome fail(const Error& e);
  // Runs the handshake or the record layer over the received bytes.
  Outcome process();
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
  // Seals one record of at most `max` plaintext bytes into the buffer, or
  // into the side vector when the buffer has no room; returns the bytes sealed.
  Result<size_t> seal_record(tls::ContentType type, ByteView plaintext, size_t max, bool may_spill);
  // Where the next sealed record may go in the buffer, and how much room it has.
  size_t output_room() const;
  // Queues records the chip produced.
  void queue_output(Bytes&& records);
  void queue_output_view(ByteView records);
  ByteView pending_input() const { return ByteView(buf_).subspan(in_lo_, in_hi_ - in_lo_); }
  // Moves received bytes to the front once nothing sits before them.
  void compact();
  // Makes room for a record larger than the buffer (handshake only).
  Outcome fit_record(size_t record_size);
  // Wipes what may hold plaintext; keeps records still to be sent.
  void wipe_received();
  // Moves the buffer's waiting output to the front of the side vector.
  void spill_output();
  Outcome rotate_client_key();
  Result<HelloOffer> offer(std::vector<uint16_t> share_groups, ByteView cookie) const;
  // TLS_START with the first ClientHello offer (resuming or not, per resuming_).
  Result<bus::TlsStartResponse> start_session(uint64_t now);
  void queue_plaintext_handshake(tls::ContentType type, uint16_t version, ByteView message);
  void end_session();
  size_t send_fragment_limit() const;
  // Installs a key the chip released, on the shared context or its own.
  Outcome init_key(tls::RecordProtection& rp, bus::TrafficKey& key);
  bool share_cipher_context() const;
  // The whole records at the front of the input, up to `max_bytes`.
  Result<size_t> complete_records(size_t max_bytes);

  ChipDriver& chip_;
  ClientConfig config_;
  State state_ = State::Idle;
  Error error_{Status::Ok, 0};
  uint32_t handle_ = 0;
  bool session_open_ = false;
  bool peer_closed_ = false;
  bool send_closed_ = false;  // our close_notify is queued
  bool resuming_ = false;
  bool resumption_refused_ = false;
  uint64_t chip_calls_ = 0;

  // The one buffer (see the top of this file). Regions, in this order when
  // both are used: [app_lo_, app_hi_) opened application data,
  // [in_lo_, in_hi_) received bytes not processed yet, [out_lo_, out_hi_)
  // records to send. Received bytes never go past rx_limit_; the rest is
  // the control reserve.
  Bytes buf_;
  size_t rx_limit_ = 0;
  size_t app_lo_ = 0, app_hi_ = 0;
  size_t in_lo_ = 0, in_hi_ = 0;
  size_t out_lo_ = 0, out_hi_ = 0;
  // Only when the caller does not drain the engine (the convenience calls):
  // output and application data that did not fit, in order after the buffer's.
  Bytes out_spill_;
  size_t out_spill_pos_ = 0;
  Bytes app_spill_;
  size_t app_spill_pos_ = 0;
  std::vector<ResumptionTicket> tickets_;
  bus::TlsSummary summary_;

  // Host record mode. Both directions share one cipher context when the
  // buffer is small (share_cipher_context()); it outlives them.
  AeadContext cipher_context_;
  tls::RecordProtection read_;
  tls::RecordProtection write_;
  tls::HandshakeAssembler post_handshake_{64 * 1024};
};

const char* state_name(ClientEngine::State s);

}  // namespace setls::host
