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
// `port` 0 picks a free one; another value restarts a server where it was.
RunningServer start_openssl_server(const TempDir& dir, std::vector<std::string> extra = {},
                                   bool require_client_cert = true, int port = 0);

// openssl s_server speaking TLS 1.2 only, with setls's five ECDHE-ECDSA
// AEAD suites and P-256/P-384, otherwise as start_openssl_server. Options in
// `extra` come last and win (-cipher …, -groups …, -sigalgs …); a protocol
// flag there (-tls1_1) replaces -tls1_2.
RunningServer start_openssl_server12(const TempDir& dir, std::vector<std::string> extra = {},
                                     bool require_client_cert = true);

// gnutls-serv, TLS 1.3 with our suites and groups, echoing (--echo).
// It serves many connections at once (a select loop), unlike s_server.
RunningServer start_gnutls_server(const TempDir& dir, std::vector<std::string> extra = {},
                                  bool require_client_cert = true, int port = 0);

// mosquitto 2.0 with the recommended configuration
// (examples/server-config/mosquitto.conf.in and openssl-server.cnf.in, see
// docs/server-config.md): TLS 1.2/1.3, ECDHE-ECDSA AEAD suites, a client
// certificate from the device CA whose CN becomes the user name.
RunningServer start_mosquitto(const TempDir& dir, int port = 0);

// nginx (foreground, private prefix in `dir`) with the recommended
// configuration (examples/server-config/nginx.conf.in): the same TLS policy,
// the files in `dir`/www, and POST /readings logged as JSON lines in
// `dir`/readings.log. Its access log (`dir`/nginx-access.log) names each
// request's client certificate subject and TLS version.
RunningServer start_nginx(const TempDir& dir, int port = 0);

// The same two recommended configurations narrowed to TLS 1.2 — what a
// cloud that has not moved to 1.3 runs: nginx with `ssl_protocols TLSv1.2`,
// mosquitto with MaxProtocol = TLSv1.2 in its OPENSSL_CONF (its own
// `tls_version tlsv1.2` would still accept 1.3, ../shared/design/PEERS.md).
// Client certificates stay required.
RunningServer start_nginx_tls12(const TempDir& dir, int port = 0);
RunningServer start_mosquitto_tls12(const TempDir& dir, int port = 0);

}  // namespace setls::test
