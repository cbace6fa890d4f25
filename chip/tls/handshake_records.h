// What the TLS 1.3 and TLS 1.2 engines share below the message level
// (defined in handshake13.cc): the handshake message assembler loop, which
// hands each whole message to the engine of the negotiated version, and the
// reading of a server alert; and, inline, the parsing of server messages and
// the writing of the client's own. Internal to chip/tls.
#pragma once

#include "chip/tls/chip_services.h"
#include "chip/tls/record_keys.h"
#include "chip/tls/session.h"
#include "common/tls/codec.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"

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

// A server message body decoded, a codec error blamed on the server.
template <class T>
Result<T> server_message(const tls::HandshakeMessage& m) {
  auto r = tls::decode<T>(m.body);
  if (!r) return server_fault(r.status());
  return r;
}

// One extension of a server message, if present; malformed is the server's fault.
template <class T>
Result<std::optional<T>> server_extension(const tls::ExtensionList& list) {
  auto r = tls::find_extension<T>(list);
  if (!r) return server_fault(r.status());
  return r;
}

// Writes one of the client's handshake messages into `plain` and hashes it.
template <class T>
Outcome add_message(TlsSession& s, Bytes& plain, const T& msg) {
  size_t start = plain.size();
  Writer w(plain);
  tls::write_message(w, msg);
  if (!w.ok()) return Status::Internal;
  s.transcript.add(ByteView(plain).subspan(start));
  return {};
}

}  // namespace setls::chip
