#include "chip/firmware/firmware.h"

#include "chip/firmware/build_time.h"
#include "chip/firmware/commands.h"

#include <algorithm>

namespace setls::chip {

namespace {
uint8_t lifecycle_bit(bus::Lifecycle l) {
  switch (l) {
    case bus::Lifecycle::Manufacturing: return kManufacturing;
    case bus::Lifecycle::Operational: return kOperational;
    case bus::Lifecycle::Terminated: return kTerminated;
  }
  return 0;
}
}  // namespace

Result<std::unique_ptr<Firmware>> Firmware::start(std::unique_ptr<NvmMedium> medium, const Fuses& fuses,
                                                  FirmwareConfig config) {
  NvmState state;
  auto storage = Storage::open(std::move(medium), fuses, state);
  if (!storage) return storage.error();
  // A zeroize commits the blank state, then erases the previous image. If
  // power died in between, that image (keys included) is still in the other
  // bank: finish the erase before serving anything.
  if (state.objects.empty()) SETLS_TRY((*storage)->scrub_stale_bank());
  return std::unique_ptr<Firmware>(new Firmware(std::move(*storage), std::move(state), fuses, config));
}

Result<Bytes> Firmware::execute(Connection& conn, uint16_t command, ByteView payload) {
  const CommandSpec* spec = find_command(command);
  if (spec == nullptr) return Status::UnknownCommand;
  if ((spec->allowed & lifecycle_bit(state_.lifecycle)) == 0) return lifecycle_refusal(*spec, state_.lifecycle);
  return spec->handler(*this, conn, payload);
}

// A session belongs to its link: when the link goes, so do its secrets.
void Firmware::disconnect(Connection& conn) { ram_.sessions.end_all(conn.id); }

void Firmware::power_cycle() {
  ram_ = VolatileState{};
  trust_anchors_.reset();  // RAM, rebuilt from NVM on first use
  ram_.sessions = SessionTable(config_.session_slots);
}

Outcome Firmware::update(const std::function<Outcome(NvmState&)>& change) {
  NvmState next = state_.clone();
  SETLS_TRY(change(next));
  SETLS_TRY(storage_->commit(next));
  state_ = std::move(next);
  device_key_.reset();
  trust_anchors_.reset();
  return {};
}

Outcome Firmware::zeroize(bus::Lifecycle next) {
  NvmState blank;
  blank.lifecycle = next;
  // Counters only move forward, even across a zeroize.
  blank.admin_counter = state_.admin_counter;
  blank.rollback_version = state_.rollback_version;
  blank.time_floor = state_.time_floor;
  blank.next_object_id = state_.next_object_id;
  SETLS_TRY(storage_->commit(blank));
  state_ = std::move(blank);
  device_key_.reset();
  trust_anchors_.reset();
  power_cycle();
  // The other bank still holds the previous image, keys included.
  return storage_->scrub_stale_bank();
}

const uint64_t Firmware::kBuildTime = kBuildDayUnix;

uint64_t Firmware::time_floor() const { return std::max<uint64_t>(kBuildTime, state_.time_floor); }

Outcome Firmware::raise_time_floor(uint64_t t) {
  if (t <= time_floor()) return {};
  return update([t](NvmState& s) -> Outcome {
    s.time_floor = t;
    return {};
  });
}

Result<const EcKey*> Firmware::device_key() {
  if (!device_key_) {
    const StoredObject* obj = state_.find_role(bus::ObjectRole::DeviceKey);
    if (obj == nullptr) return Status::NoDeviceKey;
    auto key = EcKey::from_private_der(obj->private_der.view());
    if (!key) return Status::NvmTampered;
    device_key_ = std::move(*key);
  }
  return &*device_key_;
}

Result<const x509::TrustAnchors*> Firmware::trust_anchors() {
  if (!trust_anchors_) {
    std::vector<Bytes> der;
    for (const auto& o : state_.objects)
      if (o.role == bus::ObjectRole::RootCa && (o.policy & bus::kPolicyTrustAnchor) != 0) der.push_back(o.public_data);
    SETLS_TRY_ASSIGN(x509::TrustAnchors anchors, x509::TrustAnchors::from_der(der));
    trust_anchors_ = std::move(anchors);
  }
  return &*trust_anchors_;
}

}  // namespace setls::chip
