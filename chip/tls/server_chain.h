// The server's certificate chain, judged the same way in TLS 1.3 and 1.2
// (invariant 3): verified against the stored trust anchors for the name the
// session was opened for, at the host's time. Only the leaf key of a chain
// that verified is kept (TlsSession::server_key): it alone may check the
// server's CertificateVerify or ServerKeyExchange.
#pragma once

#include <vector>

#include "chip/tls/chip_services.h"
#include "chip/tls/session.h"

namespace setls::chip {

// `presented`: leaf first, as the server sent them (at most
// x509::kMaxPresentedCertificates, else ChainTooLong).
Outcome accept_server_chain(TlsSession& s, ChipServices& chip, const std::vector<ByteView>& presented);

}  // namespace setls::chip
