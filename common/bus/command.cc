#include "common/bus/command.h"

namespace setls::bus {

const char* command_name(uint16_t code) {
  switch (code) {
#define SETLS_COMMAND_CASE(name, value) \
  case value: return #name;
    SETLS_COMMAND_LIST(SETLS_COMMAND_CASE)
#undef SETLS_COMMAND_CASE
  }
  return "unknown";
}

bool command_known(uint16_t code) { return command_name(code)[0] != 'u'; }

}  // namespace setls::bus
