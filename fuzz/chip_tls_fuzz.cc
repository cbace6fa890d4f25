// libFuzzer target: server bytes into a started TLS session of the chip.
//
// Each input opens a session on a locked RAM chip through the real bus
// (ChipDriver over the in-process port) and plays the server. The first
// byte picks how:
//   even  raw: the rest is fed as the server's bytes, as they come off a
//         socket — record framing, plaintext ServerHello / HelloRetryRequest,
//         alerts, change_cipher_spec, garbage; the hello offers TLS 1.2 too,
//         so a TLS 1.2 ServerHello and the plaintext TLS 1.2 flight after it
//         (Certificate, ServerKeyExchange, …) are reached here;
//   odd   encrypted: the harness answers with a valid ServerHello (its own
//         ECDHE key, the suite chosen by the second byte), derives the
//         server handshake keys as a real server would (once per suite:
//         server_hello.h), and seals the rest
//         of the input as protected records — so the fuzzer reaches
//         EncryptedExtensions, CertificateRequest, Certificate,
//         CertificateVerify and Finished parsing behind the AEAD.
// Each chunk of the rest is `u8 content type, u16 length, bytes`; bytes are
// fed to the chip in pieces whose sizes the input also decides, and the
// unconsumed tail is re-sent the way a host would.
//
// Checked: every call returns (no crash, no hang); a call that fails ends
// the session (the slot is free); after the link goes away no slot is used.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "chip/bus/in_process.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "common/tls/record_protection.h"
#include "fuzz/input_scope.h"
#include "fuzz/server_hello.h"
#include "fuzz/tls_chip.h"
#include "host/driver/chip_driver.h"

namespace {

using namespace setls;

using fuzz::require;

struct World {
  std::unique_ptr<chip::Firmware> firmware;
  uint32_t next_connection = 1;
  EcKey server_key;
  Bytes client_hello_template;

  World() {
    firmware = fuzz::operational_ram_chip();
    server_key = EcKey::generate(Curve::P256).value();
    client_hello_template = fuzz::client_hello_template();
  }

};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();  // built once, with real randomness
  fuzz::InputScope scope;
  if (size < 2) return 0;
  bool encrypted = (data[0] & 1) != 0;
  static const uint16_t kSuites[] = {0x1301, 0x1302, 0x1304};
  uint16_t suite = kSuites[data[1] % 3];
  ByteView rest(data + 2, size - 2);

  {
    auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*w.firmware, w.next_connection++));
    require(driver.ok());
    bus::TlsStartRequest req;
    req.mode = bus::RecordMode::Chip;
    req.name = "localhost";
    req.unix_time_ms = fuzz::kFuzzTimeMs;
    req.client_hello = w.client_hello_template;
    auto start = (*driver)->tls_start(req);
    require(start.ok());

    Bytes server_bytes;
    tls::RecordProtection seal;
    if (encrypted && !fuzz::answer_client_hello(w.server_key, start->client_hello, suite, server_bytes, seal))
      encrypted = false;
    // Chunks: u8 type, u16 length, bytes (raw mode: the bytes themselves).
    Reader r(rest);
    std::vector<size_t> cuts;
    while (!r.empty()) {
      uint8_t type = 0;
      uint16_t len = 0;
      ByteView body;
      if (!r.u8(type) || !r.u16(len) || !r.bytes(std::min<size_t>(len, r.remaining()), body)) break;
      if (encrypted && seal.ready() && body.size() <= tls::kMaxPlaintext && type >= 20 && type <= 23) {
        if (!seal.seal(static_cast<tls::ContentType>(type), body, server_bytes)) break;
      } else {
        append(server_bytes, body);
      }
      cuts.push_back(server_bytes.size());
    }
    if (cuts.empty() || cuts.back() != server_bytes.size()) cuts.push_back(server_bytes.size());

    // Feed it as a host would: each piece appended to what the chip left.
    Bytes pending;
    size_t fed = 0;
    for (size_t cut : cuts) {
      append(pending, ByteView(server_bytes).subspan(fed, cut - fed));
      fed = cut;
      auto step = (*driver)->tls_handshake(start->handle, pending);
      if (!step) {
        require(w.firmware->ram().sessions.used() == 0);  // an error ends the session
        break;
      }
      require(step->consumed <= pending.size());
      pending.erase(pending.begin(), pending.begin() + step->consumed);
      if (step->progress != bus::HandshakeProgress::NeedMore) break;
    }
  }
  // The link went away: its session with it.
  require(w.firmware->ram().sessions.used() == 0);
  return 0;
}
