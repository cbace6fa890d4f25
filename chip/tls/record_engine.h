// Chip record mode: the host never holds a traffic key. The chip opens every
// record from the server (application data out, post-handshake messages
// handled inside, alerts reported) and seals every record to it, splitting
// at the server's record size limit and updating its own key before the
// AEAD usage limit (or every FirmwareConfig::tls_rekey_records records).
#pragma once

#include <cstdint>

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"
#include "common/bus/tls_messages.h"

namespace setls::chip {

// TlsRecordIn: whole records only; a partial one at the end is left (not
// consumed), and so is everything after a close_notify or a fatal alert.
Result<bus::TlsRecordInResponse> chip_records_in(TlsSession& s, ChipServices& chip, ByteView data);

// TlsSeal: application data (23), or one alert (21, two bytes) after which
// nothing more is sealed. `rekey_records` 0: update only near the AEAD limit.
Result<Bytes> chip_seal(TlsSession& s, uint8_t content_type, ByteView plaintext, uint64_t rekey_records);

// TlsKeyUpdate: the KeyUpdate record under the current key, then the next key.
Result<bus::TlsKeyUpdateResponse> chip_key_update(TlsSession& s, bool request_peer_update);

}  // namespace setls::chip
