#include "tests/support/tls_servers.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace setls::test {

namespace {

RunningServer launch(const TempDir& dir, const std::string& name, std::vector<std::string> argv, int port) {
  RunningServer s;
  s.port = port;
  s.log = dir.file(name + "-" + std::to_string(port) + ".log");
  s.process = Process::start(argv, s.log);
  EXPECT_TRUE(wait_for_port(port, 20s)) << name << " did not start: " << s.log_text();
  return s;
}

}  // namespace

std::string RunningServer::log_text() const {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_server_files(const TestPki& pki, const TempDir& dir) {
  pki.write(dir.path());
  write_text(dir.file("intermediate.crt"), pki.intermediate.pem);
}

RunningServer start_openssl_server(const TempDir& dir, std::vector<std::string> extra, bool require_client_cert,
                                   int port) {
  if (port == 0) port = free_port();
  std::vector<std::string> argv = {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                                   "-cert", dir.file("server.crt"), "-key", dir.file("server.key"),
                                   // s_server sends only the first certificate of -cert.
                                   "-cert_chain", dir.file("intermediate.crt"),
                                   "-CAfile", dir.file("device-ca.crt"), "-tls1_3",
                                   "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256",
                                   "-groups", "P-256:P-384", "-ign_eof"};
  if (require_client_cert) {
    argv.insert(argv.end(), {"-Verify", "1", "-verify_return_error"});
  }
  bool has_mode = false;
  for (const auto& a : extra) has_mode = has_mode || a == "-www" || a == "-WWW" || a == "-HTTP" || a == "-rev";
  if (!has_mode) argv.push_back("-rev");
  argv.insert(argv.end(), extra.begin(), extra.end());
  return launch(dir, "s_server", argv, port);
}

RunningServer start_gnutls_server(const TempDir& dir, std::vector<std::string> extra, bool require_client_cert,
                                  int port) {
  if (port == 0) port = free_port();
  std::vector<std::string> argv = {
      "gnutls-serv", "-p", std::to_string(port), "--x509certfile", dir.file("server.crt"), "--x509keyfile",
      dir.file("server.key"), "--x509cafile", dir.file("device-ca.crt"), "--echo",
      "--priority",
      "NONE:+VERS-TLS1.3:+AES-128-GCM:+AES-256-GCM:+AES-128-CCM:+AEAD:+SHA256:+SHA384:+GROUP-SECP256R1:"
      "+GROUP-SECP384R1:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SECP384R1-SHA384:+ECDHE-ECDSA:+COMP-NULL"};
  if (require_client_cert) argv.push_back("--require-client-cert");
  argv.insert(argv.end(), extra.begin(), extra.end());
  return launch(dir, "gnutls-serv", argv, port);
}

RunningServer start_mosquitto(const TempDir& dir, int port) {
  if (port == 0) port = free_port();
  std::string conf = dir.file("mosquitto-" + std::to_string(port) + ".conf");
  std::string text = "listener " + std::to_string(port) + " 127.0.0.1\n" +
                     "cafile " + dir.file("device-ca.crt") + "\n" +
                     "certfile " + dir.file("server.crt") + "\n" +
                     "keyfile " + dir.file("server.key") + "\n" +
                     "require_certificate true\n"
                     "use_identity_as_username true\n"
                     "allow_anonymous false\n"
                     "tls_version tlsv1.3\n"
                     "persistence false\n"
                     "log_dest stderr\n"
                     "log_type all\n"
                     "connection_messages true\n";
  // As root it would drop to user mosquitto and fail to read the key.
  if (geteuid() == 0) text += "user root\n";
  write_text(conf, text);
  return launch(dir, "mosquitto", {"mosquitto", "-c", conf}, port);
}

RunningServer start_nginx(const TempDir& dir, int port) {
  if (port == 0) port = free_port();
  std::string d = dir.path();
  std::string conf = dir.file("nginx-" + std::to_string(port) + ".conf");
  write_text(conf, "error_log " + d + "/nginx-error.log;\n"
                   "pid " + d + "/nginx.pid;\n"
                   "events {}\n"
                   "http {\n"
                   "  log_format tls '$remote_addr \"$request\" $status $ssl_protocol \"$ssl_client_s_dn\"';\n"
                   "  access_log " + d + "/nginx-access.log tls;\n"
                   "  server {\n"
                   "    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n"
                   "    ssl_certificate " + d + "/server.crt;\n"
                   "    ssl_certificate_key " + d + "/server.key;\n"
                   "    ssl_client_certificate " + d + "/device-ca.crt;\n"
                   "    ssl_verify_client on;\n"
                   "    ssl_protocols TLSv1.3;\n"
                   "    ssl_ecdh_curve prime256v1:secp384r1;\n"
                   "    root " + d + "/www;\n"
                   "  }\n"
                   "}\n");
  return launch(dir, "nginx", {"nginx", "-p", d, "-c", conf, "-g", "daemon off; master_process off;"}, port);
}

}  // namespace setls::test
