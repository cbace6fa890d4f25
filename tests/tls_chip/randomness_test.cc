// Poor randomness (issue 7, the article's "poor crypto and randomness"):
// what the chip draws from its DRBG for each session and each channel is
// never drawn twice. Over a bounded number of sessions and channels every
// ClientHello random, legacy session id and ECDHE key share, and every
// channel random and ephemeral key, is distinct; and a chip started from a
// copy of another chip's NVM image (a clone, or the same chip restored
// after a power cycle) does not repeat the original's values — the state
// in NVM must not seed what the DRBG gives.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chip/bus/in_process.h"
#include "common/bus/channel.h"
#include "common/bus/frame.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "tests/support/recording_transport.h"
#include "tests/tls_chip/fixture.h"

namespace setls::test {
namespace {

using bus::RecordMode;

constexpr int kSessions = 200;
constexpr int kChannels = 50;

// What a ClientHello carries that must be fresh.
struct Drawn {
  Bytes random, session_id, key_share;
};

Drawn start_and_end(host::ChipDriver& driver, const ClientOptions& options) {
  bus::TlsStartRequest req;
  req.mode = RecordMode::Chip;
  req.name = "localhost";
  req.unix_time_ms = now_ms();
  req.client_hello = client_hello_template(options);
  auto start = driver.tls_start(req);
  if (!start) throw std::runtime_error("tls_start: " + describe(start.error()));
  if (!driver.tls_end(start->handle)) throw std::runtime_error("tls_end");
  auto m = tls::parse_handshake(start->client_hello);
  if (!m) throw std::runtime_error("the chip's ClientHello does not parse");
  auto hello = tls::decode_message<tls::ClientHello>(*m);
  if (!hello) throw std::runtime_error("the chip's ClientHello does not decode");
  auto shares = tls::find_extension<tls::KeyShareClient>(hello->extensions);
  if (!shares || !shares->has_value() || (*shares)->shares.empty()) throw std::runtime_error("no key share");
  Drawn d;
  d.random.assign(hello->random.begin(), hello->random.end());
  d.session_id.assign(hello->legacy_session_id.begin(), hello->legacy_session_id.end());
  ByteView point = (*shares)->shares[0].key_exchange;
  d.key_share.assign(point.begin(), point.end());
  return d;
}

// Every value drawn (as hex: a std::set of byte vectors trips a GCC 12
// -Wstringop-overread false positive), and whether one came twice.
struct Seen {
  std::set<std::string> randoms, session_ids, key_shares;
  int drawn = 0;
  void add(const Drawn& d) {
    ++drawn;
    randoms.insert(to_hex(d.random));
    session_ids.insert(to_hex(d.session_id));
    key_shares.insert(to_hex(d.key_share));
  }
  void expect_all_distinct() const {
    EXPECT_EQ(randoms.size(), static_cast<size_t>(drawn)) << "a ClientHello random came twice";
    EXPECT_EQ(session_ids.size(), static_cast<size_t>(drawn)) << "a legacy session id came twice";
    EXPECT_EQ(key_shares.size(), static_cast<size_t>(drawn)) << "an ECDHE key share came twice";
  }
};

TEST(Randomness, EverySessionDrawsAFreshRandomSessionIdAndKeyShare) {
  ChipTls t;
  ClientOptions options = t.client_options(RecordMode::Chip);
  Seen seen;
  for (int i = 0; i < kSessions; ++i) {
    Drawn d = start_and_end(t.plain(), options);
    ASSERT_EQ(d.random.size(), 32u);
    ASSERT_EQ(d.session_id.size(), 32u);
    ASSERT_EQ(d.key_share.size(), 65u);
    // Not the template's zeros, and not a constant.
    EXPECT_NE(d.random, Bytes(32, 0));
    EXPECT_NE(d.session_id, Bytes(32, 0));
    seen.add(d);
  }
  seen.expect_all_distinct();
}

TEST(Randomness, EverySecureChannelDrawsAFreshRandomAndEphemeralKey) {
  ChipTls t;
  std::set<std::string> randoms, ephemerals;
  for (int i = 0; i < kChannels; ++i) {
    auto* tap = new RecordingTransport(std::make_unique<chip::InProcessTransport>(*t.chip.firmware, 9000 + i));
    auto driver = host::ChipDriver::open(std::unique_ptr<bus::Transport>(tap));
    ASSERT_TRUE(driver.ok());
    size_t before = tap->answers().size();
    ASSERT_TRUE((*driver)->open_channel(t.host_key, t.chip_channel_key).ok());
    // The first answer after HELLO is CHANNEL_OPEN's: the chip's ephemeral and random.
    ASSERT_GT(tap->answers().size(), before);
    auto frame = bus::decode_frame(tap->answers()[before], bus::kResponseMarker);
    ASSERT_TRUE(frame.ok());
    bus::ChannelOpenResponse open;
    Reader r(frame->payload);
    ASSERT_TRUE(bus::ChannelOpenResponse::parse(r, open));
    randoms.insert(to_hex(open.chip_random));
    ephemerals.insert(to_hex(open.chip_ephemeral));
  }
  EXPECT_EQ(randoms.size(), static_cast<size_t>(kChannels)) << "a channel random came twice";
  EXPECT_EQ(ephemerals.size(), static_cast<size_t>(kChannels)) << "a channel ephemeral key came twice";
}

TEST(Randomness, AChipStartedFromACopyOfTheNvmImageDoesNotRepeatTheOriginal) {
  ChipTls t;
  ClientOptions options = t.client_options(RecordMode::Chip);
  // Two chips from the same image with the same fuses: a perfect clone, or
  // the original restored twice from a saved image.
  auto& flash = dynamic_cast<chip::MemoryMedium&>(t.chip.firmware->storage().medium());
  std::vector<std::unique_ptr<chip::Firmware>> clones;
  std::vector<std::unique_ptr<host::ChipDriver>> drivers;
  for (int i = 0; i < 2; ++i) {
    auto clone = chip::Firmware::start(std::make_unique<chip::MemoryMedium>(flash), t.chip.firmware->fuses());
    ASSERT_TRUE(clone.ok()) << describe(clone.error());
    ASSERT_EQ((*clone)->state().lifecycle, bus::Lifecycle::Operational);
    auto driver = host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(**clone, 1));
    ASSERT_TRUE(driver.ok());
    clones.push_back(std::move(*clone));
    drivers.push_back(std::move(*driver));
  }
  // The same requests, in the same order, on the original and each copy.
  Seen seen;
  constexpr int kEach = 20;
  for (int i = 0; i < kEach; ++i) {
    seen.add(start_and_end(t.plain(), options));
    for (auto& d : drivers) seen.add(start_and_end(*d, options));
  }
  EXPECT_EQ(seen.drawn, 3 * kEach);
  seen.expect_all_distinct();
}

}  // namespace
}  // namespace setls::test
