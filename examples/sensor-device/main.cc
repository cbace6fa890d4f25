// sensor-device: a device program on setls, as the cloud scenario goes. It
// boots through secure boot, then reports simulated sensor readings to an
// MQTT broker (libmosquitto through an in-process setls tunnel) and to an
// HTTPS endpoint (the native host::Client API), both with mutual TLS whose
// handshakes the chip runs, and acts on the commands the broker relays
// (docs/sensor-device.md).
//
//   sensor-device --chip unix:chip.sock --pairing pairing.pem
//       --image firmware.bin --manifest firmware.manifest
//       --mqtt 127.0.0.1:8883 --https 127.0.0.1:8443 --servername localhost
//       --id sensor-1 --readings 10
#include <sys/eventfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "common/tls/cipher_suite.h"
#include "examples/sensor-device/commands.h"
#include "examples/sensor-device/https_uploader.h"
#include "examples/sensor-device/mqtt_link.h"
#include "examples/sensor-device/sensors.h"
#include "host/driver/pairing.h"
#include "host/io/tcp.h"
#include "host/tunnel/tunnel.h"

namespace {

using namespace setls;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Args {
  std::string chip, pairing, image, manifest, mqtt, https, servername = "localhost", id = "sensor-1";
  int interval_ms = 1000, readings = 10, until_commands = 0;
  double duration_s = 120;
};

int fail(const std::string& what, const Error& e) {
  std::fprintf(stderr, "sensor-device: %s: %s\n", what.c_str(), describe(e).c_str());
  return 1;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "sensor-device: %s\n", what.c_str());
  return 1;
}

std::string env_or(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* env = std::getenv(name);
  return env != nullptr ? env : "";
}

Result<Bytes> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Status::IoError};
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One link to the chip, over the secure channel when a pairing is given.
Result<std::unique_ptr<host::ChipDriver>> open_chip(const std::string& address, const std::string& pairing) {
  SETLS_TRY_ASSIGN(auto driver, host::ChipDriver::connect(address));
  if (!pairing.empty()) {
    SETLS_TRY_ASSIGN(auto keys, host::load_pairing(pairing));
    SETLS_TRY(driver->open_channel(keys.host_key, keys.chip_key));
  }
  return driver;
}

// The in-process tunnel on its own thread and its own chip link: libmosquitto
// connects to 127.0.0.1:port() in plaintext.
class TunnelThread {
 public:
  static Result<std::unique_ptr<TunnelThread>> start(std::unique_ptr<host::ChipDriver> chip,
                                                     host::tunnel::Options options) {
    std::unique_ptr<TunnelThread> t(new TunnelThread(std::move(chip)));
    SETLS_TRY_ASSIGN(t->tunnel_, host::tunnel::Tunnel::open(*t->chip_, std::move(options)));
    t->stop_ = eventfd(0, EFD_CLOEXEC);
    if (t->stop_ < 0) return Error{Status::IoError};
    t->thread_ = std::thread([p = t.get()] {
      p->result_ = p->tunnel_->run(p->stop_, [](const host::tunnel::ConnectionReport& r) {
        std::printf("tunnel: %s\n", describe(r).c_str());
      });
    });
    return t;
  }
  ~TunnelThread() {
    uint64_t one = 1;
    if (stop_ >= 0 && ::write(stop_, &one, sizeof one) == sizeof one && thread_.joinable()) thread_.join();
    if (thread_.joinable()) thread_.detach();  // cannot happen short of a broken eventfd
    if (stop_ >= 0) ::close(stop_);
  }
  uint16_t port() const { return tunnel_->port(); }

 private:
  explicit TunnelThread(std::unique_ptr<host::ChipDriver> chip) : chip_(std::move(chip)) {}
  std::unique_ptr<host::ChipDriver> chip_;
  std::unique_ptr<host::tunnel::Tunnel> tunnel_;
  int stop_ = -1;
  std::thread thread_;
  Outcome result_;
};

int run(const Args& a) {
  std::string chip_address = env_or(a.chip, "SETLS_CHIP");
  std::string pairing = env_or(a.pairing, "SETLS_PAIRING");
  if (chip_address.empty()) return fail("no chip: pass --chip unix:PATH or set SETLS_CHIP");
  std::string mqtt_host, https_host;
  uint16_t mqtt_port = 0, https_port = 0;
  if (!host::split_host_port(a.mqtt, mqtt_host, mqtt_port) || mqtt_port == 0)
    return fail("--mqtt: expected HOST:PORT");
  if (!host::split_host_port(a.https, https_host, https_port) || https_port == 0)
    return fail("--https: expected HOST:PORT");

  // 1. Secure boot: the chip checks the firmware against its signed
  // manifest; until then it will not sign a handshake with the device key.
  auto chip = open_chip(chip_address, pairing);
  if (!chip) return fail("opening the chip at " + chip_address, chip.error());
  auto image = read_file(a.image);
  auto manifest = read_file(a.manifest);
  if (!image || !manifest) return fail("cannot read --image or --manifest");
  auto booted = (*chip)->secure_boot(*manifest, *image);
  if (!booted) return fail("secure boot", booted.error());
  std::printf("boot: secure boot verified, firmware version %u (%zu bytes)\n", *booted, image->size());

  // 2. MQTT through the tunnel (its own chip link: the tunnel thread owns it).
  auto tunnel_chip = open_chip(chip_address, pairing);
  if (!tunnel_chip) return fail("a second link to the chip", tunnel_chip.error());
  host::tunnel::Options options;
  options.server_host = mqtt_host;
  options.server_port = mqtt_port;
  options.tls.server_name = a.servername;
  auto tunnel = TunnelThread::start(std::move(*tunnel_chip), options);
  if (!tunnel) return fail("starting the tunnel to " + a.mqtt, tunnel.error());
  std::printf("mqtt: libmosquitto -> 127.0.0.1:%u -> setls tunnel -> %s (TLS, name %s)\n", (*tunnel)->port(),
              a.mqtt.c_str(), a.servername.c_str());
  std::string readings_topic = "devices/" + a.id + "/readings";
  std::string command_topic = "devices/" + a.id + "/commands";
  std::string why;
  auto mqtt = sensor_device::MqttLink::open("127.0.0.1", (*tunnel)->port(), a.id, command_topic, why);
  if (!mqtt) return fail(why);

  auto deadline = Clock::now() + milliseconds(static_cast<int64_t>(a.duration_s * 1000));
  while (!mqtt->subscribed() && Clock::now() < deadline) mqtt->poll(milliseconds(100));
  if (!mqtt->subscribed()) return fail("no subscription to " + command_topic + " before --duration ended");
  std::printf("mqtt: connected as %s, subscribed to %s\n", a.id.c_str(), command_topic.c_str());

  // 3. Report, and act on commands between readings.
  sensor_device::HttpsUploader https(**chip, https_host, https_port, a.servername, "/readings");
  sensor_device::Sensors sensors(static_cast<uint64_t>(::getpid()));
  int interval_ms = a.interval_ms, published = 0, posted = 0, applied = 0, refused = 0;
  bool actuator_on = false, ok = true;
  auto next = Clock::now();
  while (Clock::now() < deadline && (published < a.readings || applied < a.until_commands)) {
    for (const std::string& text : mqtt->take_commands()) {
      auto command = sensor_device::parse_command(text, why);
      if (!command) {
        ++refused;
        std::printf("command '%s' refused: %s\n", text.c_str(), why.c_str());
        continue;
      }
      ++applied;
      if (command->kind == sensor_device::Command::Kind::Interval) {
        interval_ms = command->interval_ms;
        next = std::min(next, Clock::now() + milliseconds(interval_ms));
        std::printf("command '%s': reporting every %d ms from now on\n", text.c_str(), interval_ms);
      } else {
        actuator_on = command->actuator_on;
        std::printf("command '%s': actuator (fan) switched %s\n", text.c_str(), actuator_on ? "on" : "off");
      }
    }
    auto now = Clock::now();
    if (now < next) {
      mqtt->poll(std::min(milliseconds(100), std::chrono::duration_cast<milliseconds>(next - now) + milliseconds(1)));
      continue;
    }
    next = now + milliseconds(interval_ms);
    sensor_device::Reading r = sensors.read(actuator_on, interval_ms);
    std::string json = sensor_device::to_json(a.id, r);
    bool queued = mqtt->publish(readings_topic, json);
    published += queued ? 1 : 0;
    auto status = https.post(json);
    bool stored = status && *status >= 200 && *status < 300;
    posted += stored ? 1 : 0;
    ok = ok && queued && stored;
    std::printf("reading %llu: %.2f C, %.1f %%, fan %s -> mqtt %s; https %s\n",
                static_cast<unsigned long long>(r.seq), r.temperature_c, r.humidity_pct, actuator_on ? "on" : "off",
                queued ? readings_topic.c_str() : "REFUSED",
                status ? ("HTTP " + std::to_string(*status) + " (" + https.last_tls() + ")").c_str()
                       : describe(status.error()).c_str());
  }
  // Every QoS 1 message acknowledged by the broker before we leave.
  auto flush_until = std::min(deadline, Clock::now() + std::chrono::seconds(10));
  while (mqtt->unacknowledged() > 0 && Clock::now() < flush_until) mqtt->poll(milliseconds(100));
  size_t lost = mqtt->unacknowledged();
  int reconnects = mqtt->reconnects();
  mqtt->disconnect();
  mqtt.reset();
  tunnel->reset();

  bool complete = published >= a.readings && applied >= a.until_commands && lost == 0;
  std::printf("done: %d readings published (%zu unacknowledged), %d posted over HTTPS, %d command(s) applied, "
              "%d refused, %d MQTT reconnect(s)\n",
              published, lost, posted, applied, refused, reconnects);
  return ok && complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Args a;
  CLI::App app{"a setls device: secure boot, then sensor readings over MQTT and HTTPS with mutual TLS"};
  app.add_option("--chip", a.chip, "chip address, unix:PATH (default: $SETLS_CHIP)");
  app.add_option("--pairing", a.pairing, "pairing file for the secure channel (default: $SETLS_PAIRING)");
  app.add_option("--image", a.image, "the firmware image to boot")->required();
  app.add_option("--manifest", a.manifest, "its signed manifest")->required();
  app.add_option("--mqtt", a.mqtt, "the MQTT broker, HOST:PORT (TLS)")->required();
  app.add_option("--https", a.https, "the HTTPS endpoint, HOST:PORT; readings go to POST /readings")->required();
  app.add_option("--servername", a.servername, "the name both servers must prove");
  app.add_option("--id", a.id, "device id: MQTT client id and topics devices/ID/readings, devices/ID/commands");
  app.add_option("--interval-ms", a.interval_ms, "first reporting interval")->check(CLI::Range(100, 60000));
  app.add_option("--readings", a.readings, "stop after this many readings")->check(CLI::Range(0, 1000000));
  app.add_option("--until-commands", a.until_commands,
                 "and keep reporting until this many commands were applied")->check(CLI::Range(0, 1000));
  app.add_option("--duration", a.duration_s, "give up after this many seconds")->check(CLI::Range(1.0, 86400.0));
  CLI11_PARSE(app, argc, argv);
  return run(a);
}
