// libFuzzer target: the chip behind its bus port, stateful. One RAM chip
// lives across inputs, so that what one input provisions (a device key, a
// root) the next one can use; each input is one host connection sending a
// list of frames (frame_script.h). The chip is replaced by a fresh one every
// kResetEvery inputs and whenever it reaches the terminated state, so the
// search keeps reaching the factory commands.
//
// Checked on every frame and input (ARCHITECTURE.md invariants 1, 8, 9):
// every answer is a well-formed response frame with a known status; no
// answer contains the device key's private scalar; the lifecycle only moves
// forward; the storage generation never goes down; and, now and then, a
// chip restarted from its flash has exactly the state the running one has.
//
// To reproduce a crash from one input, set SETLS_FUZZ_RESET_EVERY=1 (a
// fresh chip for every input).
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "chip/bus/in_process.h"
#include "common/bus/frame.h"
#include "fuzz/frame_script.h"
#include "tests/support/chip_probe.h"

namespace {

using namespace setls;

constexpr size_t kMaxFrames = 48;
constexpr uint64_t kDefaultResetEvery = 2000;
constexpr uint64_t kRestartCheckEvery = 64;

void require(bool ok) {
  if (!ok) std::abort();
}

bool refused_by_port(Status s) {
  return s == Status::BusCrc || s == Status::BusFrameLength || s == Status::BusFrameTooLarge ||
         s == Status::BusMagic || s == Status::BusNoHello || s == Status::BusSequence;
}

int lifecycle_rank(bus::Lifecycle l) { return static_cast<int>(l); }

struct World {
  std::unique_ptr<chip::Firmware> firmware;
  uint64_t inputs = 0;
  uint64_t reset_every = kDefaultResetEvery;
  uint32_t next_connection = 1;
  uint16_t key_id = 0;  // the device key whose scalar is cached
  Bytes scalar;

  World() {
    if (const char* env = std::getenv("SETLS_FUZZ_RESET_EVERY")) reset_every = std::strtoull(env, nullptr, 10);
    if (reset_every == 0) reset_every = kDefaultResetEvery;
  }

  void reset() {
    firmware.reset();
    auto fw = chip::make_ram_chip();
    require(fw.ok());
    firmware = std::move(*fw);
    inputs = 0;
    key_id = 0;
    scalar.clear();
  }

  // The scalar of the current device key, re-read only when the key changed.
  const Bytes& device_scalar() {
    const chip::StoredObject* key = firmware->state().find_role(bus::ObjectRole::DeviceKey);
    uint16_t id = key ? key->id : 0;
    if (id != key_id) {
      key_id = id;
      scalar = id ? test::device_private_scalar(firmware->state()) : Bytes{};
    }
    return scalar;
  }
};

World& world() {
  static World w;
  return w;
}

// The flash, as the chip would find it after a power cycle.
void check_restart(chip::Firmware& fw) {
  auto& flash = dynamic_cast<chip::MemoryMedium&>(fw.storage().medium());
  auto restarted = chip::Firmware::start(std::make_unique<chip::MemoryMedium>(flash), fw.fuses());
  require(restarted.ok());
  require(test::state_bytes((*restarted)->state()) == test::state_bytes(fw.state()));
  require((*restarted)->storage().generation() == fw.storage().generation());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  if (!w.firmware || w.inputs >= w.reset_every || w.firmware->state().lifecycle == bus::Lifecycle::Terminated)
    w.reset();
  ++w.inputs;
  chip::Firmware& fw = *w.firmware;
  bus::Lifecycle lifecycle = fw.state().lifecycle;
  uint64_t generation = fw.storage().generation();

  {
    chip::BusPort port(fw, w.next_connection++);
    uint16_t next_seq = 1;
    for (const fuzz::ScriptFrame& f : fuzz::parse_script(ByteView(data, size), kMaxFrames)) {
      // The key that exists before the frame must not leak in its answer.
      Bytes scalar_before = w.device_scalar();
      Bytes frame = fuzz::repair(f, next_seq);
      Bytes answer = port.handle(frame);

      auto decoded = bus::decode_frame(answer, bus::kResponseMarker);
      require(decoded.ok());
      require(status_known(decoded->code));
      auto status = static_cast<Status>(decoded->code);
      require(!test::contains(answer, scalar_before));
      require(!test::contains(answer, w.device_scalar()));
      if (!refused_by_port(status) && frame.size() >= 4)
        next_seq = static_cast<uint16_t>((frame[2] << 8 | frame[3]) + 1);

      // Manufacturing → operational → terminated; zeroize in manufacturing stays there.
      require(lifecycle_rank(fw.state().lifecycle) >= lifecycle_rank(lifecycle));
      lifecycle = fw.state().lifecycle;
      require(fw.storage().generation() >= generation);
      generation = fw.storage().generation();
    }
  }
  require(fw.state().objects.size() <= chip::kMaxObjects);
  if (w.inputs % kRestartCheckEvery == 0) check_restart(fw);
  return 0;
}
