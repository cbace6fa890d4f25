// Reading and writing the files operators hand to the CLI: certificates and
// keys in PEM or DER, subjects in "/CN=…/O=…" form.
#pragma once

#include <string>
#include <vector>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::cli {

Result<Bytes> read_file(const std::string& path);
Outcome write_file(const std::string& path, ByteView data);
// Every certificate in a PEM file (or the one in a DER file), as DER.
Result<std::vector<Bytes>> read_certificates(const std::string& path);
// A public key as SubjectPublicKeyInfo DER, from a PEM/DER public key, a
// private key (its public half) or a certificate.
Result<Bytes> read_public_key(const std::string& path);
// "/CN=device-0001/O=Example" as a DER Name.
Result<Bytes> subject_to_der(const std::string& subject);
std::string to_pem(const char* label, ByteView der);

}  // namespace setls::cli
