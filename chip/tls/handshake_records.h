// What the TLS 1.3 and TLS 1.2 engines share below the message level
// (defined in handshake13.cc): the handshake message assembler loop, which
// hands each whole message to the engine of the negotiated version, and the
// reading of a server alert. Internal to chip/tls.
#pragma once

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"

namespace setls::chip {

// Feeds one record's handshake plaintext and judges every whole message.
Outcome feed_handshake(TlsSession& s, ChipServices& chip, ByteView fragment, Bytes& out);
// The server's record_size_limit (RFC 8449) or max_fragment_length (RFC
// 6066) answer, from a TLS 1.2 ServerHello or a TLS 1.3 EncryptedExtensions:
// both bind each direction; both at once, or another MFL code than ours, is
// ServerIllegalParameter (RFC 8449 §5, RFC 6066 §4).
Outcome apply_record_limits(TlsSession& s, const tls::ExtensionList& extensions);
// A server alert ends the handshake, whatever its level; the detail names it.
Error alert_received(ByteView fragment);

}  // namespace setls::chip
