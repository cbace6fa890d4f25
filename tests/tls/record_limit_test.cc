// The AEAD limit on the records a peer sends under one key (RFC 8446 §5.5):
// RecordProtection::open refuses the record past it, in the chip's record
// engine (chip record mode) and the host's record layer alike, since both
// open with this class. Reaching the limit for real takes 2^23.5 records or
// more, so the counter is tested here at the boundary: a key whose sequence
// number starts just below the limit, and records sealed at exactly those
// sequence numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "common/bytes/writer.h"
#include "common/crypto/aead.h"
#include "common/tls/record_protection.h"

namespace setls::tls {
namespace {

const Bytes kKey32(32, 0x42);
const Bytes kIv(12, 0x24);

// One TLS 1.3 record carrying `text`, sealed by hand at sequence `seq` (the
// sending RecordProtection would refuse to go that far: its limit is lower).
Bytes sealed_at(const SuiteInfo& suite, uint64_t seq, const std::string& text) {
  Aead aead;
  EXPECT_TRUE(aead.init(suite.aead, ByteView(kKey32).first(aead_key_size(suite.aead))).ok());
  Bytes inner(text.begin(), text.end());
  inner.push_back(static_cast<uint8_t>(ContentType::ApplicationData));
  Bytes record;
  Writer(record)
      .u8(static_cast<uint8_t>(ContentType::ApplicationData))
      .u16(kTls12)
      .u16(static_cast<uint16_t>(inner.size() + aead.tag_size()));
  uint8_t nonce[kAeadNonceSize];
  for (size_t i = 0; i < kAeadNonceSize; ++i) nonce[i] = kIv[i];
  for (size_t i = 0; i < 8; ++i) nonce[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  Bytes body(inner.size() + aead.tag_size());
  EXPECT_TRUE(aead.seal(ByteView(nonce, sizeof nonce), ByteView(record), inner, body).ok());
  record.insert(record.end(), body.begin(), body.end());
  return record;
}

class RecordOpenLimit : public ::testing::TestWithParam<CipherSuite> {
 protected:
  const SuiteInfo& suite() const { return *find_suite(static_cast<uint16_t>(GetParam())); }
  RecordProtection reader_at(uint64_t seq) const {
    RecordProtection r;
    EXPECT_TRUE(r.init(kTls13, suite(), ByteView(kKey32).first(aead_key_size(suite().aead)), kIv, seq).ok());
    return r;
  }
};

TEST_P(RecordOpenLimit, TheLimitIsTheRfcsForTheSuitesAead) {
  uint64_t limit = aead_open_limit(suite().aead);
  double exponent = suite().aead == AeadAlg::Aes128Ccm ? 23.5 : 24.5;  // RFC 8446 §5.5, RFC 9147 §4.5.3
  EXPECT_EQ(limit, static_cast<uint64_t>(std::floor(std::pow(2.0, exponent))));
  // A sender that updates at our own sending margin is never refused.
  EXPECT_LT(aead_record_limit(suite().aead), limit);
}

TEST_P(RecordOpenLimit, TheLastRecordUnderTheLimitOpensTheNextIsRefused) {
  uint64_t limit = aead_open_limit(suite().aead);
  RecordProtection r = reader_at(limit - 2);
  for (uint64_t seq = limit - 2; seq < limit; ++seq) {
    Bytes rec = sealed_at(suite(), seq, "record " + std::to_string(seq));
    auto opened = r.open(rec);
    ASSERT_TRUE(opened.ok()) << "seq " << seq << ": " << describe(opened.error());
    EXPECT_EQ(std::string(opened->plaintext.begin(), opened->plaintext.end()), "record " + std::to_string(seq));
  }
  EXPECT_EQ(r.remaining_to_open(), 0u);
  // An authentic record, sealed at the next sequence number: refused all the same.
  Bytes past = sealed_at(suite(), limit, "one too many");
  EXPECT_EQ(r.open(past).status(), Status::ServerKeyWornOut);
  // And it stays refused: the key is done.
  EXPECT_EQ(r.open(past).status(), Status::ServerKeyWornOut);
}

INSTANTIATE_TEST_SUITE_P(Suites, RecordOpenLimit,
                         ::testing::Values(CipherSuite::Aes128GcmSha256, CipherSuite::Aes256GcmSha384,
                                           CipherSuite::Aes128CcmSha256),
                         [](const auto& p) { return std::string(find_suite(static_cast<uint16_t>(p.param))->openssl_name).substr(4); });

}  // namespace
}  // namespace setls::tls
