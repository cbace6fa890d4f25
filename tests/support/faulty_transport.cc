#include "tests/support/faulty_transport.h"

#include <optional>
#include <vector>

#include "common/bus/command.h"
#include "common/bus/frame.h"

namespace setls::test {

namespace {
constexpr size_t kHistory = 4;

bool is_hello(ByteView frame) {
  return frame.size() >= 6 && frame[4] == 0 && frame[5] == static_cast<uint8_t>(bus::Command::Hello);
}

bool loses_exchange(Fault f) {
  return f == Fault::FlipRequest || f == Fault::FlipAnswer || f == Fault::DropRequest || f == Fault::DropAnswer;
}
}  // namespace

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::FlipRequest: return "flip-request";
    case Fault::FlipAnswer: return "flip-answer";
    case Fault::DropRequest: return "drop-request";
    case Fault::DropAnswer: return "drop-answer";
    case Fault::Repeat: return "repeat";
    case Fault::StaleRepeat: return "stale-repeat";
    case Fault::kCount: break;
  }
  return "?";
}

uint64_t FaultStats::total() const {
  uint64_t n = 0;
  for (uint64_t v : injected) n += v;
  return n;
}

FaultyTransport::FaultyTransport(std::unique_ptr<bus::Transport> inner, FaultPlan plan)
    : inner_(std::move(inner)), plan_(plan), rng_(plan.seed) {}

void FaultyTransport::flip_bits(Bytes& frame) {
  // CRC-32 detects every pattern of up to three flipped bits in a frame of
  // this size (Hamming distance 4 up to 11 KiB), so each one must be caught.
  std::uniform_int_distribution<size_t> bit(0, frame.size() * 8 - 1);
  std::uniform_int_distribution<int> count(1, 3);
  for (int i = count(rng_); i > 0; --i) {
    size_t b = bit(rng_);
    frame[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
  }
}

Result<Bytes> FaultyTransport::exchange(ByteView frame) {
  ++stats_.exchanges;
  std::bernoulli_distribution faulty(plan_.rate);
  std::optional<Fault> fault;
  if (faulty(rng_)) {
    std::vector<Fault> enabled;
    for (int k = 0; k < static_cast<int>(Fault::kCount); ++k)
      if ((plan_.kinds & (1u << k)) != 0) enabled.push_back(static_cast<Fault>(k));
    if (!enabled.empty()) {
      std::uniform_int_distribution<size_t> pick(0, enabled.size() - 1);
      fault = enabled[pick(rng_)];
    }
    if (fault && loses_exchange(*fault) && losses_in_a_row_ >= plan_.max_consecutive_losses) fault.reset();
    if (fault == Fault::StaleRepeat && history_.empty()) fault.reset();
  }
  losses_in_a_row_ = fault && loses_exchange(*fault) ? losses_in_a_row_ + 1 : 0;
  if (fault) ++stats_.injected[static_cast<size_t>(*fault)];

  Bytes request(frame.begin(), frame.end());
  // A HELLO is never replayed late: it restarts the link whatever its
  // sequence number (docs/bus-protocol.md), so a late one is not a fault
  // the protocol claims to survive.
  if (!is_hello(frame) && (history_.empty() || history_.back() != request)) {
    history_.push_back(request);
    if (history_.size() > kHistory) history_.pop_front();
  }

  switch (fault.value_or(Fault::kCount)) {
    case Fault::FlipRequest: {
      flip_bits(request);
      return inner_->exchange(request);
    }
    case Fault::FlipAnswer: {
      auto answer = inner_->exchange(frame);
      if (answer && !answer->empty()) flip_bits(*answer);
      return answer;
    }
    case Fault::DropRequest: return Status::BusTimeout;
    case Fault::DropAnswer: {
      (void)inner_->exchange(frame);
      return Status::BusTimeout;
    }
    case Fault::Repeat: {
      (void)inner_->exchange(frame);
      return inner_->exchange(frame);
    }
    case Fault::StaleRepeat: {
      std::uniform_int_distribution<size_t> pick(0, history_.size() - 1);
      Bytes old = history_[pick(rng_)];
      (void)inner_->exchange(old);
      return inner_->exchange(frame);
    }
    case Fault::kCount: break;
  }
  return inner_->exchange(frame);
}

}  // namespace setls::test
