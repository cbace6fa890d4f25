// The one host-side class that talks to a chip. It numbers frames, splits
// large commands into chunks and collects chunked answers, retransmits after
// bus faults (the chip answers a repeated frame from its cache, so nothing
// runs twice), and turns the chip's status into an Error. Everything else on
// the host — the CLI, the TLS client — goes through it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/bus/channel.h"
#include "common/bus/command.h"
#include "common/bus/messages.h"
#include "common/bus/tls_messages.h"
#include "common/bus/transport.h"
#include "common/bus/x509_messages.h"
#include "common/crypto/ec.h"
#include "common/signed/authorization.h"

namespace setls::host {

struct BusStats {
  uint64_t round_trips = 0;  // frames sent (each answered by one frame)
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t retransmissions = 0;
};

class ChipDriver {
 public:
  static constexpr int kMaxRetransmissions = 3;

  // Takes a link and says HELLO on it.
  static Result<std::unique_ptr<ChipDriver>> open(std::unique_ptr<bus::Transport> link);
  // "unix:/run/setls/chip.sock" (or a bare path).
  static Result<std::unique_ptr<ChipDriver>> connect(std::string_view address,
                                                     std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Runs one command; large payloads and answers are chunked transparently.
  Result<Bytes> call(bus::Command command, ByteView payload = {});
  // The same for a payload given in two pieces (an encoded header and the
  // bytes it announces), without joining them first; the answer is a view
  // of the driver's answer buffer, valid until the next command. The
  // caller wipes it (wipe_answer()) once it is decoded if it may hold
  // keys or plaintext.
  Result<ByteView> call_view(bus::Command command, ByteView head, ByteView body);
  void wipe_answer();

  // Runs the channel handshake with the paired chip; every later frame is
  // protected. Fails (and leaves the link unusable) if the chip is not the
  // one in `pairing`.
  Outcome open_channel(const EcKey& host_key, const EcKey& chip_channel_key);
  bool secure() const { return cipher_.has_value(); }
  // Manufacturing: pairs this host's key with the chip; returns the chip's channel key (SPKI).
  Result<Bytes> pair_host(ByteView host_spki);

  const bus::HelloResponse& hello() const { return hello_; }
  const BusStats& stats() const { return stats_; }
  // Bytes held by the reused bus buffers (memory accounting).
  size_t buffer_capacity() const {
    return frame_.capacity() + chunk_.capacity() + answer_.capacity();
  }
  void reset_stats() { stats_ = {}; }

  // Typed commands.
  Result<bus::ChipInfo> info();
  Result<Bytes> random(uint16_t n);
  Result<bus::ReadObjectResponse> read_object(uint16_t id);
  Result<bus::Lifecycle> zeroize();
  Outcome reset();
  Result<bus::KeygenResponse> keygen(Curve curve);
  Result<Bytes> csr(ByteView subject_der);
  Result<uint16_t> install_cert(bus::ObjectRole role, ByteView der);
  Result<uint16_t> add_root(ByteView der);
  Result<uint16_t> set_admin_key(ByteView spki);
  Result<uint16_t> set_firmware_key(ByteView spki);
  Outcome delete_object(uint16_t id);
  Result<bus::Lifecycle> lock();
  // Has the chip verify a server chain (leaf first) for a name at a time,
  // against its stored roots, by the policy the handshake uses. Changes nothing.
  Result<bus::X509VerifyResponse> verify_chain(const bus::X509VerifyRequest& request);

  // Lifecycle in the field.
  Result<admin::Challenge> admin_challenge();
  struct AdminApplied {
    uint32_t admin_counter = 0;
    bus::Lifecycle lifecycle = bus::Lifecycle::Operational;
  };
  Result<AdminApplied> admin_apply(ByteView blob);
  // Streams `image` in chunks after the manifest; returns the booted version.
  Result<uint32_t> secure_boot(ByteView manifest, ByteView image);
  Result<Bytes> attest(ByteView nonce);

  // TLS sessions (docs/bus-protocol.md, TLS commands). The chip runs the
  // handshake; these only move bytes. Any error ends the session in the chip.
  Result<bus::TlsStartResponse> tls_start(const bus::TlsStartRequest& request);
  Result<bus::TlsHandshakeResponse> tls_handshake(uint32_t handle, ByteView server_bytes);
  // After HelloRetryRequest: the second ClientHello template; returns it final.
  Result<Bytes> tls_retry(uint32_t handle, ByteView client_hello);
  // Chip record mode.
  Result<bus::TlsRecordInResponse> tls_record_in(uint32_t handle, ByteView records);
  Result<Bytes> tls_seal(uint32_t handle, ByteView plaintext, uint8_t content_type = 23);
  // Host record mode: a post-handshake message the host decrypted.
  Result<bus::TlsPostHandshakeResponse> tls_post_handshake(uint32_t handle, ByteView message);
  Result<bus::TlsKeyUpdateResponse> tls_key_update(uint32_t handle, bool request_peer_update);
  Outcome tls_end(uint32_t handle);

 private:
  explicit ChipDriver(std::unique_ptr<bus::Transport> link);
  Outcome say_hello();
  struct Answer {
    Status status = Status::Ok;  // Ok or Continue; refusals come back as an Error
    uint8_t flags = 0;           // the payload was appended to answer_
  };
  // Sends one frame and appends the answer's payload to answer_,
  // retransmitting after faults.
  Result<Answer> exchange(uint16_t code, uint8_t flags, ByteView payload);
  template <class T>
  Result<T> call_decoded(bus::Command command, ByteView head, ByteView body);
  Result<uint16_t> call_returning_id(bus::Command command, ByteView payload);

  std::unique_ptr<bus::Transport> link_;
  // Reused for every command (one device, one bus: not per connection):
  // the frame sent, a chunk joined from two pieces, and a whole (possibly
  // chunked) answer. Reserved once when the driver opens (a frame each),
  // the answer grows to the largest it has held.
  Bytes frame_;
  Bytes chunk_;
  Bytes answer_;
  std::optional<bus::ChannelCipher> cipher_;
  uint16_t seq_ = 0;
  bus::HelloResponse hello_;
  BusStats stats_;
};

}  // namespace setls::host
