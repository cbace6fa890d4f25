// The envelope shared by every signed object (admin authorizations, firmware
// manifests, attestation statements): a body and an ECDSA signature over a
// domain-separated message, so that a signature made for one kind of object
// can never be replayed as another.
//
//   signed message = "setls/<kind>/v1" ‖ 0x00 ‖ body
//   object         = body ‖ vec16(DER ECDSA signature)
#pragma once

#include <string_view>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/crypto/ec.h"

namespace setls::signed_object {

enum class Kind { AdminAuthorization, FirmwareManifest, Attestation, ChannelChip, ChannelHost };

// The exact bytes that are signed for `body`.
Bytes message_to_sign(Kind kind, ByteView body);
// body ‖ vec16(signature) with the key's own hash (P-256/SHA-256, P-384/SHA-384).
Result<Bytes> sign(Kind kind, const EcKey& key, ByteView body);
// Reads the trailing vec16 signature after a body parsed from `r`; the body
// is everything `r` consumed before it.
bool read_signature(Reader& r, ByteView& body, ByteView& signature);
bool verify(Kind kind, const EcKey& key, ByteView body, ByteView signature);

}  // namespace setls::signed_object
