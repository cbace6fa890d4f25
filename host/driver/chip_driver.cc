#include "host/driver/chip_driver.h"

#include "common/bus/frame.h"
#include "common/bytes/reader.h"
#include "common/crypto/random.h"
#include "common/signed/signed_object.h"
#include "common/bytes/writer.h"
#include "host/driver/unix_transport.h"

#include <array>
#include "common/secure/secret.h"

namespace setls::host {

namespace {

// Faults that mean "the frame was damaged on the way": safe to send again,
// because the chip either never executed it or answers from its cache.
bool damaged_in_transit(Status s) {
  return s == Status::BusCrc || s == Status::BusFrameLength || s == Status::BusMagic ||
         s == Status::BusFrameTooLarge;
}

uint32_t read_detail(ByteView payload) {
  Reader r(payload);
  uint32_t detail = 0;
  return r.u32(detail) ? detail : 0;
}

}  // namespace

ChipDriver::ChipDriver(std::unique_ptr<bus::Transport> link) : link_(std::move(link)) {
  frame_.reserve(bus::kMaxFrame);
  chunk_.reserve(bus::kMaxPayload);
  answer_.reserve(bus::kMaxFrame);
}

namespace {
// Makes room for `more` bytes without leaving a copy of what `b` held
// (released keys, plaintext) in freed memory.
void reserve_wiped(Bytes& b, size_t more) {
  if (b.capacity() >= b.size() + more) return;
  Bytes bigger;
  bigger.reserve(std::max(b.size() + more, 2 * b.capacity()));
  bigger.assign(b.begin(), b.end());
  wipe(b.data(), b.size());
  b.swap(bigger);
}
}  // namespace

Result<std::unique_ptr<ChipDriver>> ChipDriver::open(std::unique_ptr<bus::Transport> link) {
  std::unique_ptr<ChipDriver> driver(new ChipDriver(std::move(link)));
  SETLS_TRY(driver->say_hello());
  return driver;
}

Result<std::unique_ptr<ChipDriver>> ChipDriver::connect(std::string_view address,
                                                        std::chrono::milliseconds timeout) {
  std::string path(address);
  if (path.rfind("unix:", 0) == 0) path = path.substr(5);
  if (path.empty()) return Status::BadArgument;
  auto link = UnixTransport::connect(path, timeout);
  if (!link) return link.error();
  return open(std::move(*link));
}

Outcome ChipDriver::say_hello() {
  auto answer = call(bus::Command::Hello, bus::encode(bus::HelloRequest{}));
  if (!answer) return answer.error();
  if (!bus::decode(*answer, hello_)) return Status::MalformedPayload;
  if (hello_.version != bus::kProtocolVersion) return Status::BusVersion;
  return {};
}

Result<ChipDriver::Answer> ChipDriver::exchange(uint16_t code, uint8_t flags, ByteView payload) {
  bus::Frame f;
  f.marker = bus::kCommandMarker;
  f.flags = flags;
  f.seq = ++seq_;
  f.code = code;
  f.payload = payload;
  // Sealed once: a retransmission sends the same bytes, so the chip's
  // replay cache recognises it and its counters do not move.
  if (cipher_) {
    SETLS_TRY(cipher_->seal_into(f, payload, frame_));
  } else if (!bus::encode_frame_into(f, frame_)) {
    return Status::BusFrameTooLarge;
  }

  for (int attempt = 0; attempt <= kMaxRetransmissions; ++attempt) {
    if (attempt > 0) ++stats_.retransmissions;
    ++stats_.round_trips;
    stats_.bytes_sent += frame_.size();
    auto raw = link_->exchange(frame_);
    if (!raw) {
      if (raw.error().status == Status::BusTimeout) continue;  // lost one way or the other
      return raw.error();
    }
    stats_.bytes_received += raw->size();
    auto answer = bus::decode_frame(*raw, bus::kResponseMarker);
    if (!answer || answer->seq != f.seq || !status_known(answer->code)) continue;
    auto status = static_cast<Status>(answer->code);
    if (damaged_in_transit(status)) continue;
    size_t start = answer_.size();
    reserve_wiped(answer_, answer->payload.size());
    if (cipher_) {
      // Only a protected answer counts; a plain one is either the chip
      // closing the channel or someone else on the bus.
      if ((answer->flags & bus::kFlagSecure) == 0 || !cipher_->open_append(*answer, answer_)) {
        cipher_.reset();
        return Error{Status::BusChannelAuth, 0};
      }
    } else {
      answer_.insert(answer_.end(), answer->payload.begin(), answer->payload.end());
    }
    if (status != Status::Ok && status != Status::Continue) {
      uint32_t detail = read_detail(ByteView(answer_).subspan(start));
      wipe(answer_.data(), answer_.size());
      answer_.clear();
      return Error{status, detail};
    }
    return Answer{status, answer->flags};
  }
  return Status::BusRetriesExhausted;
}

Result<Bytes> ChipDriver::call(bus::Command command, ByteView payload) {
  auto answer = call_view(command, {}, payload);
  if (!answer) {
    wipe_answer();
    return answer.error();
  }
  Bytes out(answer->begin(), answer->end());
  wipe_answer();
  return out;
}

void ChipDriver::wipe_answer() {
  // Keeps the capacity: the buffer serves the next command.
  wipe(answer_.data(), answer_.size());
  answer_.clear();
}

Result<ByteView> ChipDriver::call_view(bus::Command command, ByteView head, ByteView body) {
  auto code = static_cast<uint16_t>(command);
  size_t total = head.size() + body.size();
  if (total > bus::kMaxTransfer) return Status::BusTransferTooLarge;
  // Every chunk but the last carries MORE and is acknowledged with Continue.
  size_t offset = 0;
  Result<Answer> answer = Status::Internal;
  do {
    size_t n = std::min(cipher_ ? bus::kMaxSecurePayload : bus::kMaxPayload, total - offset);
    bool last = offset + n == total;
    ByteView chunk;
    if (offset >= head.size()) {
      chunk = body.subspan(offset - head.size(), n);
    } else {
      // The chunk that joins the two pieces.
      size_t from_head = std::min(n, head.size() - offset);
      chunk_.assign(head.begin() + static_cast<long>(offset), head.begin() + static_cast<long>(offset + from_head));
      chunk_.insert(chunk_.end(), body.begin(), body.begin() + static_cast<long>(n - from_head));
      chunk = chunk_;
    }
    wipe_answer();  // only the last chunk's answer is the command's
    answer = exchange(code, last ? 0 : bus::kFlagMore, chunk);
    // Without the channel a frame carries the payload as it is (plaintext).
    if (!chunk_.empty()) wipe(chunk_);
    if (!cipher_) wipe(frame_.data(), frame_.size());
    if (!answer) return answer.error();
    if (!last && answer->status != Status::Continue) return Status::BusChunking;
    offset += n;
  } while (offset < total);
  if (answer->status != Status::Ok) return Status::BusChunking;

  // The rest of a chunked answer is appended to answer_.
  uint8_t flags = answer->flags;
  while ((flags & bus::kFlagMore) != 0) {
    if (answer_.size() > bus::kMaxTransfer) return Status::BusTransferTooLarge;
    auto more = exchange(static_cast<uint16_t>(bus::Command::ReadMore), 0, {});
    if (!more) return more.error();
    flags = more->flags;
  }
  return ByteView(answer_);
}

Result<bus::ChipInfo> ChipDriver::info() {
  auto payload = call(bus::Command::Info);
  if (!payload) return payload.error();
  bus::ChipInfo info;
  if (!bus::decode(*payload, info)) return Status::MalformedPayload;
  return info;
}

Result<Bytes> ChipDriver::random(uint16_t n) { return call(bus::Command::GetRandom, bus::encode_u16(n)); }

Result<bus::ReadObjectResponse> ChipDriver::read_object(uint16_t id) {
  auto payload = call(bus::Command::ReadObject, bus::encode_u16(id));
  if (!payload) return payload.error();
  bus::ReadObjectResponse rsp;
  if (!bus::decode(*payload, rsp)) return Status::MalformedPayload;
  return rsp;
}

static Result<bus::Lifecycle> lifecycle_answer(const Result<Bytes>& payload) {
  if (!payload) return payload.error();
  uint8_t v = 0;
  if (!bus::parse_u8(*payload, v) || v < 1 || v > 3) return Status::MalformedPayload;
  return static_cast<bus::Lifecycle>(v);
}

Result<bus::Lifecycle> ChipDriver::zeroize() { return lifecycle_answer(call(bus::Command::Zeroize)); }

Outcome ChipDriver::reset() {
  auto payload = call(bus::Command::Reset);
  if (!payload) return payload.error();
  return {};
}

Result<bus::KeygenResponse> ChipDriver::keygen(Curve curve) {
  auto payload = call(bus::Command::Keygen, bus::encode_u8(static_cast<uint8_t>(curve)));
  if (!payload) return payload.error();
  bus::KeygenResponse rsp;
  if (!bus::decode(*payload, rsp)) return Status::MalformedPayload;
  return rsp;
}

Result<Bytes> ChipDriver::csr(ByteView subject_der) { return call(bus::Command::Csr, bus::encode_vec16(subject_der)); }

Result<uint16_t> ChipDriver::call_returning_id(bus::Command command, ByteView payload) {
  auto answer = call(command, payload);
  if (!answer) return answer.error();
  uint16_t id = 0;
  if (!bus::parse_u16(*answer, id)) return Status::MalformedPayload;
  return id;
}

Result<uint16_t> ChipDriver::install_cert(bus::ObjectRole role, ByteView der) {
  return call_returning_id(bus::Command::InstallCert, bus::encode_role_and_der(role, der));
}

Result<uint16_t> ChipDriver::add_root(ByteView der) {
  return call_returning_id(bus::Command::AddRoot, bus::encode_vec16(der));
}

Result<uint16_t> ChipDriver::set_admin_key(ByteView spki) {
  return call_returning_id(bus::Command::SetAdminKey, bus::encode_vec16(spki));
}

Result<uint16_t> ChipDriver::set_firmware_key(ByteView spki) {
  return call_returning_id(bus::Command::SetFirmwareKey, bus::encode_vec16(spki));
}

Outcome ChipDriver::delete_object(uint16_t id) {
  auto answer = call(bus::Command::DeleteObject, bus::encode_u16(id));
  if (!answer) return answer.error();
  return {};
}

Result<bus::Lifecycle> ChipDriver::lock() { return lifecycle_answer(call(bus::Command::Lock)); }

Result<bus::X509VerifyResponse> ChipDriver::verify_chain(const bus::X509VerifyRequest& request) {
  // What the wire format cannot carry is refused here rather than sent
  // truncated; the chip's own limits (8 certificates) are the chip's to enforce.
  if (request.chain.empty() || request.chain.size() > 255) return Status::BadArgument;
  if (request.name.empty() || request.name.size() > 255) return Status::BadServerName;
  Bytes payload;
  Writer w(payload, bus::kMaxTransfer);
  request.encode(w);
  if (!w.ok()) return Status::BusTransferTooLarge;  // a certificate over 64 KiB, or all of them together
  auto answer = call(bus::Command::X509Verify, payload);
  if (!answer) return answer.error();
  bus::X509VerifyResponse rsp;
  if (!bus::decode(*answer, rsp)) return Status::MalformedPayload;
  return rsp;
}

}  // namespace setls::host

namespace setls::host {

Result<admin::Challenge> ChipDriver::admin_challenge() {
  auto payload = call(bus::Command::AdminChallenge);
  if (!payload) return payload.error();
  admin::Challenge c;
  if (!bus::decode(*payload, c)) return Status::MalformedPayload;
  return c;
}

Result<ChipDriver::AdminApplied> ChipDriver::admin_apply(ByteView blob) {
  auto payload = call(bus::Command::AdminApply, blob);
  if (!payload) return payload.error();
  Reader r(*payload);
  AdminApplied out;
  uint8_t lifecycle = 0;
  if (!r.u32(out.admin_counter) || !r.u8(lifecycle) || lifecycle < 1 || lifecycle > 3 || !r.expect_end())
    return Status::MalformedPayload;
  out.lifecycle = static_cast<bus::Lifecycle>(lifecycle);
  return out;
}

Result<uint32_t> ChipDriver::secure_boot(ByteView manifest, ByteView image) {
  auto begun = call(bus::Command::BootBegin, manifest);
  if (!begun) return begun.error();
  // 16 KiB per command: a few bus chunks each, and a bounded chip buffer.
  constexpr size_t kPiece = 16 * 1024;
  for (size_t at = 0; at < image.size(); at += kPiece) {
    auto sent = call(bus::Command::BootData, image.subspan(at, std::min(kPiece, image.size() - at)));
    if (!sent) return sent.error();
  }
  auto done = call(bus::Command::BootFinish);
  if (!done) return done.error();
  Reader r(*done);
  uint32_t version = 0;
  if (!r.u32(version) || !r.expect_end()) return Status::MalformedPayload;
  return version;
}

Result<Bytes> ChipDriver::attest(ByteView nonce) {
  Bytes payload;
  Writer(payload).vec8(nonce);
  return call(bus::Command::Attest, payload);
}

}  // namespace setls::host

namespace setls::host {

Result<Bytes> ChipDriver::pair_host(ByteView host_spki) {
  auto answer = call(bus::Command::PairHost, bus::encode_vec16(host_spki));
  if (!answer) return answer.error();
  ByteView spki;
  if (!bus::parse_vec16(*answer, spki)) return Status::MalformedPayload;
  return Bytes(spki.begin(), spki.end());
}

Outcome ChipDriver::open_channel(const EcKey& host_key, const EcKey& chip_channel_key) {
  if (cipher_) return {};
  auto ephemeral = EcKey::generate(Curve::P256);
  if (!ephemeral) return ephemeral.error();
  bus::ChannelOpenRequest open;
  open.host_ephemeral = ephemeral->public_point();
  SETLS_TRY(random_bytes(open.host_random));
  auto answer = call(bus::Command::ChannelOpen, bus::encode(open));
  if (!answer) return answer.error();
  bus::ChannelOpenResponse rsp;
  if (!bus::decode(*answer, rsp)) return Status::MalformedPayload;
  Digest th = bus::channel_transcript(hello_.serial, open, rsp.chip_ephemeral, rsp.chip_random);
  // The chip proves it holds the paired channel key before we say anything.
  if (!signed_object::verify(signed_object::Kind::ChannelChip, chip_channel_key, th.view(), rsp.signature))
    return Status::BusChannelAuth;
  auto chip_eph = EcKey::from_public_point(Curve::P256, rsp.chip_ephemeral);
  if (!chip_eph) return Status::BusChannelAuth;
  auto shared = ephemeral->ecdh(*chip_eph);
  if (!shared) return shared.error();
  auto sig = host_key.sign(curve_hash(host_key.curve()),
                           signed_object::message_to_sign(signed_object::Kind::ChannelHost, th.view()));
  if (!sig) return sig.error();
  auto finished = call(bus::Command::ChannelFinish, bus::encode_vec16(*sig));
  if (!finished) return finished.error();
  auto cipher = bus::ChannelCipher::derive(bus::ChannelCipher::Side::Host, shared->view(), th);
  if (!cipher) return cipher.error();
  cipher_ = std::move(*cipher);
  return {};
}

}  // namespace setls::host

namespace setls::host {

namespace {
// The encoded HandleAndBytes header: handle, then the length of the bytes.
std::array<uint8_t, 7> handle_and_length(uint32_t handle, size_t n) {
  return {static_cast<uint8_t>(handle >> 24), static_cast<uint8_t>(handle >> 16), static_cast<uint8_t>(handle >> 8),
          static_cast<uint8_t>(handle),       static_cast<uint8_t>(n >> 16),      static_cast<uint8_t>(n >> 8),
          static_cast<uint8_t>(n)};
}
}  // namespace

template <class T>
Result<T> ChipDriver::call_decoded(bus::Command command, ByteView head, ByteView body) {
  auto answer = call_view(command, head, body);
  if (!answer) {
    wipe_answer();
    return answer.error();
  }
  T out;
  bool ok = bus::decode(*answer, out);
  // TLS answers carry released keys and plaintext: no copy stays behind.
  wipe_answer();
  if (!ok) return Status::MalformedPayload;
  return out;
}

Result<bus::TlsStartResponse> ChipDriver::tls_start(const bus::TlsStartRequest& request) {
  return call_decoded<bus::TlsStartResponse>(bus::Command::TlsStart, {}, bus::encode(request));
}

Result<bus::TlsHandshakeResponse> ChipDriver::tls_handshake(uint32_t handle, ByteView server_bytes) {
  if (server_bytes.size() >= (1u << 24)) return Status::BusTransferTooLarge;
  auto head = handle_and_length(handle, server_bytes.size());
  return call_decoded<bus::TlsHandshakeResponse>(bus::Command::TlsHandshake, head, server_bytes);
}

Result<Bytes> ChipDriver::tls_retry(uint32_t handle, ByteView client_hello) {
  if (client_hello.size() >= (1u << 24)) return Status::BusTransferTooLarge;
  auto head = handle_and_length(handle, client_hello.size());
  auto answer = call_view(bus::Command::TlsRetry, head, client_hello);
  if (!answer) return answer.error();
  Bytes out(answer->begin(), answer->end());
  wipe_answer();
  return out;
}

Result<bus::TlsRecordInResponse> ChipDriver::tls_record_in(uint32_t handle, ByteView records) {
  if (records.size() >= (1u << 24)) return Status::BusTransferTooLarge;
  auto head = handle_and_length(handle, records.size());
  return call_decoded<bus::TlsRecordInResponse>(bus::Command::TlsRecordIn, head, records);
}

Result<Bytes> ChipDriver::tls_seal(uint32_t handle, ByteView plaintext, uint8_t content_type) {
  if (plaintext.size() >= (1u << 24)) return Status::BusTransferTooLarge;
  auto hl = handle_and_length(handle, plaintext.size());
  // handle, content type, length: TlsSealRequest's encoding.
  const uint8_t head[] = {hl[0], hl[1], hl[2], hl[3], content_type, hl[4], hl[5], hl[6]};
  auto answer = call_view(bus::Command::TlsSeal, head, plaintext);
  if (!answer) return answer.error();
  Bytes out(answer->begin(), answer->end());
  wipe_answer();
  return out;
}

Result<bus::TlsPostHandshakeResponse> ChipDriver::tls_post_handshake(uint32_t handle, ByteView message) {
  if (message.size() >= (1u << 24)) return Status::BusTransferTooLarge;
  auto head = handle_and_length(handle, message.size());
  return call_decoded<bus::TlsPostHandshakeResponse>(bus::Command::TlsPostHandshake, head, message);
}

Result<bus::TlsKeyUpdateResponse> ChipDriver::tls_key_update(uint32_t handle, bool request_peer_update) {
  auto hl = handle_and_length(handle, 0);
  const uint8_t head[] = {hl[0], hl[1], hl[2], hl[3], static_cast<uint8_t>(request_peer_update ? 1 : 0)};
  return call_decoded<bus::TlsKeyUpdateResponse>(bus::Command::TlsKeyUpdate, head, {});
}

Outcome ChipDriver::tls_end(uint32_t handle) {
  auto hl = handle_and_length(handle, 0);
  const uint8_t head[] = {hl[0], hl[1], hl[2], hl[3]};
  auto answer = call_view(bus::Command::TlsEnd, head, {});
  wipe_answer();
  if (!answer) return answer.error();
  return {};
}

}  // namespace setls::host
