// Reading and writing the files operators hand to the CLI: certificates and
// keys in PEM or DER, subjects in "/CN=…/O=…" form.
#pragma once

#include <string>
#include <vector>

#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/result.h"

namespace setls::cli {

Result<Bytes> read_file(const std::string& path);
Outcome write_file(const std::string& path, ByteView data);
// Every certificate in a PEM file (or the one in a DER file), as DER.
Result<std::vector<Bytes>> read_certificates(const std::string& path);
// A public key as SubjectPublicKeyInfo DER, from a PEM/DER public key, a
// private key (its public half) or a certificate.
Result<Bytes> read_public_key(const std::string& path);
// An EC private key (PEM, PKCS#8 or SEC1) for offline signing.
Result<EcKey> read_private_key(const std::string& path);
// Parses "1700000000" or "2026-11-24T12:00:00Z" as UNIX seconds.
Result<uint64_t> parse_time(const std::string& text);
// "/CN=device-0001/O=Example" as a DER Name.
Result<Bytes> subject_to_der(const std::string& subject);
std::string to_pem(const char* label, ByteView der);

}  // namespace setls::cli
