// The recommended server configurations (docs/server-config.md) hold what
// they promise, checked with openssl s_client against the real servers:
// TLS 1.2/1.3 with ECDHE-ECDSA AEAD suites on P-256/P-384 connect; CBC,
// ChaCha20, TLS 1.1 and X25519 are refused; a client certificate from
// another CA gets nothing done.
#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

struct ServerPolicy : TunnelTest, ::testing::WithParamInterface<std::string> {
  RunningServer server;
  void SetUp() override {
    TunnelTest::SetUp();
    write_client("client", pki.device_ca);
    CertSpec ca;
    ca.subject = "/CN=Other CA";
    ca.ca = true;
    TestCert other_ca = issue(ca, TestKey::ec(), nullptr);
    write_client("stranger", other_ca);
    server = GetParam() == "mosquitto" ? start_mosquitto(dir) : start_nginx(dir);
  }
  void write_client(const std::string& name, const TestCert& ca) {
    TestKey key = TestKey::ec();
    CertSpec spec;
    spec.subject = "/CN=" + name;
    spec.eku = "clientAuth";
    TestCert cert = issue(spec, key, &ca);
    write_text(dir.file(name + ".crt"), cert.pem);
    write_text(dir.file(name + ".key"), key.private_pem());
  }
  // What s_client negotiated ("TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), or "refused".
  std::string probe(std::vector<std::string> options, const std::string& client = "client") {
    std::vector<std::string> argv = {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port),
                                     "-servername", "localhost", "-CAfile", dir.file("root.crt"), "-cert",
                                     dir.file(client + ".crt"), "-key", dir.file(client + ".key")};
    argv.insert(argv.end(), options.begin(), options.end());
    RunResult r = run(argv, "", 20s);
    size_t at = r.out.find("\nNew, ");
    if (at == std::string::npos || r.out.compare(at + 6, 6, "(NONE)") == 0) return "refused";
    return r.out.substr(at + 6, r.out.find('\n', at + 1) - at - 6);
  }
};

TEST_P(ServerPolicy, AcceptsOnlyTheRecommendedParameters) {
  EXPECT_EQ(probe({"-tls1_3"}), "TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(probe({"-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384", "-groups", "P-384"}),
            "TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(probe({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}),
            "TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(probe({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"}), "refused");
  EXPECT_EQ(probe({"-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"}), "refused");
  EXPECT_EQ(probe({"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"}), "refused");
  EXPECT_EQ(probe({"-tls1_3", "-groups", "X25519"}), "refused");
  EXPECT_EQ(probe({"-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"}), "refused");
}

TEST_P(ServerPolicy, RefusesAClientCertificateFromAnotherCa) {
  // nginx finishes the handshake and answers 400; mosquitto drops the client.
  std::string port = std::to_string(server.port);
  for (const std::string client : {"client", "stranger"}) {
    std::vector<std::string> tls = {dir.file(client + ".crt"), dir.file(client + ".key")};
    bool admitted = false;
    if (GetParam() == "nginx") {
      RunResult r = run({"curl", "-sS", "--max-time", "20", "--cacert", dir.file("root.crt"), "--cert", tls[0],
                         "--key", tls[1], "--resolve", "localhost:" + port + ":127.0.0.1",
                         "https://localhost:" + port + "/readings", "-d", "{}", "-w", "%{http_code}"},
                        "", 30s);
      admitted = r.out.size() >= 3 && r.out.compare(r.out.size() - 3, 3, "201") == 0;
    } else {
      RunResult r = run({"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "--cafile", dir.file("root.crt"), "--cert",
                         tls[0], "--key", tls[1], "-t", "policy", "-m", "x", "-q", "1"},
                        "", 30s);
      admitted = r.exit_code == 0;
    }
    EXPECT_EQ(admitted, client == "client") << client;
  }
}

std::string server_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "mosquitto" ? "Mosquitto" : "Nginx";
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerPolicy, ::testing::Values("mosquitto", "nginx"), server_name);

}  // namespace
}  // namespace setls::test
