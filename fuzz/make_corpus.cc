// Writes the seed corpora of the fuzz targets from real traffic: a RAM chip
// provisioned through ChipDriver, every frame on the bus recorded.
//   setls_fuzz_corpus OUT_DIR   (normally fuzz/corpus)
// bus_frame_fuzz gets each request and answer frame; chip_dispatch_fuzz gets
// frame scripts: the whole session, and HELLO plus each single command.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "chip/bus/in_process.h"
#include "fuzz/frame_script.h"
#include "host/driver/chip_driver.h"
#include "tests/support/pki.h"

namespace {

using namespace setls;

struct Exchange {
  Bytes request, answer;
};

// Records every frame that crosses the link.
class Tap final : public bus::Transport {
 public:
  Tap(std::unique_ptr<bus::Transport> inner, std::vector<Exchange>& log) : inner_(std::move(inner)), log_(log) {}
  Result<Bytes> exchange(ByteView frame) override {
    auto answer = inner_->exchange(frame);
    log_.push_back({Bytes(frame.begin(), frame.end()), answer ? *answer : Bytes{}});
    return answer;
  }

 private:
  std::unique_ptr<bus::Transport> inner_;
  std::vector<Exchange>& log_;
};

void write(const std::filesystem::path& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

std::string command_of(const Bytes& frame) {
  return frame.size() >= 6 ? bus::command_name(static_cast<uint16_t>(frame[4] << 8 | frame[5])) : "short";
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "setls_fuzz_corpus: %s: %s\n", what, describe(r.error()).c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

void must(Outcome r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "setls_fuzz_corpus: %s: %s\n", what, describe(r.error()).c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: setls_fuzz_corpus OUT_DIR\n");
    return 2;
  }
  namespace fs = std::filesystem;
  fs::path out = argv[1];
  fs::create_directories(out / "bus_frame_fuzz");
  fs::create_directories(out / "chip_dispatch_fuzz");

  std::vector<Exchange> log;
  auto fw = must(chip::make_ram_chip(), "chip");
  auto driver = must(host::ChipDriver::open(std::make_unique<Tap>(std::make_unique<chip::InProcessTransport>(*fw, 1), log)),
                     "hello");
  test::TestPki pki = test::TestPki::create();
  // A root big enough to travel in several chunks.
  test::TestCert big = test::issue(
      {.subject = "/CN=setls fuzz big root/O=setls", .ca = true, .extra = {"nsComment=" + std::string(2600, 'x')}},
      test::TestKey::ec(), nullptr);

  // Each call's frames, for the single-command scripts.
  std::vector<std::pair<size_t, size_t>> calls;
  auto call = [&](auto&& f) {
    size_t start = log.size();
    f();
    calls.emplace_back(start, log.size());
  };
  Bytes subject = {0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0b,
                   'd',  'e',  'v',  'i',  'c',  'e',  '-',  '0',  '0',  '0',  '1'};
  Bytes csr;
  call([&] { must(driver->info(), "info"); });
  call([&] { must(driver->random(16), "random"); });
  call([&] { must(driver->keygen(Curve::P256), "keygen"); });
  call([&] { csr = must(driver->csr(subject), "csr"); });
  test::TestCert device = test::issue_for_csr({.subject = "/CN=device-0001"}, csr, pki.device_ca);
  call([&] { must(driver->install_cert(bus::ObjectRole::DeviceCert, device.der), "install-cert"); });
  call([&] { must(driver->install_cert(bus::ObjectRole::DeviceChainCert, pki.intermediate.der), "chain"); });
  call([&] { must(driver->add_root(pki.root.der), "add-root"); });
  call([&] { must(driver->add_root(big.der), "add-root (chunked)"); });
  call([&] { must(driver->set_admin_key(pki.admin_key.spki()), "set-admin-key"); });
  call([&] { must(driver->set_firmware_key(pki.firmware_key.spki()), "set-firmware-key"); });
  call([&] { must(driver->read_object(1), "read-object"); });
  call([&] { must(driver->delete_object(3), "delete"); });
  call([&] { must(driver->add_root(pki.intermediate.der), "add-root"); });
  call([&] { must(driver->lock(), "lock"); });
  call([&] { must(driver->info(), "info"); });
  call([&] { must(driver->reset(), "reset"); });
  call([&] { must(driver->zeroize(), "zeroize"); });

  size_t frames = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    std::string name = std::to_string(i) + "-" + command_of(log[i].request);
    write(out / "bus_frame_fuzz" / ("request-" + name), log[i].request);
    write(out / "bus_frame_fuzz" / ("answer-" + name), log[i].answer);
    frames += 2;
  }
  // HELLO is log[0]; scripts repair seq and CRC so they run on any connection.
  Bytes session;
  for (const Exchange& e : log) fuzz::append_frame(session, fuzz::kRepairSeq | fuzz::kRepairCrc, e.request);
  write(out / "chip_dispatch_fuzz" / "session-provision-lock-zeroize", session);
  size_t scripts = 1;
  for (const auto& [start, end] : calls) {
    Bytes script;
    fuzz::append_frame(script, fuzz::kRepairSeq | fuzz::kRepairCrc, log[0].request);
    for (size_t i = start; i < end; ++i) fuzz::append_frame(script, fuzz::kRepairAll, log[i].request);
    write(out / "chip_dispatch_fuzz" / ("hello-" + command_of(log[start].request) + "-" + std::to_string(start)),
          script);
    ++scripts;
  }
  // The raw session, without repairs: valid as recorded on a first connection.
  Bytes raw;
  for (const Exchange& e : log) fuzz::append_frame(raw, 0, e.request);
  write(out / "chip_dispatch_fuzz" / "session-as-recorded", raw);
  std::printf("setls_fuzz_corpus: %zu frames for bus_frame_fuzz, %zu scripts for chip_dispatch_fuzz in %s\n",
              frames, scripts + 1, out.c_str());
  return 0;
}
