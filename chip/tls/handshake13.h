// The chip's TLS 1.3 client handshake engine: it reads the server's records
// exactly as they came off the socket, frames and (after ServerHello)
// decrypts them itself, reassembles handshake messages, and judges each one
// in the state that expects it (TlsState). Every check that makes the
// session trustworthy happens here, on bytes the chip parsed itself:
//
//   ServerHello / HelloRetryRequest  version 1.3, suite, group, key share on
//                                    the curve, session id echo, extensions
//                                    offered and allowed, PSK selection
//   EncryptedExtensions              extensions offered and allowed, ALPN
//                                    among those offered, record_size_limit
//   CertificateRequest               empty context, signature_algorithms
//   Certificate                      chain verified against the stored roots
//                                    for the session's name at the host time
//   CertificateVerify                scheme offered and matching the leaf's
//                                    curve; signature by that leaf key
//   Finished                         HMAC, compared in constant time
//
// Only then does it build the client flight (client_flight.h) and derive
// the application traffic secrets. docs/chip-tls.md describes the flows.
#pragma once

#include <cstddef>

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"
#include "common/bus/tls_messages.h"

namespace setls::chip {

struct HandshakeStep {
  bus::HandshakeProgress progress = bus::HandshakeProgress::NeedMore;
  size_t consumed = 0;  // whole records taken from the input
  Bytes output;         // records for the server (the client flight, at Done)
};

// Feeds server bytes: any number of whole or partial records. Takes whole
// records only, and none after the one carrying the server Finished (those
// belong to the record layer) or a HelloRetryRequest. Any error is final:
// the caller frees the session.
Result<HandshakeStep> handshake_server_bytes(TlsSession& s, ChipServices& chip, ByteView data);

// What a finished handshake negotiated (TlsHandshake's Done answer).
bus::TlsSummary handshake_summary(const TlsSession& s);

}  // namespace setls::chip
