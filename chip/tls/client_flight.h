// The client's second flight, built, hashed and sealed by the chip after it
// verified the server's Finished: Certificate and CertificateVerify if the
// server asked for them, then Finished, under the client handshake keys,
// after one dummy change_cipher_spec record (RFC 8446 §D.4, middlebox
// compatibility). The device key signs here and nowhere else in TLS: over
// the transcript the chip hashed itself, and only if its policy allows it now.
#pragma once

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"

namespace setls::chip {

// Appends the records to `out`; the messages go into the transcript.
Outcome send_client_flight(TlsSession& s, ChipServices& chip, Bytes& out);

// The content a TLS 1.3 CertificateVerify signs (RFC 8446 §4.4.3).
Bytes certificate_verify_content(bool server, ByteView transcript_hash);

}  // namespace setls::chip
