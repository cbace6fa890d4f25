#include "examples/sensor-device/commands.h"

#include <sstream>

namespace sensor_device {

std::optional<Command> parse_command(const std::string& text, std::string& why) {
  std::istringstream in(text);
  std::string verb, arg, extra;
  in >> verb >> arg >> extra;
  if (verb.empty() || arg.empty() || !extra.empty()) {
    why = "expected 'interval MS' or 'actuator on|off'";
    return std::nullopt;
  }
  Command c;
  if (verb == "interval") {
    if (arg.size() > 5 || arg.find_first_not_of("0123456789") != std::string::npos) {
      why = "the interval is a number of milliseconds";
      return std::nullopt;
    }
    c.kind = Command::Kind::Interval;
    c.interval_ms = std::stoi(arg);
    if (c.interval_ms < 100 || c.interval_ms > 60000) {
      why = "the interval must be 100..60000 ms";
      return std::nullopt;
    }
    return c;
  }
  if (verb == "actuator" && (arg == "on" || arg == "off")) {
    c.kind = Command::Kind::Actuator;
    c.actuator_on = arg == "on";
    return c;
  }
  why = "unknown command '" + verb + "'";
  return std::nullopt;
}

}  // namespace sensor_device
