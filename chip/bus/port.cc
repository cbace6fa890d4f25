#include "chip/bus/port.h"

#include "common/bus/command.h"
#include "common/bus/crc32.h"
#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/secure/secret.h"

namespace setls::chip {

namespace {
// The seq field of a frame that failed its checks, to echo back (best effort).
uint16_t raw_seq(ByteView frame) {
  Reader r(frame);
  uint16_t marker_flags = 0, seq = 0;
  if (!r.u16(marker_flags) || !r.u16(seq)) return 0;
  return seq;
}

uint32_t frame_crc(ByteView frame) {
  Reader r(frame.subspan(frame.size() - bus::kCrcSize));
  uint32_t crc = 0;
  (void)r.u32(crc);
  return crc;
}
}  // namespace

BusPort::BusPort(Firmware& firmware, uint32_t connection_id) : fw_(firmware), conn_{connection_id} {}

BusPort::~BusPort() {
  fw_.disconnect(conn_);
  wipe(last_response_);
  wipe(download_);
  wipe(upload_);
}

Bytes BusPort::respond(uint16_t seq, Status status, uint8_t flags, ByteView payload) {
  bus::Frame f;
  f.marker = bus::kResponseMarker;
  f.flags = flags;
  f.seq = seq;
  f.code = static_cast<uint16_t>(status);
  if (secure_request_ && conn_.secure()) {
    auto sealed = conn_.channel->seal(f, payload);
    if (sealed) return std::move(*sealed);
    return fail_channel(seq);
  }
  f.payload = payload;
  return bus::encode_frame(f);
}

Bytes BusPort::fail_channel(uint16_t seq) {
  dead_ = true;
  secure_request_ = false;
  conn_.channel.reset();
  conn_.pending_channel.reset();
  fw_.disconnect(conn_);  // sessions this link owned die with it
  return respond_error(seq, Error{Status::BusChannelAuth, 0});
}

Bytes BusPort::respond_error(uint16_t seq, const Error& e) {
  Bytes detail;
  Writer(detail).u32(e.detail);
  return respond(seq, e.status, 0, detail);
}

Bytes BusPort::handle(ByteView raw) {
  if (meter_ == nullptr) return handle_frame(raw);
  // Everything the chip computes for this frame (channel AEAD included) is
  // counted; the bus time is the frame's bytes both ways.
  CryptoOpCounts ops;
  Bytes out;
  {
    CryptoOpScope scope(ops);
    out = handle_frame(raw);
  }
  Reader r(raw);
  uint16_t ignored = 0, code = 0;
  if (!r.u16(ignored) || !r.u16(ignored) || !r.u16(code)) code = 0;
  last_cost_.command = code;
  last_cost_.request_size = raw.size();
  last_cost_.response_size = out.size();
  last_cost_.ops = ops;
  last_cost_.cost = meter_->record(code, ops, raw.size(), out.size());
  return out;
}

Bytes BusPort::handle_frame(ByteView raw) {
  secure_request_ = false;
  auto decoded = bus::decode_frame(raw, bus::kCommandMarker);
  if (!decoded) {
    // Damaged frames are answered but never acted on, and never cached.
    Bytes out = respond_error(raw_seq(raw), decoded.error());
    if (on_trace) on_trace({conn_.id, raw_seq(raw), 0, raw.size(), decoded.error().status, out.size(), false});
    return out;
  }
  const bus::Frame& f = *decoded;
  if (dead_) return respond_error(f.seq, Error{Status::BusChannelAuth, 0});
  uint32_t crc = frame_crc(raw);

  // A retransmission of the last frame (its answer was lost): replay the
  // answer; the command is not executed twice.
  if (hello_done_ && f.seq == last_seq_ && crc == last_crc_ && !last_response_.empty()) {
    if (on_trace) on_trace({conn_.id, f.seq, f.code, raw.size(), Status::Ok, last_response_.size(), true});
    return last_response_;
  }

  // Over an open channel every frame must authenticate; the first one that
  // does not closes the link.
  Bytes opened;
  ByteView payload = f.payload;
  if (conn_.secure()) {
    if ((f.flags & bus::kFlagSecure) == 0) return fail_channel(f.seq);
    auto plain = conn_.channel->open(f);
    if (!plain) return fail_channel(f.seq);
    opened = std::move(*plain);
    payload = opened;
    secure_request_ = true;
  } else if ((f.flags & bus::kFlagSecure) != 0) {
    return respond_error(f.seq, Error{Status::BusChannelAuth, 0});
  }

  bool is_hello = f.code == static_cast<uint16_t>(bus::Command::Hello);
  Status refusal = Status::Ok;
  if (!hello_done_ && !is_hello) refusal = Status::BusNoHello;
  else if (hello_done_ && !is_hello && f.seq != static_cast<uint16_t>(last_seq_ + 1))
    refusal = Status::BusSequence;
  if (refusal != Status::Ok) {
    Bytes out = respond_error(f.seq, Error{refusal, 0});
    if (on_trace) on_trace({conn_.id, f.seq, f.code, raw.size(), refusal, out.size(), false});
    return out;
  }

  Bytes out;
  Status executed = Status::Continue;  // what the firmware answered, if it ran
  if (is_hello) {
    // HELLO (re)starts the link: any sequence number, nothing half-done kept.
    upload_command_.reset();
    wipe(upload_);
    wipe(download_);
  }
  bool more = (f.flags & bus::kFlagMore) != 0;
  if (f.code == static_cast<uint16_t>(bus::Command::ReadMore)) {
    out = next_download_chunk(f.seq);
  } else if (more || upload_command_) {
    // Chunked command: every chunk carries the same command id.
    if (upload_command_ && *upload_command_ != f.code) {
      upload_command_.reset();
      wipe(upload_);
      out = respond_error(f.seq, Error{Status::BusChunking, 0});
    } else if (upload_.size() + payload.size() > bus::kMaxTransfer) {
      upload_command_.reset();
      wipe(upload_);
      out = respond_error(f.seq, Error{Status::BusTransferTooLarge, 0});
    } else {
      upload_command_ = f.code;
      upload_.insert(upload_.end(), payload.begin(), payload.end());
      if (more) {
        out = respond(f.seq, Status::Continue, 0, {});
      } else {
        Bytes whole = std::move(upload_);
        upload_.clear();
        upload_command_.reset();
        out = execute(f, whole, executed);
        wipe(whole);
      }
    }
  } else {
    out = execute(f, payload, executed);
  }
  wipe(opened);

  // Only a HELLO that succeeded opens the link: after a version mismatch or a
  // malformed HELLO every other command is refused with BusNoHello.
  if (is_hello) hello_done_ = executed == Status::Ok;
  last_seq_ = f.seq;
  last_crc_ = crc;
  wipe(last_response_);  // answers may carry key material (host record mode)
  last_response_ = out;
  return out;
}

Bytes BusPort::execute(const bus::Frame& f, ByteView payload, Status& status) {
  download_.clear();
  download_pos_ = 0;
  auto result = fw_.execute(conn_, f.code, payload);
  status = result.status();
  Bytes out;
  if (!result) {
    out = respond_error(f.seq, result.error());
  } else if (result->size() <= max_chunk()) {
    out = respond(f.seq, Status::Ok, 0, *result);
  } else {
    download_ = std::move(*result);
    out = next_download_chunk(f.seq);
  }
  if (on_trace)
    on_trace({conn_.id, f.seq, f.code, payload.size(), result ? Status::Ok : result.error().status,
              out.size(), false});
  return out;
}

Bytes BusPort::next_download_chunk(uint16_t seq) {
  if (download_pos_ >= download_.size()) return respond_error(seq, Error{Status::BusChunking, 0});
  size_t n = std::min(max_chunk(), download_.size() - download_pos_);
  ByteView chunk = ByteView(download_).subspan(download_pos_, n);
  download_pos_ += n;
  bool more = download_pos_ < download_.size();
  Bytes out = respond(seq, Status::Ok, more ? bus::kFlagMore : 0, chunk);
  if (!more) {
    wipe(download_);
    download_pos_ = 0;
  }
  return out;
}

}  // namespace setls::chip
