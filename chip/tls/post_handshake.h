// Handshake messages from the server after the handshake, in either record
// mode: NewSessionTicket (the resumption PSK is derived and kept in the
// chip's ticket cache; the host only gets the opaque ticket and an id) and
// KeyUpdate (the server's next traffic secret, and ours when it asks).
// Host record mode also gets its TlsPostHandshake / TlsKeyUpdate answers here.
#pragma once

#include <optional>

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"
#include "common/bus/tls_messages.h"

namespace setls::chip {

struct PostHandshakeEvent {
  std::optional<bus::TlsTicket> ticket;
  bool server_key_updated = false;  // server_app moved to its next secret
  bool update_requested = false;    // the server asks us to update ours
};

// One whole message (header included). Anything but NewSessionTicket and
// KeyUpdate is ServerUnexpectedMessage: post-handshake authentication is
// never offered.
Result<PostHandshakeEvent> on_post_handshake(TlsSession& s, ChipServices& chip, const tls::HandshakeMessage& m);

// Host record mode: TlsPostHandshake. Released keys are key + IV, sequence 0;
// a KeyUpdate to answer with is sealed by the host under its current key,
// before it switches to client_key.
Result<bus::TlsPostHandshakeResponse> host_post_handshake(TlsSession& s, ChipServices& chip, ByteView message);
// Host record mode: TlsKeyUpdate. The message goes out under the current
// key; then the host switches to client_key.
Result<bus::TlsKeyUpdateResponse> host_key_update(TlsSession& s, bool request_peer_update);

}  // namespace setls::chip
