// Real TLS servers for the acceptance tests, started on 127.0.0.1 and
// stopped by PID (../shared/design/PEERS.md says how each was seen to run).
#pragma once

#include <string>
#include <vector>

#include "tests/support/pki.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace setls::test {

struct RunningServer {
  Process process;
  int port = 0;
  std::string log;  // its stdout and stderr
  std::string log_text() const;
};

// The PKI's files in `dir`: server.crt (with the intermediate), server.key,
// root.crt, device-ca.crt.
void write_server_files(const TestPki& pki, const TempDir& dir);

// openssl s_server, TLS 1.3, requiring a client certificate from the device
// CA unless `extra` says otherwise, echoing lines reversed (-rev). `extra`
// adds or overrides options (-groups P-384, -ciphersuites …, -www …; a
// protocol flag such as -tls1 replaces -tls1_3).
RunningServer start_openssl_server(const TempDir& dir, std::vector<std::string> extra = {},
                                   bool require_client_cert = true);

// gnutls-serv, TLS 1.3 with our suites and groups, echoing (--echo).
RunningServer start_gnutls_server(const TempDir& dir, std::vector<std::string> extra = {},
                                  bool require_client_cert = true);

}  // namespace setls::test
