#include "tests/support/power_cut_medium.h"

#include <algorithm>

namespace setls::test {

const char* step_name(NvmStep s) {
  switch (s) {
    case NvmStep::Erase: return "erase";
    case NvmStep::Program: return "program";
    case NvmStep::Sync: return "sync";
    case NvmStep::Counter: return "advance-counter";
  }
  return "?";
}

const char* tear_name(Tear t) {
  switch (t) {
    case Tear::None: return "none";
    case Tear::Half: return "half";
    case Tear::AllButOne: return "all-but-one";
    case Tear::Completed: return "completed";
    case Tear::LoseUnsynced: return "lose-unsynced";
  }
  return "?";
}

std::vector<Tear> tears_for(NvmStep s) {
  switch (s) {
    case NvmStep::Erase: return {Tear::None, Tear::Half, Tear::AllButOne};
    case NvmStep::Program: return {Tear::None, Tear::Half, Tear::AllButOne, Tear::LoseUnsynced};
    case NvmStep::Sync: return {Tear::None, Tear::LoseUnsynced};
    // The counter is one aligned word: it moves or it does not.
    case NvmStep::Counter: return {Tear::None, Tear::Completed};
  }
  return {};
}

bool PowerCutMedium::cut_now(NvmStep s) {
  steps_.push_back(s);
  if (!cut_ || cut_->step != steps_.size() - 1) return false;
  dead_ = true;
  return true;
}

void PowerCutMedium::lose_unsynced() {
  for (size_t i = 0; i < unsynced_.size(); i += 2) {
    const Written& w = unsynced_[i];
    (void)target_.program(w.bank, w.offset, w.before);
  }
  unsynced_.clear();
}

Result<Bytes> PowerCutMedium::read(int bank) {
  if (dead_) return Status::NvmIo;
  return target_.read(bank);
}

Result<uint64_t> PowerCutMedium::read_counter() {
  if (dead_) return Status::NvmIo;
  return target_.read_counter();
}

Outcome PowerCutMedium::erase(int bank) {
  if (dead_) return Status::NvmIo;
  if (!cut_now(NvmStep::Erase)) {
    // What was programmed in this bank is gone anyway.
    std::erase_if(unsynced_, [&](const Written& w) { return w.bank == bank; });
    return target_.erase(bank);
  }
  // A partial erase: the first pages are blank, the rest still hold data.
  constexpr size_t kPages = chip::kBankSize / chip::kPageSize;
  size_t pages = cut_->tear == Tear::Half ? kPages / 2 : cut_->tear == Tear::AllButOne ? kPages - 1 : 0;
  Bytes blank(chip::kPageSize, chip::kErasedByte);
  for (size_t p = 0; p < pages; ++p) (void)target_.program(bank, p * chip::kPageSize, blank);
  return Status::NvmIo;
}

Outcome PowerCutMedium::program(int bank, size_t offset, ByteView data) {
  if (dead_) return Status::NvmIo;
  if (!cut_now(NvmStep::Program)) {
    // Remember what the page held, in case a later cut loses this write.
    if (cut_ && cut_->tear == Tear::LoseUnsynced) {
      auto current = target_.read(bank);
      if (current && chip::valid_page_write(bank, offset, data.size()))
        unsynced_.push_back({bank, offset, Bytes(current->begin() + static_cast<long>(offset),
                                                 current->begin() + static_cast<long>(offset + data.size()))});
    }
    return target_.program(bank, offset, data);
  }
  switch (cut_->tear) {
    case Tear::Half: (void)target_.program(bank, offset, data.first(data.size() / 2)); break;
    case Tear::AllButOne:
      if (!data.empty()) (void)target_.program(bank, offset, data.first(data.size() - 1));
      break;
    case Tear::LoseUnsynced: lose_unsynced(); break;
    case Tear::None:
    case Tear::Completed: break;
  }
  return Status::NvmIo;
}

Outcome PowerCutMedium::sync() {
  if (dead_) return Status::NvmIo;
  if (!cut_now(NvmStep::Sync)) {
    unsynced_.clear();
    return target_.sync();
  }
  if (cut_->tear == Tear::LoseUnsynced) lose_unsynced();
  return Status::NvmIo;
}

Outcome PowerCutMedium::advance_counter(uint64_t value) {
  if (dead_) return Status::NvmIo;
  if (!cut_now(NvmStep::Counter)) return target_.advance_counter(value);
  if (cut_->tear == Tear::Completed) (void)target_.advance_counter(value);
  return Status::NvmIo;
}

}  // namespace setls::test
