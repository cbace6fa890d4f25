// The chip's TLS 1.2 client handshake (RFC 5246 with RFC 8422 ECDHE-ECDSA,
// RFC 7627 extended master secret, RFC 5746 renegotiation indication), run
// when a ServerHello selects TLS 1.2 after the ClientHello the chip filled.
// It holds TLS 1.2 to the same invariants as 1.3 (ARCHITECTURE.md 3–7):
//
//   ServerHello         version offered; if 1.3 was offered too, no
//                       downgrade sentinel in the random (RFC 8446 §4.1.3);
//                       an offered ECDHE-ECDSA AEAD suite; extensions offered
//                       and allowed; extended_master_secret present; an
//                       empty renegotiation_info
//   Certificate         chain verified against the stored roots (server_chain.h)
//   ServerKeyExchange   an offered named curve, a valid point on it, a scheme
//                       offered and matching the leaf's curve, signed by the
//                       verified leaf over client_random ‖ server_random ‖ params
//   CertificateRequest  ecdsa_sign accepted and a scheme our key signs with
//   ServerHelloDone     the client flight, computed inside: Certificate,
//                       ClientKeyExchange (a fresh ECDHE key), the extended
//                       master secret, CertificateVerify over the chip's own
//                       transcript (device-key policy), change_cipher_spec,
//                       Finished
//   change_cipher_spec, Finished   HMAC-PRF compared in constant time; only
//                       now may keys leave the chip or records be sealed
//
// Renegotiation is never accepted. docs/chip-tls.md describes the flows.
#pragma once

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"

namespace setls::chip {

// A ServerHello without supported_versions (TLS 1.2 or older): accepted only
// as TLS 1.2, and only if the ClientHello offered it.
Outcome on_server_hello12(TlsSession& s, const tls::ServerHello& sh, const tls::HandshakeMessage& m);
// A whole server message in one of the TLS 1.2 states.
Outcome on_message12(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m, Bytes& out);
// A server record after a TLS 1.2 ServerHello: plaintext handshake records,
// one change_cipher_spec once our flight is out, then the protected Finished.
Outcome on_record12(TlsSession& s, ChipServices& chip, const tls::RecordFrame& f, ByteView record, Bytes& out);

}  // namespace setls::chip
