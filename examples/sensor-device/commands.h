// Commands the cloud sends on the device's command topic, as plain text:
//   interval MS      report every MS milliseconds (100..60000)
//   actuator on|off  switch the fan
// Anything else is refused and reported, never guessed at.
#pragma once

#include <optional>
#include <string>

namespace sensor_device {

struct Command {
  enum class Kind { Interval, Actuator } kind = Kind::Interval;
  int interval_ms = 0;
  bool actuator_on = false;
};

// The command in `text`, or nullopt with `why` set.
std::optional<Command> parse_command(const std::string& text, std::string& why);

}  // namespace sensor_device
