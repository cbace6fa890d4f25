// The chip's end of one bus link: checks frames, enforces sequence numbers,
// reassembles chunked commands, splits long responses, answers
// retransmissions from a cache instead of executing twice, and hands complete
// commands to the firmware (docs/bus-protocol.md §3).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "chip/firmware/firmware.h"
#include "chip/perf/latency.h"
#include "common/bus/frame.h"

namespace setls::chip {

// One line of `setls-chipd --verbose`: sizes and codes only, never payloads.
struct TraceEvent {
  uint32_t connection = 0;
  uint16_t seq = 0;
  uint16_t command = 0;
  size_t request_size = 0;
  Status status = Status::Ok;
  size_t response_size = 0;
  bool replayed = false;
};

// What a latency model made of one frame (only with a meter attached).
struct FrameCost {
  uint16_t command = 0;     // the frame's command id (0 for an undecodable frame)
  size_t request_size = 0;  // whole frames, as on the bus
  size_t response_size = 0;
  CryptoOpCounts ops;       // what the firmware computed for it
  ModeledCost cost;
};

class BusPort {
 public:
  BusPort(Firmware& firmware, uint32_t connection_id);
  ~BusPort();
  BusPort(const BusPort&) = delete;
  BusPort& operator=(const BusPort&) = delete;

  // One frame in, one frame out.
  Bytes handle(ByteView frame);
  // Counts each frame's crypto operations and bus bytes into `meter`
  // (nullptr: off). The meter must outlive the port or be detached first.
  void set_meter(LatencyMeter* meter) { meter_ = meter; }
  // The last frame's modeled cost, when a meter is attached.
  const FrameCost& last_cost() const { return last_cost_; }
  // True once the secure channel failed: the daemon closes the link.
  bool closed() const { return dead_; }

  std::function<void(const TraceEvent&)> on_trace;

 private:
  Bytes handle_frame(ByteView frame);
  // Encodes an answer; protected when the request came over the channel.
  Bytes respond(uint16_t seq, Status status, uint8_t flags, ByteView payload);
  Bytes respond_error(uint16_t seq, const Error& e);
  // Runs a complete command; `status` receives the firmware's answer.
  Bytes execute(const bus::Frame& f, ByteView payload, Status& status);
  Bytes next_download_chunk(uint16_t seq);
  // A channel failure: nothing more is acted on for this link.
  Bytes fail_channel(uint16_t seq);
  size_t max_chunk() const { return secure_request_ ? bus::kMaxSecurePayload : bus::kMaxPayload; }

  Firmware& fw_;
  Connection conn_;
  LatencyMeter* meter_ = nullptr;
  FrameCost last_cost_;
  bool hello_done_ = false;
  bool dead_ = false;            // the secure channel failed: the link is closed
  bool secure_request_ = false;  // the frame being answered came over the channel
  uint16_t last_seq_ = 0;
  uint32_t last_crc_ = 0;
  Bytes last_response_;
  // A command arriving in chunks.
  std::optional<uint16_t> upload_command_;
  Bytes upload_;
  // A response leaving in chunks.
  Bytes download_;
  size_t download_pos_ = 0;
};

}  // namespace setls::chip
