// Small pieces the handshake and record code share: turning a traffic
// secret into record protection (inside the chip) or into a released key
// (host record mode: key and IV only, never the secret, so the host cannot
// derive the next key or forge a Finished), the KeyUpdate step, and the
// mapping of codec errors on server bytes to statuses that blame the server.
#pragma once

#include "common/bus/tls_messages.h"
#include "common/result.h"
#include "common/secure/secret.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/record_protection.h"

namespace setls::chip {

// Protection for one direction under `traffic_secret`, sequence 0.
Outcome install_keys(tls::RecordProtection& rp, const tls::SuiteInfo& suite, ByteView traffic_secret);
// write_key and write_iv of `traffic_secret`, sequence 0, for the host.
bus::TrafficKey release_keys(const tls::SuiteInfo& suite, ByteView traffic_secret);
// application_traffic_secret_N → N+1 (RFC 8446 §7.2); the old one is wiped.
void advance_secret(const tls::SuiteInfo& suite, Secret& traffic_secret);
// TLS 1.2 (RFC 5288 §3): one direction's write_key ‖ write_IV from the key
// block; the Finished takes sequence 0, application data starts at 1.
Outcome install_keys12(tls::RecordProtection& rp, const tls::SuiteInfo& suite, ByteView key_and_iv,
                       uint64_t sequence);
bus::TrafficKey release_keys12(const tls::SuiteInfo& suite, ByteView key_and_iv, uint64_t sequence);
// A KeyUpdate handshake message (header included).
Bytes key_update_message(bool request_update);

// A codec status (Tls*, host-side names) for bytes that came from the server,
// as the chip reports it (Server*).
Status server_fault(Status codec_status);

}  // namespace setls::chip
