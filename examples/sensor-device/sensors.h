// The device's simulated hardware: two sensors that drift slowly (a
// temperature and a humidity, as a greenhouse controller would read) and
// one actuator (a fan) that the cloud can switch.
#pragma once

#include <cstdint>
#include <string>

namespace sensor_device {

struct Reading {
  uint64_t seq = 0;
  double temperature_c = 0;
  double humidity_pct = 0;
  bool actuator_on = false;
  int interval_ms = 0;
};

class Sensors {
 public:
  explicit Sensors(uint64_t seed) : state_(seed | 1) {}
  // The next reading; a running fan cools the air a little.
  Reading read(bool actuator_on, int interval_ms);

 private:
  double noise();  // in [-0.5, 0.5)
  uint64_t state_;
  uint64_t seq_ = 0;
  double temperature_c_ = 21.5;
  double humidity_pct_ = 40.0;
};

// {"device":"…","seq":1,"temperature_c":21.52,…}: what goes to the broker and
// to the HTTPS endpoint.
std::string to_json(const std::string& device_id, const Reading& r);

}  // namespace sensor_device
