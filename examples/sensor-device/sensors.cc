#include "examples/sensor-device/sensors.h"

#include <cstdio>

namespace sensor_device {

double Sensors::noise() {
  // xorshift64: simulated sensor noise, not cryptography.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  return static_cast<double>(state_ % 1000) / 1000.0 - 0.5;
}

Reading Sensors::read(bool actuator_on, int interval_ms) {
  temperature_c_ += noise() * 0.2 - (actuator_on ? 0.05 : 0.0);
  humidity_pct_ += noise() * 0.5;
  Reading r;
  r.seq = ++seq_;
  r.temperature_c = temperature_c_;
  r.humidity_pct = humidity_pct_;
  r.actuator_on = actuator_on;
  r.interval_ms = interval_ms;
  return r;
}

std::string to_json(const std::string& device_id, const Reading& r) {
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"device\":\"%s\",\"seq\":%llu,\"temperature_c\":%.2f,\"humidity_pct\":%.1f,"
                "\"actuator\":\"%s\",\"interval_ms\":%d}",
                device_id.c_str(), static_cast<unsigned long long>(r.seq), r.temperature_c, r.humidity_pct,
                r.actuator_on ? "on" : "off", r.interval_ms);
  return text;
}

}  // namespace sensor_device
