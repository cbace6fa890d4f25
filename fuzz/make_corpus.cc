// Writes the seed corpora of the fuzz targets from real traffic: a RAM chip
// provisioned through ChipDriver, every frame on the bus recorded.
//   setls_fuzz_corpus OUT_DIR   (normally fuzz/corpus)
// bus_frame_fuzz gets each request and answer frame; chip_dispatch_fuzz gets
// frame scripts: the whole session, and HELLO plus each single command.
// tls_codec_fuzz gets real TLS bytes: the RFC 8448 handshake (every message,
// its body, its extensions, its records, the flights as one stream), the
// ClientHello this chip sends, and TLS 1.2 messages from the codec's
// encoders.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "chip/bus/in_process.h"
#include "fuzz/frame_script.h"
#include "common/tls/codec.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/messages12.h"
#include "fuzz/tls_chip.h"
#include "host/driver/chip_driver.h"
#include "tests/support/pki.h"
#include "tests/tls/rfc8448_trace.h"

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

// Handshake messages (4-byte header included) and records of a TLS stream.
struct Named {
  std::string name;
  Bytes bytes;
};

Bytes record_of(uint8_t type, ByteView fragment) {
  Bytes out;
  Writer(out).u8(type).u16(0x0303).vec16(fragment);
  return out;
}

template <class T>
Bytes message_of(const T& body) {
  Bytes out;
  Writer w(out);
  tls::write_message(w, body);
  return out;
}

// Seeds for tls_codec_fuzz from whole handshake messages: the message, its
// body (what the message parsers see), each extension body, its record.
size_t write_codec_seeds(const std::filesystem::path& dir, const std::vector<Named>& messages) {
  size_t n = 0;
  auto put = [&](const std::string& name, ByteView bytes) {
    write(dir / name, bytes);
    ++n;
  };
  Bytes stream = {0x0F};  // assembler control: pieces of 16 bytes, 4 KiB limit
  for (const Named& m : messages) {
    put("message-" + m.name, m.bytes);
    auto parsed = tls::parse_handshake(m.bytes);
    if (!parsed) {
      std::fprintf(stderr, "setls_fuzz_corpus: %s does not parse\n", m.name.c_str());
      std::exit(1);
    }
    put("body-" + m.name, parsed->body);
    put("record-" + m.name, record_of(22, m.bytes));
    append(stream, m.bytes);
    tls::ExtensionList extensions;
    if (auto ch = tls::decode<tls::ClientHello>(parsed->body)) extensions = ch->extensions;
    if (auto sh = tls::decode<tls::ServerHello>(parsed->body)) extensions = sh->extensions;
    if (auto ee = tls::decode<tls::EncryptedExtensions>(parsed->body)) extensions = ee->extensions;
    for (const tls::Extension& e : extensions)
      put("extension-" + m.name + "-" + std::to_string(e.type), e.data);
  }
  put("stream-" + messages.front().name + "-flight", stream);
  return n;
}

size_t codec_corpus(const std::filesystem::path& dir, host::ChipDriver& driver) {
  namespace r = test::rfc8448;
  size_t n = write_codec_seeds(dir, {{"rfc8448-client-hello", r::hex(r::kClientHello)},
                                     {"rfc8448-server-hello", r::hex(r::kServerHello)},
                                     {"rfc8448-encrypted-extensions", r::hex(r::kEncryptedExtensions)},
                                     {"rfc8448-certificate", r::hex(r::kCertificate)},
                                     {"rfc8448-certificate-verify", r::hex(r::kCertificateVerify)},
                                     {"rfc8448-server-finished", r::hex(r::kServerFinished)},
                                     {"rfc8448-client-finished", r::hex(r::kClientFinished)},
                                     {"rfc8448-new-session-ticket", r::hex(r::kNewSessionTicket)}});
  // The protected server flight exactly as it went over the wire.
  write(dir / "record-rfc8448-server-handshake", r::hex(r::kServerHandshakeRecord));
  Bytes hello_flight = r::hex(r::kClientHelloRecordHeader);
  append(hello_flight, r::hex(r::kClientHello));
  write(dir / "record-rfc8448-client-hello-as-sent", hello_flight);
  n += 2;

  // What this chip sends: the fuzz targets' template, filled by the chip.
  bus::TlsStartRequest req;
  req.mode = bus::RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = fuzz::kFuzzTimeMs;
  req.client_hello = fuzz::client_hello_template();
  auto start = must(driver.tls_start(req), "tls-start");
  must(driver.tls_end(start.handle), "tls-end");

  // TLS 1.2 server and client messages, from the codec's encoders.
  Bytes point(65, 0x04);
  Bytes signature(71, 0x30);
  tls::ServerKeyExchangeEcdhe ske;
  ske.named_curve = 23;
  ske.public_point = point;
  ske.scheme = 0x0403;
  ske.signature = signature;
  tls::ClientKeyExchangeEcdhe cke;
  cke.public_point = point;
  const uint8_t certificate_types[] = {64};
  tls::CertificateRequest12 cr;
  cr.certificate_types = tls::U8List(certificate_types);
  const uint16_t schemes[] = {0x0403, 0x0503};
  cr.signature_algorithms = tls::U16List(schemes);
  Bytes ticket(48, 0x7A);
  tls::NewSessionTicket12 nst;
  nst.lifetime_hint = 7200;
  nst.ticket = ticket;
  n += write_codec_seeds(dir, {{"chip-client-hello", start.client_hello},
                               {"tls12-server-key-exchange", message_of(ske)},
                               {"tls12-certificate-request", message_of(cr)},
                               {"tls12-server-hello-done", message_of(tls::ServerHelloDone{})},
                               {"tls12-client-key-exchange", message_of(cke)},
                               {"tls12-new-session-ticket", message_of(nst)}});
  // Alerts and change_cipher_spec as records.
  const uint8_t alert[] = {2, 40}, ccs[] = {1};
  write(dir / "record-alert-handshake-failure", record_of(21, alert));
  write(dir / "record-change-cipher-spec", record_of(20, ccs));
  return n + 2;
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
  fs::create_directories(out / "tls_codec_fuzz");

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
  // chip_dispatch_fuzz inputs: one byte choosing the starting image
  // (0 factory-fresh, 1 provisioned, 2 locked), then the frame script.
  // HELLO is log[0]; scripts repair seq and CRC so they run on any connection.
  Bytes session = {0};
  for (const Exchange& e : log) fuzz::append_frame(session, fuzz::kRepairSeq | fuzz::kRepairCrc, e.request);
  write(out / "chip_dispatch_fuzz" / "session-provision-lock-zeroize", session);
  size_t scripts = 1;
  static const char* kStarts[] = {"factory", "provisioned", "locked"};
  for (uint8_t start = 0; start < 3; ++start) {
    for (const auto& [first, end] : calls) {
      Bytes script = {start};
      fuzz::append_frame(script, fuzz::kRepairSeq | fuzz::kRepairCrc, log[0].request);
      for (size_t i = first; i < end; ++i) fuzz::append_frame(script, fuzz::kRepairAll, log[i].request);
      write(out / "chip_dispatch_fuzz" /
                (std::string(kStarts[start]) + "-hello-" + command_of(log[first].request) + "-" + std::to_string(first)),
            script);
      ++scripts;
    }
  }
  // The raw session, without repairs: valid as recorded on a first connection.
  Bytes raw = {0};
  for (const Exchange& e : log) fuzz::append_frame(raw, 0, e.request);
  write(out / "chip_dispatch_fuzz" / "session-as-recorded", raw);
  // The codec seeds need a chip that can start a session: a second one,
  // locked, so the recorded traffic above stays as it was.
  auto tls_chip = fuzz::operational_ram_chip();
  auto tls_driver = must(host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*tls_chip, 1)), "hello");
  size_t codec = codec_corpus(out / "tls_codec_fuzz", *tls_driver);
  std::printf("setls_fuzz_corpus: %zu frames for bus_frame_fuzz, %zu scripts for chip_dispatch_fuzz, %zu inputs for "
              "tls_codec_fuzz in %s\n",
              frames, scripts + 1, codec, out.c_str());
  return 0;
}
