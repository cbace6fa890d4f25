// The bus: frame encode/decode (both sides run these for every frame), and
// the cost of one command through the whole stack — ChipDriver, frames,
// BusPort, the firmware's dispatcher — with the chip linked in-process.
#include <benchmark/benchmark.h>

#include <stdexcept>

#include "chip/bus/in_process.h"
#include "chip/perf/latency.h"
#include "common/bus/frame.h"
#include "host/driver/chip_driver.h"

namespace setls::bench {
namespace {

void BM_FrameEncode(benchmark::State& state) {
  Bytes payload(static_cast<size_t>(state.range(0)), 0x42);
  bus::Frame f;
  f.code = 0x0061;
  f.seq = 7;
  f.payload = payload;
  for (auto _ : state) {
    Bytes out = bus::encode_frame(f);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (state.range(0) + 12));
}
BENCHMARK(BM_FrameEncode)->Arg(0)->Arg(64)->Arg(512)->Arg(2048)->ArgName("payload");

void BM_FrameDecode(benchmark::State& state) {
  Bytes payload(static_cast<size_t>(state.range(0)), 0x42);
  bus::Frame f;
  f.code = 0x0061;
  f.seq = 7;
  f.payload = payload;
  Bytes wire = bus::encode_frame(f);
  for (auto _ : state) {
    auto decoded = bus::decode_frame(wire, bus::kCommandMarker);
    if (!decoded) state.SkipWithError("decode");
    benchmark::DoNotOptimize(decoded->payload.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (state.range(0) + 12));
}
BENCHMARK(BM_FrameDecode)->Arg(0)->Arg(64)->Arg(512)->Arg(2048)->ArgName("payload");

struct InProcessChip {
  std::unique_ptr<chip::Firmware> firmware;
  chip::InProcessTransport* transport = nullptr;  // owned by the driver
  std::unique_ptr<host::ChipDriver> driver;

  InProcessChip() {
    auto fw = chip::make_ram_chip();
    if (!fw) throw std::runtime_error("make_ram_chip");
    firmware = std::move(*fw);
    auto link = std::make_unique<chip::InProcessTransport>(*firmware, 1);
    transport = link.get();
    auto d = host::ChipDriver::open(std::move(link));
    if (!d) throw std::runtime_error("ChipDriver::open");
    driver = std::move(*d);
  }
};

// One small command, all the way: driver → frame → port → dispatcher → handler → back.
void BM_ChipDispatchGetRandom(benchmark::State& state) {
  InProcessChip c;
  std::unique_ptr<chip::LatencyMeter> meter;
  if (state.range(0) != 0) {
    meter = std::make_unique<chip::LatencyMeter>(*chip::find_latency_profile("optiga-trust-m"));
    c.transport->port().set_meter(meter.get());
  }
  for (auto _ : state) {
    auto r = c.driver->random(16);
    if (!r) state.SkipWithError("random");
    benchmark::DoNotOptimize(r->data());
  }
  c.transport->port().set_meter(nullptr);
  state.SetLabel(state.range(0) != 0 ? "with latency meter" : "");
}
BENCHMARK(BM_ChipDispatchGetRandom)->Arg(0)->Arg(1)->ArgName("meter");

// A command whose answer lists the chip's state (encoding dominates).
void BM_ChipDispatchInfo(benchmark::State& state) {
  InProcessChip c;
  for (auto _ : state) {
    auto r = c.driver->info();
    if (!r) state.SkipWithError("info");
    benchmark::DoNotOptimize(r->serial.data());
  }
}
BENCHMARK(BM_ChipDispatchInfo);

// An unknown command: the dispatcher's refusal path only.
void BM_ChipDispatchRefusal(benchmark::State& state) {
  InProcessChip c;
  for (auto _ : state) {
    auto r = c.driver->call(static_cast<bus::Command>(0x7FFF));
    if (r) state.SkipWithError("unknown command accepted");
    benchmark::DoNotOptimize(r.ok());
  }
}
BENCHMARK(BM_ChipDispatchRefusal);

}  // namespace
}  // namespace setls::bench
