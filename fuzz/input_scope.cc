#include "fuzz/input_scope.h"

#include <openssl/err.h>

#include "fuzz/repeatable_random.h"

namespace setls::fuzz {

InputScope::InputScope() { restart_repeatable_random(); }

InputScope::~InputScope() { ERR_clear_error(); }

}  // namespace setls::fuzz
