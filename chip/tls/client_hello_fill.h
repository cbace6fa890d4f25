// The host builds the ClientHello with the codec; the chip never trusts it.
// It parses the host's *template*, checks every offer against its policy and
// the session (suites, groups, key shares, signature schemes, version, SNI,
// PSK mode, the ticket), then fills in what only the chip may choose — the
// random, the legacy session id, the ECDHE key shares, the ticket age and
// the PSK binder — and hashes the final message into the transcript. What
// was offered is remembered in TlsSession::offer to judge the server.
//
// The template is the final message with those fields zeroed at their exact
// sizes (docs/bus-protocol.md, TLS_START), so filling never moves a byte.
#pragma once

#include <cstdint>

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"
#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::chip {

// TlsStart: the first ClientHello. `resume_id` names a ticket cache entry
// whose ticket the template offers as its only PSK identity (0: none); the
// entry is taken out of the cache (a ticket is used once). On error the
// session and the ticket cache are unchanged.
Result<Bytes> fill_first_client_hello(TlsSession& s, ChipServices& chip, uint16_t resume_id, ByteView hello_template);

// TlsRetry: the second ClientHello after a HelloRetryRequest, which may
// differ from the first only as RFC 8446 §4.1.2 allows: one key share for the
// requested group, the cookie echoed, the PSK dropped or re-bound, padding.
Result<Bytes> fill_retry_client_hello(TlsSession& s, ByteView hello_template);

}  // namespace setls::chip
