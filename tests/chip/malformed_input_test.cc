// Invariant 9 at the bus: frames that are damaged, oversized, out of order,
// mis-chunked or carry malformed payloads go straight into BusPort::handle();
// each gets its exact error status and changes nothing (state bytes and
// storage generation), and the link keeps working afterwards.
#include <gtest/gtest.h>

#include "chip/firmware/commands.h"
#include "common/bus/channel.h"
#include "common/signed/authorization.h"
#include "tests/support/chip_probe.h"
#include "tests/support/ram_chip.h"
#include "tests/support/raw_link.h"
#include "tools/setls/files.h"

namespace setls::test {
namespace {

using bus::Command;

const TestPki& pki() {
  static const TestPki instance = TestPki::create();
  return instance;
}

// A chip provisioned but not locked, so that every command reaches its
// payload parser, and a raw link that has said HELLO.
class MalformedInput : public testing::Test {
 protected:
  void SetUp() override {
    chip_ = RamChip::create();
    provisioned_ = provision(*chip_.driver, pki(), Curve::P256, /*lock=*/false);
    link_ = std::make_unique<RawLink>(*chip_.firmware);
    ASSERT_EQ(link_->hello().status, Status::Ok);
    before_ = snapshot(*chip_.firmware);
  }

  chip::Firmware& fw() { return *chip_.firmware; }
  RawLink& link() { return *link_; }
  bool unchanged() { return snapshot(fw()) == before_; }
  uint16_t root_id() { return fw().state().find_role(bus::ObjectRole::RootCa)->id; }

  // A payload every command accepts (a mutating one would change the chip).
  Bytes valid_payload(Command c) {
    switch (c) {
      case Command::Hello: return bus::encode(bus::HelloRequest{});
      case Command::GetRandom: return bus::encode_u16(16);
      case Command::ReadObject:
      case Command::DeleteObject: return bus::encode_u16(root_id());
      case Command::Keygen: return bus::encode_u8(static_cast<uint8_t>(Curve::P384));
      case Command::Csr: return bus::encode_vec16(*cli::subject_to_der("/CN=device-0001"));
      case Command::InstallCert:
        return bus::encode_role_and_der(bus::ObjectRole::DeviceCert, provisioned_.device_cert.der);
      case Command::AddRoot: return bus::encode_vec16(pki().intermediate.der);
      case Command::SetAdminKey:
      case Command::SetFirmwareKey:
      case Command::PairHost: return bus::encode_vec16(pki().admin_key.spki());
      case Command::Attest: {
        Bytes nonce;
        Writer(nonce).vec8(Bytes(16, 0x5A));
        return nonce;
      }
      case Command::AdminApply: {
        admin::Authorization a;
        a.operation = admin::Operation::Terminate;
        return admin::sign_authorization(a, EcKey::from_pkey(pki().admin_key.get()).value()).value();
      }
      case Command::ChannelOpen: {
        bus::ChannelOpenRequest open;
        open.host_ephemeral = EcKey::generate(Curve::P256).value().public_point();
        return bus::encode(open);
      }
      default: return {};
    }
  }

  RamChip chip_;
  Provisioned provisioned_;
  std::unique_ptr<RawLink> link_;
  ChipSnapshot before_;
};

TEST_F(MalformedInput, TruncatedFramesAtEveryLength) {
  Bytes frame = command_frame(Command::AddRoot, link().next_seq(), bus::encode_vec16(pki().intermediate.der));
  for (size_t n = 0; n < frame.size(); ++n) {
    Answer a = link().raw(ByteView(frame).first(n));
    ASSERT_TRUE(a.valid) << n;
    // Shorter than header + CRC: a length fault; otherwise the last four
    // bytes are not the CRC of the rest.
    EXPECT_EQ(a.status, n < bus::kHeaderSize + bus::kCrcSize ? Status::BusFrameLength : Status::BusCrc) << n;
    // The same prefix with a correct CRC: its length field does not match.
    if (n >= bus::kHeaderSize + bus::kCrcSize) {
      Bytes fixed(frame.begin(), frame.begin() + static_cast<long>(n));
      fix_crc(fixed);
      EXPECT_EQ(link().raw(fixed).status, Status::BusFrameLength) << n;
    }
  }
  EXPECT_TRUE(unchanged());
  // The link is not broken: the whole frame runs.
  EXPECT_EQ(link().raw(frame).status, Status::Ok);
}

TEST_F(MalformedInput, OversizedFrames) {
  Bytes over = command_frame(Command::Info, link().next_seq(), {});
  over.resize(bus::kMaxFrame + 1, 0);
  EXPECT_EQ(link().raw(over).status, Status::BusFrameTooLarge);
  Bytes huge(64 * 1024, 0xC5);
  EXPECT_EQ(link().raw(huge).status, Status::BusFrameTooLarge);
  // A header that claims more than 2048 bytes, in a frame of legal size.
  Bytes lying = command_frame(Command::AddRoot, link().next_seq(), Bytes(100, 0));
  lying[6] = 0x08;
  lying[7] = 0x01;  // length 2049
  fix_crc(lying);
  EXPECT_EQ(link().raw(lying).status, Status::BusFrameTooLarge);
  EXPECT_TRUE(unchanged());
  EXPECT_EQ(link().send(Command::Info).status, Status::Ok);
}

TEST_F(MalformedInput, EveryFlippedBitOfAMutatingCommandIsRefused) {
  // DeleteObject would change the chip if a damaged copy were acted on.
  uint16_t root = root_id();
  Bytes frame = command_frame(Command::DeleteObject, link().next_seq(), bus::encode_u16(root));
  for (size_t bit = 0; bit < frame.size() * 8; ++bit) {
    Bytes damaged = frame;
    damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ(link().raw(damaged).status, Status::BusCrc) << "bit " << bit;
  }
  EXPECT_TRUE(unchanged());
  EXPECT_EQ(link().raw(frame).status, Status::Ok);
  EXPECT_EQ(fw().state().find(root), nullptr);
}

TEST_F(MalformedInput, WrongMarkerAndUnknownFlags) {
  for (int marker = 0; marker < 256; ++marker) {
    if (marker == bus::kCommandMarker) continue;
    Bytes frame = command_frame(Command::Zeroize, link().next_seq());
    frame[0] = static_cast<uint8_t>(marker);
    fix_crc(frame);
    EXPECT_EQ(link().raw(frame).status, Status::BusMagic) << marker;
  }
  for (int bit = 2; bit < 8; ++bit) {
    Bytes frame = command_frame(Command::Zeroize, link().next_seq(), {}, static_cast<uint8_t>(1u << bit));
    EXPECT_EQ(link().raw(frame).status, Status::BusMagic) << bit;
  }
  EXPECT_TRUE(unchanged());
}

TEST_F(MalformedInput, EveryUnknownCommandId) {
  size_t unknown = 0;
  for (uint32_t code = 0; code <= 0xFFFF; ++code) {
    auto c = static_cast<uint16_t>(code);
    if (chip::find_command(c) != nullptr || c == static_cast<uint16_t>(Command::ReadMore)) continue;
    Answer a = link().send(c, Bytes{1, 2, 3});
    ASSERT_EQ(a.status, Status::UnknownCommand) << code;
    ++unknown;
  }
  EXPECT_EQ(unknown, 0x10000u - chip::command_table().size() - 1);
  EXPECT_TRUE(unchanged());
}

TEST_F(MalformedInput, WrongSequenceNumbers) {
  ASSERT_EQ(link().send(Command::Info).status, Status::Ok);
  uint16_t last = static_cast<uint16_t>(link().next_seq() - 1);
  Bytes del = bus::encode_u16(root_id());
  for (uint16_t seq : {static_cast<uint16_t>(last + 2), last, static_cast<uint16_t>(last - 1), uint16_t{0},
                       uint16_t{0xFFFF}, static_cast<uint16_t>(last + 0x8000)}) {
    Answer a = link().raw(command_frame(Command::DeleteObject, seq, del));
    EXPECT_EQ(a.status, Status::BusSequence) << seq;
    EXPECT_EQ(a.seq, seq);
  }
  EXPECT_TRUE(unchanged());
  EXPECT_EQ(link().send(Command::DeleteObject, del).status, Status::Ok);
}

TEST_F(MalformedInput, NothingRunsBeforeHello) {
  RawLink fresh(fw(), 99);
  for (const auto& spec : chip::command_table()) {
    if (spec.id == Command::Hello) continue;
    EXPECT_EQ(fresh.send(spec.id, valid_payload(spec.id)).status, Status::BusNoHello)
        << bus::command_name(static_cast<uint16_t>(spec.id));
  }
  EXPECT_EQ(fresh.send(Command::ReadMore).status, Status::BusNoHello);
  EXPECT_TRUE(unchanged());
}

TEST_F(MalformedInput, AFailedHelloDoesNotOpenTheLink) {
  RawLink fresh(fw(), 98);
  bus::HelloRequest future{2, 3};
  Answer a = fresh.send(Command::Hello, bus::encode(future));
  EXPECT_EQ(a.status, Status::BusVersion);
  EXPECT_EQ(a.detail(), bus::kProtocolVersion);  // the version the chip speaks
  EXPECT_EQ(fresh.send(Command::Zeroize).status, Status::BusNoHello);
  EXPECT_EQ(fresh.send(Command::Hello, Bytes{0, 1}).status, Status::MalformedPayload);
  EXPECT_EQ(fresh.send(Command::Zeroize).status, Status::BusNoHello);
  // On an open link, a failed HELLO closes it again.
  EXPECT_EQ(link().send(Command::Hello, bus::encode(future)).status, Status::BusVersion);
  EXPECT_EQ(link().send(Command::Zeroize).status, Status::BusNoHello);
  EXPECT_TRUE(unchanged());
  EXPECT_EQ(fresh.hello().status, Status::Ok);
  EXPECT_EQ(fresh.send(Command::Info).status, Status::Ok);
}

TEST_F(MalformedInput, ChunksOutOfOrder) {
  Bytes cert = bus::encode_vec16(pki().intermediate.der);
  ByteView first = ByteView(cert).first(100), rest = ByteView(cert).subspan(100);
  EXPECT_EQ(link().send(Command::AddRoot, first, bus::kFlagMore).status, Status::Continue);
  // Another command in the middle of a chunked one abandons both.
  EXPECT_EQ(link().send(Command::DeleteObject, bus::encode_u16(root_id())).status, Status::BusChunking);
  EXPECT_EQ(link().send(Command::AddRoot, rest).status, Status::MalformedPayload);  // the tail alone
  // Nothing to read.
  EXPECT_EQ(link().send(Command::ReadMore).status, Status::BusChunking);
  EXPECT_TRUE(unchanged());
  // In order, the same chunks are stored.
  EXPECT_EQ(link().send(Command::AddRoot, first, bus::kFlagMore).status, Status::Continue);
  EXPECT_EQ(link().send(Command::AddRoot, rest).status, Status::Ok);
}

TEST_F(MalformedInput, ReadMoreOnlyWhileAnAnswerIsPending) {
  // Enough roots that INFO no longer fits one frame.
  for (int i = 0; i < 24; ++i) {
    TestCert ca = issue({.subject = "/CN=extra root " + std::to_string(i) +
                                    "/O=setls tests/OU=a long subject so that INFO needs several frames",
                         .ca = true},
                        TestKey::ec(), nullptr);
    ASSERT_TRUE(chip_.driver->add_root(ca.der).ok());
  }
  RawLink fresh(fw(), 97);
  ASSERT_EQ(fresh.hello().status, Status::Ok);
  ChipSnapshot start = snapshot(fw());
  Answer first = fresh.send(Command::Info);
  ASSERT_EQ(first.status, Status::Ok);
  ASSERT_EQ(first.flags, bus::kFlagMore);
  EXPECT_EQ(first.payload.size(), bus::kMaxPayload);
  // A new command drops the rest of the answer.
  EXPECT_EQ(fresh.send(Command::GetRandom, bus::encode_u16(8)).status, Status::Ok);
  EXPECT_EQ(fresh.send(Command::ReadMore).status, Status::BusChunking);
  // Read to the end, then once more.
  ASSERT_EQ(fresh.send(Command::Info).flags, bus::kFlagMore);
  Answer next;
  for (int i = 0; i < 32; ++i) {
    next = fresh.send(Command::ReadMore);
    ASSERT_EQ(next.status, Status::Ok);
    if (next.flags == 0) break;
  }
  EXPECT_EQ(next.flags, 0);
  EXPECT_EQ(fresh.send(Command::ReadMore).status, Status::BusChunking);
  EXPECT_EQ(snapshot(fw()), start);
}

TEST_F(MalformedInput, TransfersOver64KiBAreRefused) {
  Bytes chunk(bus::kMaxPayload, 0xAB);
  for (size_t sent = 0; sent < bus::kMaxTransfer; sent += chunk.size())
    ASSERT_EQ(link().send(Command::AddRoot, chunk, bus::kFlagMore).status, Status::Continue) << sent;
  EXPECT_EQ(link().send(Command::AddRoot, Bytes{0}, 0).status, Status::BusTransferTooLarge);
  EXPECT_TRUE(unchanged());
  // Exactly 64 KiB is a legal transfer; the handler then refuses the content.
  Bytes whole;
  Writer(whole).u16(static_cast<uint16_t>(bus::kMaxTransfer - 2));
  whole.resize(bus::kMaxTransfer, 0xAB);
  for (size_t off = 0; off < whole.size(); off += bus::kMaxPayload) {
    bool last = off + bus::kMaxPayload >= whole.size();
    Answer a = link().send(Command::AddRoot, ByteView(whole).subspan(off, bus::kMaxPayload),
                           last ? 0 : bus::kFlagMore);
    EXPECT_EQ(a.status, last ? Status::BadCertificate : Status::Continue) << off;
  }
  EXPECT_TRUE(unchanged());
}

TEST_F(MalformedInput, TruncatedAndOverlongPayloadsOfEveryCommand) {
  size_t cases = 0;
  for (const auto& spec : chip::command_table()) {
    const char* name = bus::command_name(static_cast<uint16_t>(spec.id));
    Bytes good = valid_payload(spec.id);
    if ((spec.allowed & chip::kManufacturing) == 0) {
      // The lifecycle rule answers before any parser runs.
      EXPECT_EQ(link().send(spec.id, good).status, chip::lifecycle_refusal(spec, bus::Lifecycle::Manufacturing))
          << name;
      continue;
    }
    // ChannelFinish answers only after a ChannelOpen (channel_test.cc).
    if (spec.id == Command::ChannelFinish) continue;
    std::vector<Bytes> bad;
    for (size_t n = 0; n < good.size(); ++n) bad.emplace_back(good.begin(), good.begin() + static_cast<long>(n));
    for (size_t extra : {size_t{1}, size_t{2}, size_t{100}, bus::kMaxPayload - good.size()}) {
      Bytes longer = good;
      longer.resize(good.size() + extra, 0x00);
      bad.push_back(longer);
    }
    for (const Bytes& payload : bad) {
      EXPECT_EQ(link().send(spec.id, payload).status, Status::MalformedPayload)
          << name << " with " << payload.size() << " of " << good.size() << " bytes";
      ASSERT_TRUE(unchanged()) << name;
      // A malformed HELLO closes the link; open it again.
      if (spec.id == Command::Hello) {
        ASSERT_EQ(link().hello().status, Status::Ok);
      }
      ++cases;
    }
  }
  EXPECT_GT(cases, 500u);
}

TEST_F(MalformedInput, WellFormedButInvalidArguments) {
  struct Case {
    Command command;
    Bytes payload;
    Status status;
  };
  Bytes not_a_cert = bus::encode_vec16(Bytes(300, 0x30));
  const Case cases[] = {
      {Command::Hello, bus::encode(bus::HelloRequest{1, 0}), Status::MalformedPayload},  // min > max
      {Command::GetRandom, bus::encode_u16(0), Status::BadArgument},
      {Command::GetRandom, bus::encode_u16(1025), Status::BadArgument},
      {Command::ReadObject, bus::encode_u16(0x7777), Status::UnknownObject},
      {Command::DeleteObject, bus::encode_u16(0), Status::UnknownObject},
      {Command::Keygen, bus::encode_u8(0), Status::UnsupportedCurve},
      {Command::Keygen, bus::encode_u8(3), Status::UnsupportedCurve},
      {Command::Keygen, bus::encode_u8(1), Status::DeviceKeyExists},
      {Command::Csr, bus::encode_vec16({}), Status::BadSubject},
      {Command::Csr, bus::encode_vec16(Bytes{0x30, 0x00}), Status::BadSubject},
      {Command::InstallCert, bus::encode_role_and_der(bus::ObjectRole::RootCa, pki().root.der), Status::BadArgument},
      {Command::InstallCert, Bytes{0, 0, 1, 0x30}, Status::MalformedPayload},  // role 0
      {Command::InstallCert, Bytes{9, 0, 1, 0x30}, Status::MalformedPayload},  // role 9 (none)
      {Command::InstallCert, bus::encode_role_and_der(bus::ObjectRole::DeviceCert, pki().server.der),
       Status::CertKeyMismatch},
      {Command::InstallCert, bus::encode_role_and_der(bus::ObjectRole::DeviceChainCert, pki().server.der),
       Status::BadCertificate},  // not a CA
      {Command::AddRoot, not_a_cert, Status::BadCertificate},
      {Command::AddRoot, bus::encode_vec16(pki().root.der), Status::AlreadyExists},
      {Command::AddRoot, bus::encode_vec16(pki().server.der), Status::BadCertificate},
      {Command::SetAdminKey, bus::encode_vec16(Bytes(91, 0x30)), Status::BadPublicKey},
      {Command::SetFirmwareKey, bus::encode_vec16(TestKey::rsa(2048).spki()), Status::UnsupportedCurve},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(link().send(c.command, c.payload).status, c.status) << bus::command_name(static_cast<uint16_t>(c.command));
    ASSERT_TRUE(unchanged());
    if (c.command == Command::Hello) {
      ASSERT_EQ(link().hello().status, Status::Ok);
    }
  }
}

TEST_F(MalformedInput, LockRefusesIncompleteProvisioningAndSaysWhatIsMissing) {
  ASSERT_EQ(link().send(Command::DeleteObject, bus::encode_u16(root_id())).status, Status::Ok);
  ChipSnapshot start = snapshot(fw());
  Answer a = link().send(Command::Lock);
  EXPECT_EQ(a.status, Status::NotReadyToLock);
  EXPECT_EQ(a.detail(), 1u << 2);  // the root CA
  EXPECT_EQ(snapshot(fw()), start);
}

}  // namespace
}  // namespace setls::test

namespace setls::test {
namespace {

// The TLS session commands on a locked chip (they run nowhere else): every
// truncated or overlong payload is MalformedPayload, and well-framed but
// invalid requests get their exact status; none changes the chip or leaves
// a session behind.
class MalformedTls : public testing::Test {
 protected:
  void SetUp() override {
    chip_ = RamChip::create();
    provision(*chip_.driver, pki(), Curve::P256, /*lock=*/true);
    link_ = std::make_unique<RawLink>(*chip_.firmware);
    ASSERT_EQ(link_->hello().status, Status::Ok);
    before_ = snapshot(*chip_.firmware);
  }
  bool unchanged() { return snapshot(*chip_.firmware) == before_ && chip_.firmware->ram().sessions.used() == 0; }

  static Bytes start(bus::RecordMode mode, bus::NameKind kind, std::string name, uint64_t time_ms, Bytes hello) {
    bus::TlsStartRequest s;
    s.mode = mode;
    s.name_kind = kind;
    s.name = std::move(name);
    s.unix_time_ms = time_ms;
    s.client_hello = std::move(hello);
    return bus::encode(s);
  }
  static constexpr uint64_t kFuture = 4102444800000;  // 2100

  Bytes valid_payload(Command c) {
    switch (c) {
      case Command::TlsStart: return start(bus::RecordMode::Chip, bus::NameKind::Dns, "localhost", kFuture, {1, 0, 0, 0});
      case Command::TlsSeal: return bus::encode(bus::TlsSealRequest{0x100, 23, Bytes(4, 0x61)});
      case Command::TlsKeyUpdate: return Bytes{0, 0, 1, 0, 1};
      case Command::TlsEnd: return Bytes{0, 0, 1, 0};
      default: return bus::encode(bus::HandleAndBytes{0x100, Bytes(6, 0x16)});
    }
  }

  RamChip chip_;
  std::unique_ptr<RawLink> link_;
  ChipSnapshot before_;
};

const Command kTlsCommands[] = {Command::TlsStart,    Command::TlsHandshake,     Command::TlsRetry,
                                Command::TlsRecordIn, Command::TlsSeal,          Command::TlsPostHandshake,
                                Command::TlsKeyUpdate, Command::TlsEnd};

TEST_F(MalformedTls, TruncatedAndOverlongPayloads) {
  size_t cases = 0;
  for (Command c : kTlsCommands) {
    Bytes good = valid_payload(c);
    std::vector<Bytes> bad;
    for (size_t n = 0; n < good.size(); ++n) bad.emplace_back(good.begin(), good.begin() + static_cast<long>(n));
    for (size_t extra : {size_t{1}, size_t{3}, size_t{100}}) {
      Bytes longer = good;
      longer.resize(good.size() + extra, 0x00);
      bad.push_back(longer);
    }
    for (const Bytes& payload : bad) {
      EXPECT_EQ(link_->send(c, payload).status, Status::MalformedPayload)
          << bus::command_name(static_cast<uint16_t>(c)) << " with " << payload.size() << " bytes";
      ASSERT_TRUE(unchanged());
      ++cases;
    }
  }
  EXPECT_GT(cases, 100u);
}

TEST_F(MalformedTls, WellFormedButInvalidRequests) {
  struct Case {
    Command command;
    Bytes payload;
    Status status;
  };
  const Case cases[] = {
      {Command::TlsStart, Bytes{3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Status::MalformedPayload},  // mode 3
      {Command::TlsStart, Bytes{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Status::MalformedPayload},  // kind 0
      {Command::TlsStart, start(bus::RecordMode::Host, bus::NameKind::Dns, "localhost", kFuture, {1, 0, 0, 0}),
       Status::ChannelRequired},  // host record mode on a link without the secure channel
      {Command::TlsStart, start(bus::RecordMode::Chip, bus::NameKind::Dns, "*.example.com", kFuture, {1, 0, 0, 0}),
       Status::BadServerName},
      {Command::TlsStart, start(bus::RecordMode::Chip, bus::NameKind::Ip, "\x7f\x00\x01", kFuture, {1, 0, 0, 0}),
       Status::BadServerName},  // 3 bytes
      {Command::TlsStart, start(bus::RecordMode::Chip, bus::NameKind::Dns, "localhost", 1000, {1, 0, 0, 0}),
       Status::TimeBelowFloor},
      {Command::TlsStart, start(bus::RecordMode::Chip, bus::NameKind::Dns, "localhost", kFuture, {}),
       Status::ClientHelloTemplate},
      {Command::TlsKeyUpdate, Bytes{0, 0, 1, 0, 2}, Status::MalformedPayload},  // request_update 2
      {Command::TlsEnd, Bytes{0, 0, 0, 0}, Status::UnknownSession},
      {Command::TlsEnd, Bytes{0xff, 0xff, 0xff, 0xff}, Status::UnknownSession},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(link_->send(c.command, c.payload).status, c.status) << bus::command_name(static_cast<uint16_t>(c.command));
    ASSERT_TRUE(unchanged());
  }
}

}  // namespace
}  // namespace setls::test
