// A TLS key log (NSS format, as openssl s_server -keylogfile writes it) and
// the key material a traffic secret yields: what the key-exposure tests
// look for on the bus and in the host's memory.
#pragma once

#include <string>
#include <vector>

#include "common/bytes/bytes.h"
#include "common/tls/cipher_suite.h"

namespace setls::test {

struct LoggedSecret {
  std::string label;  // CLIENT_TRAFFIC_SECRET_0, SERVER_HANDSHAKE_TRAFFIC_SECRET, …
  Bytes secret;
};

std::vector<LoggedSecret> read_keylog(const std::string& path);

// The secret itself, and the record key and IV derived from it.
std::vector<Bytes> sensitive_bytes(const LoggedSecret& s, const tls::SuiteInfo& suite);

// Adds the next generation of every application traffic secret (what a
// KeyUpdate installs, RFC 8446 §7.2): OpenSSL logs only the first.
void add_next_generation(std::vector<LoggedSecret>& secrets, const tls::SuiteInfo& suite);

}  // namespace setls::test
