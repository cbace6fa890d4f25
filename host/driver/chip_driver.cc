#include "host/driver/chip_driver.h"

#include "common/bus/frame.h"
#include "common/bytes/reader.h"
#include "common/crypto/random.h"
#include "common/signed/signed_object.h"
#include "common/bytes/writer.h"
#include "host/driver/unix_transport.h"

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
  Bytes frame;
  if (cipher_) {
    auto sealed = cipher_->seal(f, payload);
    if (!sealed) return sealed.error();
    frame = std::move(*sealed);
  } else {
    frame = bus::encode_frame(f);
  }
  if (frame.empty()) return Status::BusFrameTooLarge;

  for (int attempt = 0; attempt <= kMaxRetransmissions; ++attempt) {
    if (attempt > 0) ++stats_.retransmissions;
    ++stats_.round_trips;
    stats_.bytes_sent += frame.size();
    auto raw = link_->exchange(frame);
    if (!raw) {
      if (raw.error().status == Status::BusTimeout) continue;  // lost one way or the other
      return raw.error();
    }
    stats_.bytes_received += raw->size();
    auto answer = bus::decode_frame(*raw, bus::kResponseMarker);
    if (!answer || answer->seq != f.seq || !status_known(answer->code)) continue;
    auto status = static_cast<Status>(answer->code);
    if (damaged_in_transit(status)) continue;
    Bytes body(answer->payload.begin(), answer->payload.end());
    if (cipher_) {
      // Only a protected answer counts; a plain one is either the chip
      // closing the channel or someone else on the bus.
      if ((answer->flags & bus::kFlagSecure) == 0) {
        cipher_.reset();
        return Error{Status::BusChannelAuth, 0};
      }
      auto opened = cipher_->open(*answer);
      if (!opened) {
        cipher_.reset();
        return Error{Status::BusChannelAuth, 0};
      }
      body = std::move(*opened);
    }
    if (status != Status::Ok && status != Status::Continue) return Error{status, read_detail(body)};
    return Answer{status, answer->flags, std::move(body)};
  }
  return Status::BusRetriesExhausted;
}

Result<Bytes> ChipDriver::call(bus::Command command, ByteView payload) {
  auto code = static_cast<uint16_t>(command);
  if (payload.size() > bus::kMaxTransfer) return Status::BusTransferTooLarge;
  // Every chunk but the last carries MORE and is acknowledged with Continue.
  size_t offset = 0;
  Result<Answer> answer = Status::Internal;
  do {
    size_t n = std::min(cipher_ ? bus::kMaxSecurePayload : bus::kMaxPayload, payload.size() - offset);
    bool last = offset + n == payload.size();
    answer = exchange(code, last ? 0 : bus::kFlagMore, payload.subspan(offset, n));
    if (!answer) return answer.error();
    if (!last && answer->status != Status::Continue) return Status::BusChunking;
    offset += n;
  } while (offset < payload.size());
  if (answer->status != Status::Ok) return Status::BusChunking;

  Bytes result = std::move(answer->payload);
  uint8_t flags = answer->flags;
  while ((flags & bus::kFlagMore) != 0) {
    if (result.size() > bus::kMaxTransfer) return Status::BusTransferTooLarge;
    auto more = exchange(static_cast<uint16_t>(bus::Command::ReadMore), 0, {});
    if (!more) return more.error();
    result.insert(result.end(), more->payload.begin(), more->payload.end());
    flags = more->flags;
  }
  return result;
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
template <class T>
Result<T> decode_answer(const Result<Bytes>& answer) {
  if (!answer) return answer.error();
  T out;
  if (!bus::decode(*answer, out)) return Status::MalformedPayload;
  return out;
}

Bytes handle_and_bytes(uint32_t handle, ByteView data) {
  return bus::encode(bus::HandleAndBytes{handle, Bytes(data.begin(), data.end())});
}
}  // namespace

Result<bus::TlsStartResponse> ChipDriver::tls_start(const bus::TlsStartRequest& request) {
  return decode_answer<bus::TlsStartResponse>(call(bus::Command::TlsStart, bus::encode(request)));
}

Result<bus::TlsHandshakeResponse> ChipDriver::tls_handshake(uint32_t handle, ByteView server_bytes) {
  return decode_answer<bus::TlsHandshakeResponse>(
      call(bus::Command::TlsHandshake, handle_and_bytes(handle, server_bytes)));
}

Result<Bytes> ChipDriver::tls_retry(uint32_t handle, ByteView client_hello) {
  return call(bus::Command::TlsRetry, handle_and_bytes(handle, client_hello));
}

Result<bus::TlsRecordInResponse> ChipDriver::tls_record_in(uint32_t handle, ByteView records) {
  return decode_answer<bus::TlsRecordInResponse>(call(bus::Command::TlsRecordIn, handle_and_bytes(handle, records)));
}

Result<Bytes> ChipDriver::tls_seal(uint32_t handle, ByteView plaintext, uint8_t content_type) {
  bus::TlsSealRequest request{handle, content_type, Bytes(plaintext.begin(), plaintext.end())};
  return call(bus::Command::TlsSeal, bus::encode(request));
}

Result<bus::TlsPostHandshakeResponse> ChipDriver::tls_post_handshake(uint32_t handle, ByteView message) {
  return decode_answer<bus::TlsPostHandshakeResponse>(
      call(bus::Command::TlsPostHandshake, handle_and_bytes(handle, message)));
}

Result<bus::TlsKeyUpdateResponse> ChipDriver::tls_key_update(uint32_t handle, bool request_peer_update) {
  Bytes payload;
  Writer(payload).u32(handle).u8(request_peer_update ? 1 : 0);
  return decode_answer<bus::TlsKeyUpdateResponse>(call(bus::Command::TlsKeyUpdate, payload));
}

Outcome ChipDriver::tls_end(uint32_t handle) {
  Bytes payload;
  Writer(payload).u32(handle);
  auto answer = call(bus::Command::TlsEnd, payload);
  if (!answer) return answer.error();
  return {};
}

}  // namespace setls::host
