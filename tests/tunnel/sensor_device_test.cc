// examples/sensor-device end to end, the demo's flow with exact checks: it
// boots through secure boot after a power cycle, publishes its readings to
// mosquitto through its in-process tunnel, posts them to nginx with
// host::Client (both with the recommended configuration), and acts on the
// commands a user sends through the broker. Every reading arrives once, in
// order, at the subscriber and at nginx; a malformed command changes nothing.
// The user's mosquitto_sub and mosquitto_pub have a certificate of their own.
#include "common/crypto/random.h"
#include "common/signed/manifest.h"
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

// A firmware image and its manifest, signed with the PKI's firmware key.
void write_firmware(const TestPki& pki, const TempDir& dir) {
  Bytes image(4096);
  ASSERT_TRUE(random_bytes(image).ok());
  firmware::Manifest m;
  m.version = 1;
  m.image_size = image.size();
  Digest d = digest(HashAlg::Sha256, image);
  std::copy(d.bytes.begin(), d.bytes.begin() + 32, m.digest.begin());
  auto manifest = firmware::sign_manifest(m, EcKey::from_pkey(pki.firmware_key.get()).value());
  ASSERT_TRUE(manifest.ok());
  write_text(dir.file("firmware.bin"), std::string(image.begin(), image.end()));
  write_text(dir.file("firmware.manifest"), std::string(manifest->begin(), manifest->end()));
}

// The user's client certificate, from the device CA (the broker admits no other).
std::vector<std::string> operator_tls(const TestPki& pki, const TempDir& dir) {
  TestKey key = TestKey::ec();
  CertSpec spec;
  spec.subject = "/CN=operator";
  spec.eku = "clientAuth";
  TestCert cert = issue(spec, key, &pki.device_ca);
  write_text(dir.file("operator.crt"), cert.pem);
  write_text(dir.file("operator.key"), key.private_pem());
  return {"--cafile", dir.file("root.crt"), "--cert", dir.file("operator.crt"), "--key", dir.file("operator.key")};
}

std::vector<Json> json_lines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

TEST_F(TunnelTest, SensorDeviceReportsOverMqttAndHttpsAndActsOnCommands) {
  constexpr int kReadings = 8;
  write_firmware(pki, dir);
  {
    // Power cycle: the boot of the fixture is forgotten, the device must boot again.
    auto driver = host::ChipDriver::connect(chipd->address());
    ASSERT_TRUE(driver.ok());
    auto keys = host::load_pairing(pairing);
    ASSERT_TRUE(keys.ok());
    ASSERT_TRUE((*driver)->open_channel(keys->host_key, keys->chip_key).ok());
    ASSERT_TRUE((*driver)->reset().ok());
  }
  RunningServer broker = start_mosquitto(dir);
  RunningServer nginx = start_nginx(dir);
  // The user's side: mosquitto_sub and mosquitto_pub with TLS of their own.
  std::vector<std::string> user_tls = operator_tls(pki, dir);
  std::string broker_port = std::to_string(broker.port);
  std::vector<std::string> sub_argv = {"stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", broker_port, "-t",
                                       "devices/sensor-1/readings", "-q", "1", "-C", std::to_string(kReadings),
                                       "-W", "60"};
  sub_argv.insert(sub_argv.end(), user_tls.begin(), user_tls.end());
  Process sub = Process::start(sub_argv, dir.file("sub.log"));
  ASSERT_TRUE(wait_until([&] { return broker.log_text().find("Sending SUBACK") != std::string::npos; }, 20s))
      << broker.log_text();

  Process device = Process::start(
      {binary("examples/sensor-device/sensor-device"), "--chip", chipd->address(), "--pairing", pairing, "--image",
       dir.file("firmware.bin"), "--manifest", dir.file("firmware.manifest"), "--mqtt",
       "127.0.0.1:" + std::to_string(broker.port), "--https", "127.0.0.1:" + std::to_string(nginx.port), "--id",
       "sensor-1", "--interval-ms", "300", "--readings", std::to_string(kReadings), "--until-commands", "2",
       "--duration", "60"},
      dir.file("device.log"));
  auto device_log = [&] { return read_text_file(dir.file("device.log")); };
  ASSERT_TRUE(wait_until([&] { return device_log().find("reading 2:") != std::string::npos; }, 30s)) << device_log();

  for (const char* command : {"actuator on", "reboot now", "interval 200"}) {
    std::vector<std::string> pub_argv = {"mosquitto_pub", "-h", "127.0.0.1", "-p", broker_port, "-t",
                                         "devices/sensor-1/commands", "-q", "1", "-m", command};
    pub_argv.insert(pub_argv.end(), user_tls.begin(), user_tls.end());
    RunResult pub = run(pub_argv, "", 30s);
    ASSERT_EQ(pub.exit_code, 0) << pub.out << pub.err;
  }
  EXPECT_EQ(device.wait(60s), 0) << device_log();
  EXPECT_EQ(sub.wait(60s), 0) << read_text_file(dir.file("sub.log"));

  std::string log = device_log();
  EXPECT_NE(log.find("boot: secure boot verified, firmware version 1"), std::string::npos) << log;
  EXPECT_NE(log.find("command 'actuator on': actuator (fan) switched on"), std::string::npos) << log;
  EXPECT_NE(log.find("command 'reboot now' refused: unknown command 'reboot'"), std::string::npos) << log;
  EXPECT_NE(log.find("command 'interval 200': reporting every 200 ms"), std::string::npos) << log;
  EXPECT_NE(log.find("(0 unacknowledged)"), std::string::npos) << log;

  // The subscriber: readings 1..N, each once, in order; the last ones with the fan on every 200 ms.
  std::vector<Json> readings = json_lines(read_text_file(dir.file("sub.log")));
  ASSERT_GE(readings.size(), static_cast<size_t>(kReadings));
  for (size_t i = 0; i < readings.size(); ++i) {
    EXPECT_EQ(readings[i]["device"], "sensor-1");
    EXPECT_EQ(readings[i]["seq"], i + 1) << readings[i].dump();
  }
  EXPECT_EQ(readings.back()["actuator"], "on");
  EXPECT_EQ(readings.back()["interval_ms"], 200);

  // nginx: the same readings, each from the chip's device certificate over TLS 1.3.
  std::vector<Json> posted = json_lines(read_text_file(dir.file("readings.log")));
  ASSERT_GE(posted.size(), readings.size());
  for (size_t i = 0; i < posted.size(); ++i) {
    EXPECT_EQ(posted[i]["client"], "O=setls tests,CN=device-0001") << posted[i].dump();
    EXPECT_EQ(posted[i]["protocol"], "TLSv1.3");
    Json body = Json::parse(posted[i]["body"].get<std::string>(), nullptr, false);
    EXPECT_EQ(body["seq"], i + 1) << posted[i].dump();
    if (i < readings.size()) {
      EXPECT_EQ(body, readings[i]);
    }
  }
}

}  // namespace
}  // namespace setls::test
