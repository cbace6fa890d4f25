// libFuzzer target: server bytes into the host's sans-IO TLS client engine
// (host::ClientEngine), with a RAM chip in process behind the real bus.
//
// The engine frames records, hands them to the chip in whole records and
// keeps partial ones; this target checks that this host-side work holds
// against any server bytes cut at any place. The first byte picks:
//   bit 0  raw (0): the rest is the server's byte stream as it is;
//          encrypted (1): a valid ServerHello answers the engine's hello
//          and the rest is sealed under the server handshake key, so the
//          chip's parsing behind the AEAD is reached through the engine;
//   bit 1-2 the suite of that ServerHello;
//   bit 3  a receive buffer of 512 bytes (record_size_limit) or 16 KiB;
//   bit 4  end with EOF, else with close().
// Each chunk of the rest is `u8 content type, u16 length, bytes`, and each
// chunk is handed to receive() in one call, so the input decides where the
// reads cut records.
//
// Chip record mode only: host record mode needs the secure channel (an
// ECDH per input) and differs only once the server is authenticated,
// which fuzzed bytes cannot reach.
//
// Checked: no crash, no hang; no application data comes out of an
// unauthenticated server; once the engine has failed the chip slot is free;
// after the engine is gone no slot is used.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "chip/bus/in_process.h"
#include "common/tls/record.h"
#include "fuzz/input_scope.h"
#include "fuzz/server_hello.h"
#include "fuzz/tls_chip.h"
#include "host/driver/chip_driver.h"
#include "host/tls/engine.h"

namespace {

using namespace setls;

using fuzz::require;

struct World {
  std::unique_ptr<chip::Firmware> firmware;
  uint32_t next_connection = 1;
  EcKey server_key;

  World() {
    firmware = fuzz::operational_ram_chip();
    server_key = EcKey::generate(Curve::P256).value();
  }
};

World& world() {
  static World w;
  return w;
}

// The ClientHello message of the engine's first flight (one record).
bool client_hello_of(ByteView flight, Bytes& message) {
  auto frame = tls::frame_record(flight, tls::kMaxCiphertext13);
  if (!frame || !frame->complete() || frame->header.type != tls::ContentType::Handshake) return false;
  ByteView body = flight.subspan(tls::kRecordHeaderSize, frame->size - tls::kRecordHeaderSize);
  message.assign(body.begin(), body.end());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();  // built once, with real randomness
  fuzz::InputScope scope;
  if (size < 1) return 0;
  const uint8_t control = data[0];
  bool encrypted = (control & 1) != 0;
  static const uint16_t kSuites[] = {0x1301, 0x1302, 0x1304, 0x1301};
  const uint16_t suite = kSuites[(control >> 1) & 3];
  ByteView rest(data + 1, size - 1);

  {
    auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*w.firmware, w.next_connection++));
    require(driver.ok());
    host::ClientConfig config;
    config.server_name = "localhost";
    config.record_mode = bus::RecordMode::Chip;
    config.receive_buffer = (control & 8) != 0 ? 512 : 16384;
    config.clock_ms = [] { return fuzz::kFuzzTimeMs; };
    host::ClientEngine engine(**driver, config);
    require(engine.start().ok());
    Bytes flight = engine.take_output();

    // Pieces: what one read() would return each.
    std::vector<Bytes> reads;
    tls::RecordProtection seal;
    Bytes hello;
    if (encrypted) {
      Bytes server_hello;
      encrypted = client_hello_of(flight, hello) &&
                  fuzz::answer_client_hello(w.server_key, hello, suite, server_hello, seal);
      if (encrypted) reads.push_back(std::move(server_hello));
    }
    Reader r(rest);
    while (!r.empty() && reads.size() < 256) {
      uint8_t type = 0;
      uint16_t len = 0;
      ByteView body;
      if (!r.u8(type) || !r.u16(len) || !r.bytes(std::min<size_t>(len, r.remaining()), body)) break;
      Bytes piece;
      if (encrypted && body.size() <= tls::kMaxPlaintext && type >= 20 && type <= 23) {
        if (!seal.seal(static_cast<tls::ContentType>(type), body, piece)) break;
      } else {
        piece.assign(body.begin(), body.end());
      }
      reads.push_back(std::move(piece));
    }

    for (const Bytes& piece : reads) {
      Outcome o = engine.receive(piece);
      (void)engine.take_output();
      if (!o || engine.state() == host::ClientEngine::State::Failed) {
        require(engine.state() == host::ClientEngine::State::Failed);
        require(w.firmware->ram().sessions.used() == 0);  // a failure ends the chip session
        break;
      }
      // Nothing authenticated the server: no application data can come out.
      require(engine.take_application_data().empty());
      require(engine.state() == host::ClientEngine::State::Handshaking);
    }
    if ((control & 16) != 0) {
      engine.receive_eof();
      require(engine.state() == host::ClientEngine::State::Failed);  // EOF mid-handshake is an error
    } else {
      (void)engine.close();
    }
  }
  // The link and the engine went away: the session with them.
  require(w.firmware->ram().sessions.used() == 0);
  return 0;
}
