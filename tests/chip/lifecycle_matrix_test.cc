// Every command of the chip's command table in every lifecycle state, each
// with a payload that is valid for it: allowed where the lifecycle rules say
// so, refused with the exact lifecycle status elsewhere, and a refusal
// changes nothing (state bytes and storage generation). Every answer frame
// is scanned for the device key's private scalar (invariant 1).
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "chip/firmware/commands.h"
#include "common/signed/authorization.h"
#include "tests/support/chip_probe.h"
#include "tests/support/ram_chip.h"
#include "tests/support/recording_transport.h"
#include "tools/setls/files.h"

namespace setls::test {
namespace {

using bus::Command;
using bus::Lifecycle;

// The lifecycle rules of issue 2, written out here rather than read from
// command_table.cc, so that a change to the table has to change this too.
// std::nullopt: allowed.
struct Rule {
  Command command;
  std::optional<Status> manufacturing, operational, terminated;
  bool mutates;  // commits a new NVM image when it succeeds
  // Commands that need an earlier step (a challenge, a manifest, an open
  // channel) are sent alone: where allowed, they must get past the lifecycle
  // rule and fail on that missing step, with nothing changed.
  std::optional<Status> alone = std::nullopt;
};

constexpr std::nullopt_t kAllowed = std::nullopt;
const Rule kRules[] = {
    {Command::Hello, kAllowed, kAllowed, kAllowed, false},
    {Command::Info, kAllowed, kAllowed, kAllowed, false},
    {Command::GetRandom, kAllowed, kAllowed, Status::Terminated, false},
    {Command::ReadObject, kAllowed, kAllowed, Status::Terminated, false},
    {Command::Zeroize, kAllowed, kAllowed, kAllowed, true},
    {Command::Reset, kAllowed, kAllowed, kAllowed, false},
    {Command::Keygen, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::Csr, kAllowed, Status::ManufacturingOnly, Status::Terminated, false},
    {Command::InstallCert, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::AddRoot, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::SetAdminKey, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::SetFirmwareKey, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::DeleteObject, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::Lock, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::PairHost, kAllowed, Status::ManufacturingOnly, Status::Terminated, true},
    {Command::AdminChallenge, kAllowed, kAllowed, Status::Terminated, false},
    {Command::AdminApply, kAllowed, kAllowed, Status::Terminated, false, Status::AdminWrongChip},
    {Command::BootBegin, Status::NotOperational, kAllowed, Status::Terminated, false, Status::MalformedPayload},
    {Command::BootData, Status::NotOperational, kAllowed, Status::Terminated, false, Status::NoBootInProgress},
    {Command::BootFinish, Status::NotOperational, kAllowed, Status::Terminated, false, Status::NoBootInProgress},
    {Command::Attest, kAllowed, kAllowed, Status::Terminated, false},
    {Command::ChannelOpen, kAllowed, kAllowed, Status::Terminated, false, Status::MalformedPayload},
    {Command::ChannelFinish, kAllowed, kAllowed, Status::Terminated, false, Status::BusChannelAuth},
    {Command::X509Verify, kAllowed, kAllowed, Status::Terminated, false, Status::MalformedPayload},
    // TLS sessions run only on a locked chip. Alone, TlsStart meets a
    // ClientHello that is no ClientHello, the others a handle that names no
    // session (tests/tls_chip/ runs them for real).
    {Command::TlsStart, Status::NotOperational, kAllowed, Status::Terminated, false, Status::ClientHelloTemplate},
    {Command::TlsHandshake, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsRetry, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsRecordIn, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsSeal, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsPostHandshake, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsKeyUpdate, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
    {Command::TlsEnd, Status::NotOperational, kAllowed, Status::Terminated, false, Status::UnknownSession},
};

const TestPki& pki() {
  static const TestPki instance = TestPki::create();
  return instance;
}

const TestKey& spare_key() {
  static const TestKey key = TestKey::ec();
  return key;
}

// A chip brought to one lifecycle state, with what valid payloads need.
struct ChipInState {
  std::unique_ptr<chip::Firmware> firmware;
  RecordingTransport* link = nullptr;  // owned by driver
  std::unique_ptr<host::ChipDriver> driver;
  Provisioned provisioned;
  Bytes private_scalar;  // of the device key it had before any zeroize
  uint16_t device_key_id = 0;
  uint16_t root_id = 0;
};

ChipInState make_chip(Lifecycle state) {
  ChipInState c;
  c.firmware = std::move(chip::make_ram_chip()).value();
  auto link = std::make_unique<RecordingTransport>(std::make_unique<chip::InProcessTransport>(*c.firmware, 1));
  c.link = link.get();
  c.driver = std::move(host::ChipDriver::open(std::move(link))).value();
  c.provisioned = provision(*c.driver, pki(), Curve::P256, state != Lifecycle::Manufacturing);
  const chip::NvmState& s = c.firmware->state();
  c.private_scalar = device_private_scalar(s);
  c.device_key_id = s.find_role(bus::ObjectRole::DeviceKey)->id;
  c.root_id = s.find_role(bus::ObjectRole::RootCa)->id;
  if (state == Lifecycle::Terminated) {
    EXPECT_EQ(*c.driver->zeroize(), Lifecycle::Terminated);
  }
  EXPECT_EQ(c.firmware->state().lifecycle, state);
  return c;
}

Bytes valid_payload(Command command, const ChipInState& c) {
  switch (command) {
    case Command::Hello: return bus::encode(bus::HelloRequest{});
    case Command::GetRandom: return bus::encode_u16(32);
    case Command::ReadObject: return bus::encode_u16(c.device_key_id);
    case Command::Keygen: return bus::encode_u8(static_cast<uint8_t>(Curve::P256));
    case Command::Csr: return bus::encode_vec16(*cli::subject_to_der("/CN=device-0001/O=setls tests"));
    case Command::InstallCert: return bus::encode_role_and_der(bus::ObjectRole::DeviceCert, c.provisioned.device_cert.der);
    case Command::AddRoot: return bus::encode_vec16(pki().intermediate.der);  // a CA not stored yet
    case Command::SetAdminKey:
    case Command::SetFirmwareKey: return bus::encode_vec16(spare_key().spki());
    case Command::DeleteObject: return bus::encode_u16(c.root_id);
    case Command::PairHost: return bus::encode_vec16(spare_key().spki());
    case Command::AdminApply: {
      admin::Authorization a;  // for a challenge that was never asked
      a.operation = admin::Operation::Terminate;
      return admin::sign_authorization(a, EcKey::from_pkey(pki().admin_key.get()).value()).value();
    }
    case Command::Attest: {
      Bytes nonce;
      Writer(nonce).vec8(Bytes(16, 0x5A));
      return nonce;
    }
    case Command::TlsStart: {
      bus::TlsStartRequest start;
      start.mode = bus::RecordMode::Chip;
      start.name = "localhost";
      start.unix_time_ms = 4102444800000;  // 2100: above any time floor
      start.client_hello = {1, 0, 0, 0};
      return bus::encode(start);
    }
    case Command::TlsHandshake:
    case Command::TlsRetry:
    case Command::TlsRecordIn:
    case Command::TlsPostHandshake: return bus::encode(bus::HandleAndBytes{0x00000100, Bytes(8, 0x16)});
    case Command::TlsSeal: return bus::encode(bus::TlsSealRequest{0x00000100, 23, Bytes(8, 0x61)});
    case Command::TlsKeyUpdate: return Bytes{0, 0, 1, 0, 1};
    case Command::TlsEnd: return Bytes{0, 0, 1, 0};
    default: return {};  // Info, Zeroize, Reset, Lock take no payload
  }
}

std::optional<Status> expected(const Rule& rule, Lifecycle state) {
  switch (state) {
    case Lifecycle::Manufacturing: return rule.manufacturing;
    case Lifecycle::Operational: return rule.operational;
    case Lifecycle::Terminated: return rule.terminated;
  }
  return Status::Internal;
}

using MatrixParam = std::tuple<Lifecycle, Rule>;

class LifecycleMatrix : public testing::TestWithParam<MatrixParam> {};

TEST_P(LifecycleMatrix, AllowedOrRefusedExactlyAndRefusalsChangeNothing) {
  auto [state, rule] = GetParam();
  ChipInState c = make_chip(state);
  if (rule.command == Command::Keygen && state == Lifecycle::Manufacturing) {
    // The provisioned chip already has its key; make room so keygen can run.
    ASSERT_TRUE(c.driver->delete_object(c.device_key_id).ok());
  }
  ChipSnapshot before = snapshot(*c.firmware);
  size_t answers_before = c.link->answers().size();

  auto answer = c.driver->call(rule.command, valid_payload(rule.command, c));
  std::optional<Status> want = expected(rule, state);

  ChipSnapshot after = snapshot(*c.firmware);
  if (!want && rule.alone) want = rule.alone;
  if (want) {
    ASSERT_FALSE(answer.ok()) << bus::command_name(static_cast<uint16_t>(rule.command)) << " was allowed";
    EXPECT_EQ(answer.status(), *want) << describe(answer.error());
    EXPECT_EQ(after, before) << "a refused command changed the chip";
  } else {
    ASSERT_TRUE(answer.ok()) << describe(answer.error());
    bool changes = rule.mutates && !(rule.command == Command::Zeroize && state == Lifecycle::Terminated);
    if (changes) {
      EXPECT_EQ(after.generation, before.generation + 1u);
      EXPECT_NE(after.state, before.state);
    } else {
      EXPECT_EQ(after, before) << "a read-only command changed the chip";
    }
  }

  // Invariant 1: not one answer frame of this chip's life, provisioning
  // included, holds the private scalar.
  ASSERT_EQ(c.private_scalar.size(), 32u);
  ASSERT_GT(c.link->answers().size(), answers_before);
  for (const Bytes& frame : c.link->answers()) EXPECT_FALSE(contains(frame, c.private_scalar));
}

std::string param_name(const testing::TestParamInfo<MatrixParam>& info) {
  std::string state = bus::lifecycle_name(std::get<0>(info.param));
  state[0] = static_cast<char>(state[0] - 'a' + 'A');
  return state + "_" + bus::command_name(static_cast<uint16_t>(std::get<1>(info.param).command));
}

INSTANTIATE_TEST_SUITE_P(EveryCommandEveryState, LifecycleMatrix,
                         testing::Combine(testing::Values(Lifecycle::Manufacturing, Lifecycle::Operational,
                                                          Lifecycle::Terminated),
                                          testing::ValuesIn(kRules)),
                         param_name);

TEST(LifecycleRules, CoverTheCommandTableExactly) {
  std::map<Command, uint8_t> table;
  for (const auto& spec : chip::command_table()) table[spec.id] = spec.allowed;
  ASSERT_EQ(table.size(), std::size(kRules)) << "a command was added or removed: update kRules";
  for (const Rule& rule : kRules) {
    ASSERT_TRUE(table.count(rule.command)) << bus::command_name(static_cast<uint16_t>(rule.command));
    uint8_t allowed = table[rule.command];
    EXPECT_EQ((allowed & chip::kManufacturing) != 0, !rule.manufacturing.has_value());
    EXPECT_EQ((allowed & chip::kOperational) != 0, !rule.operational.has_value());
    EXPECT_EQ((allowed & chip::kTerminated) != 0, !rule.terminated.has_value());
  }
}

TEST(LifecycleRules, RefusalNamesTheRuleThatRefused) {
  // An operational-only command (like BootBegin) refused in
  // manufacturing is NotOperational, and a terminated chip always says so.
  chip::CommandSpec operational_only{Command::Info, chip::kOperational, nullptr};
  EXPECT_EQ(chip::lifecycle_refusal(operational_only, Lifecycle::Manufacturing), Status::NotOperational);
  EXPECT_EQ(chip::lifecycle_refusal(operational_only, Lifecycle::Terminated), Status::Terminated);
  chip::CommandSpec factory{Command::Keygen, chip::kManufacturing, nullptr};
  EXPECT_EQ(chip::lifecycle_refusal(factory, Lifecycle::Operational), Status::ManufacturingOnly);
  EXPECT_EQ(chip::lifecycle_refusal(factory, Lifecycle::Terminated), Status::Terminated);
}

TEST(PrivateKeys, NoObjectReadYieldsThePrivateScalarInAnyState) {
  for (Lifecycle state : {Lifecycle::Manufacturing, Lifecycle::Operational, Lifecycle::Terminated}) {
    ChipInState c = make_chip(state);
    for (uint16_t id = 0; id < 40; ++id) (void)c.driver->read_object(id);
    (void)c.driver->info();
    for (const Bytes& frame : c.link->answers()) EXPECT_FALSE(contains(frame, c.private_scalar));
    // Operational: the device key reads back as its public key only.
    if (state == Lifecycle::Operational) {
      auto key = c.driver->read_object(c.device_key_id);
      ASSERT_TRUE(key.ok());
      EXPECT_EQ(key->kind, bus::ObjectKind::PrivateKey);
      EXPECT_TRUE(EcKey::from_spki_der(key->data).ok()) << "the device key must read back as an SPKI";
    }
  }
}

}  // namespace
}  // namespace setls::test
