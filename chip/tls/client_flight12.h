// The TLS 1.2 client flight, built inside the chip at ServerHelloDone:
// [Certificate], ClientKeyExchange, [CertificateVerify], change_cipher_spec,
// Finished. The ECDHE premaster secret, the extended master secret and the
// key block never leave the chip; the device key signs only the chip's own
// transcript and only under its policy (invariant 6).
#pragma once

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"

namespace setls::chip {

// Appends the flight's records to `out` and installs the record protection:
// s.app_write (after our Finished, sequence 1) and s.hs_read (the server's
// Finished, sequence 0).
Outcome send_client_flight12(TlsSession& s, ChipServices& chip, Bytes& out);

// Resumption (RFC 5246 §7.3): after the server's Finished, our
// change_cipher_spec and Finished, sealed under s.app_write (sequence 0).
Outcome send_resumed_finished12(TlsSession& s, Bytes& out);

}  // namespace setls::chip
