#include "tests/support/tls_servers.h"

#include <gtest/gtest.h>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/server_config.h"

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

// The values for examples/server-config/*.in: the PKI files
// write_server_files wrote, logs and state in `dir`.
std::map<std::string, std::string> config_values(const TempDir& dir, int port) {
  const passwd* me = getpwuid(geteuid());
  return {{"DIR", dir.path()},
          {"PORT", std::to_string(port)},
          {"SERVER_CHAIN", dir.file("server.crt")},
          {"SERVER_KEY", dir.file("server.key")},
          {"DEVICE_CA", dir.file("device-ca.crt")},
          {"RUN_AS", me != nullptr ? me->pw_name : "root"}};
}

// `text` with its one `from` replaced by `to`; a template that no longer
// has `from` fails the test rather than silently serving TLS 1.3.
std::string narrowed(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the server template no longer contains: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
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
  // s_server takes one protocol flag: one in `extra` replaces -tls1_3.
  for (const auto& a : extra) {
    auto tls13 = std::find(argv.begin(), argv.end(), "-tls1_3");
    if ((a == "-tls1" || a == "-tls1_1" || a == "-tls1_2") && tls13 != argv.end()) argv.erase(tls13);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  return launch(dir, "s_server", argv, port);
}

RunningServer start_openssl_server12(const TempDir& dir, std::vector<std::string> extra, bool require_client_cert) {
  int port = free_port();
  std::vector<std::string> argv = {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                                   "-cert", dir.file("server.crt"), "-key", dir.file("server.key"),
                                   "-cert_chain", dir.file("intermediate.crt"),
                                   "-CAfile", dir.file("device-ca.crt"),
                                   "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                              "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM:ECDHE-ECDSA-AES128-CCM8",
                                   "-groups", "P-256:P-384", "-ign_eof"};
  if (require_client_cert) argv.insert(argv.end(), {"-Verify", "1", "-verify_return_error"});
  bool has_mode = false, has_version = false;
  for (const auto& a : extra) {
    has_mode = has_mode || a == "-www" || a == "-WWW" || a == "-HTTP" || a == "-rev";
    // s_server takes one protocol flag only ("Cannot supply multiple protocol flags").
    has_version = has_version || a == "-tls1" || a == "-tls1_1" || a == "-tls1_3";
  }
  if (!has_mode) argv.push_back("-rev");
  if (!has_version) argv.push_back("-tls1_2");
  argv.insert(argv.end(), extra.begin(), extra.end());
  return launch(dir, "s_server12", argv, port);
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

namespace {

// The recommended configurations, or the same narrowed to TLS 1.2 only.
RunningServer launch_mosquitto(const TempDir& dir, int port, bool tls12_only) {
  if (port == 0) port = free_port();
  std::string name = tls12_only ? "mosquitto12" : "mosquitto";
  auto values = config_values(dir, port);
  std::string conf = dir.file(name + "-" + std::to_string(port) + ".conf");
  std::string openssl_conf = dir.file(tls12_only ? "openssl-server12.cnf" : "openssl-server.cnf");
  std::string openssl = render_server_config("openssl-server.cnf", values);
  if (tls12_only) openssl = narrowed(openssl, "MaxProtocol = TLSv1.3", "MaxProtocol = TLSv1.2");
  write_text(conf, render_server_config("mosquitto.conf", values));
  write_text(openssl_conf, openssl);
  // mosquitto has no option for the protocol range or the groups: OpenSSL's own configuration sets them.
  return launch(dir, name, {"env", "OPENSSL_CONF=" + openssl_conf, "mosquitto", "-c", conf}, port);
}

RunningServer launch_nginx(const TempDir& dir, int port, bool tls12_only) {
  if (port == 0) port = free_port();
  std::string name = tls12_only ? "nginx12" : "nginx";
  std::string conf = dir.file(name + "-" + std::to_string(port) + ".conf");
  std::string text = render_server_config("nginx.conf", config_values(dir, port));
  if (tls12_only) text = narrowed(text, "ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1.2;");
  write_text(conf, text);
  return launch(dir, name, {"nginx", "-p", dir.path(), "-c", conf, "-g", "daemon off; master_process off;"}, port);
}

}  // namespace

RunningServer start_mosquitto(const TempDir& dir, int port) { return launch_mosquitto(dir, port, false); }
RunningServer start_nginx(const TempDir& dir, int port) { return launch_nginx(dir, port, false); }
RunningServer start_mosquitto_tls12(const TempDir& dir, int port) { return launch_mosquitto(dir, port, true); }
RunningServer start_nginx_tls12(const TempDir& dir, int port) { return launch_nginx(dir, port, true); }

}  // namespace setls::test
