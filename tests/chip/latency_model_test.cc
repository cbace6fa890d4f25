// The chip latency model (chip/perf/latency.h): operation counting, the
// price of counted work under a profile, the meter behind a real bus port,
// and setls-chipd --profile reporting it. Counts and arithmetic only: no
// assertion here depends on how fast anything ran.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>

#include "chip/bus/in_process.h"
#include "chip/perf/latency.h"
#include "common/crypto/ec.h"
#include "common/crypto/hash.h"
#include "common/crypto/kdf.h"
#include "tests/support/chipd.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_device.h"

namespace setls::test {
namespace {

TEST(CryptoOpCount, WrappersCountInsideAScopeOnly) {
  EcKey a = EcKey::generate(Curve::P256).value();  // outside any scope: not counted
  CryptoOpCounts ops;
  {
    CryptoOpScope scope(ops);
    EcKey b = EcKey::generate(Curve::P256).value();
    Bytes msg(100, 1);
    Bytes sig = a.sign(HashAlg::Sha256, msg).value();
    EXPECT_TRUE(a.verify(HashAlg::Sha256, msg, sig));
    // A signature over a digest the caller hashed (TLS 1.2's CertificateVerify).
    EXPECT_TRUE(a.sign_digest(Bytes(32, 6)).ok());
    EXPECT_TRUE(a.ecdh(b).ok());
    Secret prk = hkdf_extract(HashAlg::Sha256, Bytes(32, 0), Bytes(32, 1));
    (void)hkdf_expand(HashAlg::Sha256, prk.view(), Bytes(10, 2), 32);
    (void)hmac(HashAlg::Sha256, Bytes(32, 3), Bytes(32, 4));
    Hash h(HashAlg::Sha256);
    h.update(Bytes(64, 5));
  }
  EXPECT_EQ(ops[CryptoOp::Keygen], 1u);
  EXPECT_EQ(ops[CryptoOp::EcdsaSign], 2u);
  EXPECT_EQ(ops[CryptoOp::EcdsaVerify], 1u);
  EXPECT_EQ(ops[CryptoOp::Ecdh], 1u);
  EXPECT_EQ(ops[CryptoOp::HkdfExtract], 1u);  // not also an HMAC
  EXPECT_EQ(ops[CryptoOp::HkdfExpand], 1u);
  EXPECT_EQ(ops[CryptoOp::Hmac], 1u);
  EXPECT_EQ(ops[CryptoOp::HashBytes], 100u + 100u + 64u);  // signed, verified, hashed
}

TEST(CryptoOpCount, ScopesNestAndPauseStopsCounting) {
  CryptoOpCounts outer, inner;
  {
    CryptoOpScope a(outer);
    count_crypto_op(CryptoOp::Ecdh);
    {
      CryptoOpScope b(inner);
      count_crypto_op(CryptoOp::EcdsaSign);
      CryptoOpPause pause;
      count_crypto_op(CryptoOp::EcdsaVerify);
    }
  }
  count_crypto_op(CryptoOp::Keygen);
  EXPECT_EQ(outer[CryptoOp::Ecdh], 1u);
  EXPECT_EQ(outer[CryptoOp::EcdsaSign], 1u);
  EXPECT_EQ(inner[CryptoOp::EcdsaSign], 1u);
  EXPECT_EQ(inner[CryptoOp::Ecdh], 0u);
  EXPECT_EQ(outer[CryptoOp::EcdsaVerify] + inner[CryptoOp::EcdsaVerify], 0u);
  EXPECT_EQ(outer[CryptoOp::Keygen], 0u);
}

TEST(LatencyProfile, PricesCountedWorkWithPublishedFigures) {
  const chip::LatencyProfile* atecc = chip::find_latency_profile("atecc608");
  ASSERT_NE(atecc, nullptr);
  CryptoOpCounts ops;
  ops[CryptoOp::EcdsaSign] = 1;
  ops[CryptoOp::EcdsaVerify] = 2;
  ops[CryptoOp::HashBytes] = 65;  // two 64-byte blocks
  bool lower = false;
  // As the part's own commands: one SHA command per block.
  EXPECT_DOUBLE_EQ(chip::crypto_cost_ms(*atecc, ops, lower, chip::Pricing::AsCommands), 115.0 + 2 * 105.0 + 2 * 36.0);
  EXPECT_FALSE(lower);
  // Inside setls's firmware: the hashing runs on an engine whose time no
  // vendor publishes, so it is charged 0 and the figure is a lower bound.
  EXPECT_DOUBLE_EQ(chip::crypto_cost_ms(*atecc, ops, lower), 115.0 + 2 * 105.0);
  EXPECT_TRUE(lower);
  CryptoOpCounts public_key_only = ops;
  public_key_only[CryptoOp::HashBytes] = 0;
  lower = false;
  EXPECT_DOUBLE_EQ(chip::crypto_cost_ms(*atecc, public_key_only, lower), 115.0 + 2 * 105.0);
  EXPECT_FALSE(lower) << "public-key costs are published";
  // 100 bytes at 9 bits per byte plus 2 × 20 framing bits, at 1 Mbit/s.
  EXPECT_DOUBLE_EQ(chip::bus_cost_ms(*atecc, 60, 40), (100.0 * 9 + 40) / 1e6 * 1e3);

  const chip::LatencyProfile* ta100 = chip::find_latency_profile("ta100");
  ASSERT_NE(ta100, nullptr);
  CryptoOpCounts kdf;
  kdf[CryptoOp::HkdfExpand] = 3;
  EXPECT_DOUBLE_EQ(chip::crypto_cost_ms(*ta100, kdf, lower), 0.0);
  EXPECT_TRUE(lower) << "an unpublished cost makes the figure a lower bound";

  const chip::LatencyProfile* none = chip::find_latency_profile("none");
  ASSERT_NE(none, nullptr);
  lower = false;
  EXPECT_DOUBLE_EQ(chip::crypto_cost_ms(*none, ops, lower) + chip::bus_cost_ms(*none, 60, 40), 0.0);
  EXPECT_EQ(chip::find_latency_profile("atecc508"), nullptr);
}

TEST(LatencyMeter, CountsWhatTheChipDidForEachFrame) {
  TlsDevice d = TlsDevice::create();
  chip::LatencyMeter meter(*chip::find_latency_profile("optiga-trust-m"));
  auto link = std::make_unique<chip::InProcessTransport>(*d.chip.firmware, 77);
  link->port().set_meter(&meter);
  auto driver = host::ChipDriver::open(std::move(link)).value();

  bus::X509VerifyRequest req;
  std::string name = "localhost";
  req.name = as_bytes(name);
  req.unix_time = static_cast<uint64_t>(std::time(nullptr));
  req.chain = {d.pki.server.der, d.pki.intermediate.der};
  ASSERT_TRUE(driver->verify_chain(req).ok());
  ASSERT_TRUE(driver->random(8).ok());

  // leaf and intermediate signatures, checked by the chip; GetRandom computes nothing countable.
  const auto& by = meter.by_command();
  ASSERT_TRUE(by.count(static_cast<uint16_t>(bus::Command::X509Verify)));
  EXPECT_EQ(by.at(static_cast<uint16_t>(bus::Command::X509Verify)).ops[CryptoOp::EcdsaVerify], 2u);
  EXPECT_TRUE(by.at(static_cast<uint16_t>(bus::Command::GetRandom)).ops.empty());
  // Every frame on the bus was seen, both ways.
  EXPECT_EQ(meter.totals().frames, driver->stats().round_trips);
  EXPECT_EQ(meter.totals().bytes_in, driver->stats().bytes_sent);
  EXPECT_EQ(meter.totals().bytes_out, driver->stats().bytes_received);
  EXPECT_GT(meter.modeled_ms(), 2 * 85.0);
  // Hashing the certificates runs inside the command: an unpublished engine time.
  EXPECT_EQ(meter.totals().cost.lower_bound, meter.totals().ops[CryptoOp::HashBytes] != 0);
}

TEST(LatencyMeter, ChipdProfileReportsWithoutSleeping) {
  TempDir tmp;
  std::string stats = tmp.file("stats.json");
  ChipDaemon chipd(tmp.file("state"), tmp.file("sock"), tmp.file("log"),
                   {"--profile", "atecc608", "--no-sleep", "--stats", stats, "--verbose"});
  ASSERT_TRUE(chipd.listening()) << chipd.log();
  auto info = chipd.setls({"chip", "info", "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto j = nlohmann::json::parse(std::ifstream(stats));
  EXPECT_EQ(j["profile"], "atecc608");
  EXPECT_EQ(j["frames"], 2);  // HELLO, INFO
  EXPECT_GT(j["modeled_ms"].get<double>(), 0.0);  // bus time at 1 Mbit/s
  EXPECT_TRUE(j["commands"].contains("Info"));
  EXPECT_NE(chipd.log().find("Info modeled"), std::string::npos) << chipd.log();

  auto bad = run({SETLS_BINARY_DIR "/chip/daemon/setls-chipd", "--state", tmp.file("s2"), "--socket",
                  tmp.file("sock2"), "--profile", "atecc508"});
  EXPECT_EQ(bad.exit_code, 2) << "an unknown profile is a usage error";
  auto orphan = run({SETLS_BINARY_DIR "/chip/daemon/setls-chipd", "--state", tmp.file("s3"), "--socket",
                     tmp.file("sock3"), "--no-sleep"});
  EXPECT_EQ(orphan.exit_code, 2) << "--no-sleep needs --profile";
}

}  // namespace
}  // namespace setls::test
