// Fuzz builds only: libcrypto's randomness replaced by a repeatable stream
// that every input restarts, so that an input does exactly the same thing
// each time it runs. The chip's ephemeral keys, ClientHello random and
// session id are then the same for every input, which lets the TLS targets
// compute the server's side of a handshake once per process instead of once
// per input (server_hello.h), and makes every crash reproduce from its
// input alone.
//
// This is a RAND_METHOD installed in this process only; it is compiled
// into the fuzz support library, never into the chip, the host or the
// tools, and refuses to build without FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION.
#pragma once

namespace setls::fuzz {

// Installs the repeatable stream (idempotent) and rewinds it to its start.
// Call first thing in LLVMFuzzerTestOneInput.
void restart_repeatable_random();

// Puts libcrypto's own DRBG back (for set-up that must be really random).
void use_real_random();

}  // namespace setls::fuzz
