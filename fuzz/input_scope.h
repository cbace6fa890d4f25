// What every input of the chip targets does first and last. First: restart
// the repeatable randomness (repeatable_random.h). Last: empty libcrypto's
// error queue. OpenSSL 3 copies the file and function name of every error it
// raises onto the heap and frees them only when the queue is cleared; left
// there, an input that provoked an error ends with more allocations than
// frees, and libFuzzer then re-runs it under a LeakSanitizer scan of the
// whole heap — which was most of chip_dispatch_fuzz's time.
#pragma once

namespace setls::fuzz {

class InputScope {
 public:
  InputScope();
  ~InputScope();
  InputScope(const InputScope&) = delete;
  InputScope& operator=(const InputScope&) = delete;
};

}  // namespace setls::fuzz
