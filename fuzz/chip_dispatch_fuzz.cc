// libFuzzer target: the chip behind its bus port. Each input is one host
// connection sending a list of frames (frame_script.h) to a chip started
// from one of three flash images that the harness makes once per process:
//   first byte % 3 == 0  factory-fresh (nothing provisioned),
//                     1  provisioned (device key and certificate, roots,
//                        admin and firmware keys) but not locked,
//                     2  the same, locked (operational).
// Every input starts a fresh Firmware from a copy of its image (as a power
// cycle would find it), so the search reaches the commands of every
// lifecycle state without having to provision first, an input does the same
// thing every time it runs (with the repeatable randomness of
// repeatable_random.h), and nothing it allocates outlives it — so libFuzzer's
// leak check after inputs that allocate more than they free does not re-run
// them (that re-run and scan were most of this target's time when one chip
// lived across inputs).
//
// Checked on every frame and input (ARCHITECTURE.md invariants 1, 8, 9):
// every answer is a well-formed response frame with a known status; no
// answer contains the device key's private scalar; the lifecycle only moves
// forward; the storage generation never goes down; and after an input that
// committed, a chip restarted from its flash has exactly the state the
// running one has.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "chip/bus/in_process.h"
#include "common/bus/frame.h"
#include "fuzz/frame_script.h"
#include "fuzz/input_scope.h"
#include "fuzz/tls_chip.h"
#include "host/driver/chip_driver.h"
#include "tests/support/chip_probe.h"
#include "tests/support/pki.h"
#include "tests/support/ram_chip.h"

namespace {

using namespace setls;

using fuzz::require;

constexpr size_t kMaxFrames = 48;

bool refused_by_port(Status s) {
  return s == Status::BusCrc || s == Status::BusFrameLength || s == Status::BusFrameTooLarge ||
         s == Status::BusMagic || s == Status::BusNoHello || s == Status::BusSequence;
}

int lifecycle_rank(bus::Lifecycle l) { return static_cast<int>(l); }

// A flash image to start from, and what the checks need to know of it.
struct Start {
  chip::MemoryMedium flash;
  Bytes key_der;
  Bytes scalar;
};

struct World {
  chip::Fuses fuses;
  Start starts[3];

  World() {
    auto fw = chip::make_ram_chip();
    require(fw.ok());
    fuses = (*fw)->fuses().clone();
    starts[0] = capture(**fw);
    test::TestPki pki = test::TestPki::create();
    {
      auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(**fw, 1));
      require(driver.ok());
      test::provision(**driver, pki, Curve::P256, /*lock=*/false);
      starts[1] = capture(**fw);
      require((*driver)->lock().ok());
      starts[2] = capture(**fw);
    }
  }

  static Start capture(chip::Firmware& fw) {
    Start s;
    s.flash = dynamic_cast<chip::MemoryMedium&>(fw.storage().medium());
    const chip::StoredObject* key = fw.state().find_role(bus::ObjectRole::DeviceKey);
    if (key) s.key_der.assign(key->private_der.view().begin(), key->private_der.view().end());
    if (key) s.scalar = test::device_private_scalar(fw.state());
    return s;
  }
};

World& world() {
  static World w;
  return w;
}

// The scalar of the chip's device key, re-read only when the stored key
// changed. Keyed by the stored bytes, not the object id: a KEYGEN may
// replace the device key under the same id.
struct DeviceScalar {
  Bytes stored;
  Bytes scalar;
  const Bytes& of(const chip::Firmware& fw) {
    const chip::StoredObject* key = fw.state().find_role(bus::ObjectRole::DeviceKey);
    ByteView now = key ? key->private_der.view() : ByteView{};
    if (!std::equal(now.begin(), now.end(), stored.begin(), stored.end())) {
      stored.assign(now.begin(), now.end());
      scalar = key ? test::device_private_scalar(fw.state()) : Bytes{};
    }
    return scalar;
  }
};

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
  World& w = world();  // built once, with real randomness
  if (size < 1) return 0;
  fuzz::InputScope scope;
  const Start& start = w.starts[data[0] % 3];
  auto started = chip::Firmware::start(std::make_unique<chip::MemoryMedium>(start.flash), w.fuses);
  require(started.ok());
  chip::Firmware& fw = **started;
  DeviceScalar device{start.key_der, start.scalar};
  bus::Lifecycle lifecycle = fw.state().lifecycle;
  const uint64_t first_generation = fw.storage().generation();
  uint64_t generation = first_generation;

  {
    chip::BusPort port(fw, 1);
    uint16_t next_seq = 1;
    for (const fuzz::ScriptFrame& f : fuzz::parse_script(ByteView(data + 1, size - 1), kMaxFrames)) {
      // The key that exists before the frame must not leak in its answer.
      Bytes scalar_before = device.of(fw);
      Bytes frame = fuzz::repair(f, next_seq);
      Bytes answer = port.handle(frame);

      auto decoded = bus::decode_frame(answer, bus::kResponseMarker);
      require(decoded.ok());
      require(status_known(decoded->code));
      auto status = static_cast<Status>(decoded->code);
      require(!test::contains(answer, scalar_before));
      require(!test::contains(answer, device.of(fw)));
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
  if (fw.storage().generation() != first_generation) check_restart(fw);
  return 0;
}
