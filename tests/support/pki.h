// Test PKIs built with libcrypto: keys, CA and leaf certificates with the
// extensions a case needs, written as PEM files for real servers to load.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace setls::test {

class TestKey {
 public:
  static TestKey ec(Curve curve = Curve::P256);
  static TestKey rsa(int bits = 2048);
  // Any EC group libcrypto knows: "P-521", "P-192", …
  static TestKey ec_group(const char* group);
  // A key that lives elsewhere (a chip's public key, from its SPKI).
  static TestKey public_only(ByteView spki);
  TestKey() = default;
  EVP_PKEY* get() const { return pkey_.get(); }
  std::string private_pem() const;
  std::string public_pem() const;
  Bytes spki() const;

 private:
  struct Free {
    void operator()(EVP_PKEY* p) const;
  };
  std::shared_ptr<EVP_PKEY> pkey_;
};

struct CertSpec {
  std::string subject = "/CN=test";  // "/CN=…/O=…"
  bool ca = false;
  int path_len = -1;                  // -1: no pathLenConstraint
  std::vector<std::string> dns;       // subjectAltName DNS names
  std::vector<std::string> ips;       // subjectAltName IP addresses
  std::string eku;                    // "serverAuth", "clientAuth", "serverAuth,clientAuth", "" = none
  std::string key_usage;              // "" = default for CA / leaf, "none" = omit
  std::vector<std::string> extra;     // more extensions in openssl config syntax: "nameConstraints=…"
  long not_before = -3600;            // seconds from now
  long not_after = 30L * 24 * 3600;   // seconds from now
  int version = 3;                    // 1 for an X.509 v1 certificate (no extensions)
  const char* digest = "SHA256";      // signature hash: "SHA1", "SHA256", "SHA384"
  long serial = 0;                    // 0: random
  bool basic_constraints_critical = true;
  bool subject_key_id = true;         // false: omit the subjectKeyIdentifier
};

struct TestCert {
  std::shared_ptr<X509> cert;
  TestKey key;  // the subject's key (public-only for chip keys)
  Bytes der;
  std::string pem;
};

// Issues a certificate for `key` signed by `issuer` (nullptr: self-signed by `key`).
TestCert issue(const CertSpec& spec, const TestKey& key, const TestCert* issuer);
// Issues a certificate for the key in a PKCS#10 request (DER or PEM).
TestCert issue_for_csr(const CertSpec& spec, ByteView csr, const TestCert& issuer);

// The usual PKI of the tests: root → intermediate → server (localhost,
// 127.0.0.1, ::1) and the device CA that signs device certificates.
struct TestPki {
  TestCert root;
  TestCert intermediate;
  TestCert server;
  TestCert device_ca;  // signs device (client) certificates; a root of its own
  TestKey admin_key;
  TestKey firmware_key;

  static TestPki create(Curve curve = Curve::P256);
  // server.crt (leaf + intermediate), server.key, root.crt, device-ca.crt, admin.key, firmware.key
  void write(const std::string& dir) const;
};

void write_text(const std::string& path, const std::string& text);

}  // namespace setls::test
