#include "tests/support/pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <stdexcept>

namespace setls::test {

namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<size_t>(len));
  BIO_free(bio);
  return s;
}

X509_NAME* parse_name(const std::string& subject) {
  X509_NAME* name = X509_NAME_new();
  size_t pos = 1;
  while (pos < subject.size()) {
    size_t next = subject.find('/', pos);
    std::string part = subject.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    size_t eq = part.find('=');
    require(eq != std::string::npos, "bad subject");
    X509_NAME_add_entry_by_txt(name, part.substr(0, eq).c_str(), MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(part.c_str() + eq + 1), -1, -1, 0);
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return name;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  require(ext != nullptr, "bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void add_ext_text(X509* cert, X509* issuer, const std::string& line) {
  size_t eq = line.find('=');
  require(eq != std::string::npos, "bad extra extension");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf(nullptr, &ctx, line.substr(0, eq).c_str(), line.substr(eq + 1).c_str());
  require(ext != nullptr, "bad extra extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

TestCert finish(X509* cert, const TestKey& key) {
  TestCert out;
  out.cert.reset(cert, X509_free);
  out.key = key;
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  out.der.assign(der, der + len);
  OPENSSL_free(der);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  out.pem = bio_string(bio);
  return out;
}

TestCert build(const CertSpec& spec, const TestKey& key, EVP_PKEY* subject_pub, const TestCert* issuer) {
  X509* cert = X509_new();
  X509_set_version(cert, spec.version - 1);
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  long serial_value = spec.serial;
  if (serial_value == 0) {
    RAND_bytes(reinterpret_cast<unsigned char*>(&serial_value), sizeof serial_value);
    serial_value = (serial_value & 0x3FFFFFFFFFFFFFFFL) | 1;
  }
  ASN1_INTEGER_set_int64(serial, serial_value);
  X509_set_serialNumber(cert, serial);
  ASN1_INTEGER_free(serial);
  X509_NAME* name = parse_name(spec.subject);
  X509_set_subject_name(cert, name);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer->cert.get()) : name);
  X509_NAME_free(name);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert), spec.not_after);
  X509_set_pubkey(cert, subject_pub);

  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  if (spec.version == 3) {
    std::string critical = spec.basic_constraints_critical ? "critical," : "";
    add_ext(cert, issuer_cert, NID_basic_constraints,
            critical + (spec.ca ? (spec.path_len >= 0 ? "CA:TRUE,pathlen:" + std::to_string(spec.path_len)
                                                      : std::string("CA:TRUE"))
                                : "CA:FALSE"));
    std::string ku = spec.key_usage;
    if (ku.empty()) ku = spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature";
    if (ku != "none") add_ext(cert, issuer_cert, NID_key_usage, ku);
    if (!spec.eku.empty()) add_ext(cert, issuer_cert, NID_ext_key_usage, spec.eku);
    std::string san;
    for (const auto& d : spec.dns) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
    for (const auto& ip : spec.ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    if (!san.empty()) add_ext(cert, issuer_cert, NID_subject_alt_name, san);
    if (spec.subject_key_id) add_ext(cert, issuer_cert, NID_subject_key_identifier, "hash");
    if (issuer)  // an issuer without a subjectKeyIdentifier can only be named by issuer and serial
      add_ext(cert, issuer_cert, NID_authority_key_identifier,
              X509_get0_subject_key_id(issuer_cert) != nullptr ? "keyid:always" : "issuer:always");
    for (const auto& line : spec.extra) add_ext_text(cert, issuer_cert, line);
  }
  const TestKey& signer = issuer ? issuer->key : key;
  require(X509_sign(cert, signer.get(), EVP_get_digestbyname(spec.digest)) > 0, "signing failed");
  return finish(cert, key);
}

}  // namespace

void TestKey::Free::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

TestKey TestKey::ec(Curve curve) {
  TestKey k;
  k.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve == Curve::P256 ? "P-256" : "P-384"), Free{});
  require(k.pkey_ != nullptr, "EC keygen");
  return k;
}

TestKey TestKey::rsa(int bits) {
  TestKey k;
  k.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), Free{});
  require(k.pkey_ != nullptr, "RSA keygen");
  return k;
}

TestKey TestKey::ec_group(const char* group) {
  TestKey k;
  k.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group), Free{});
  require(k.pkey_ != nullptr, "EC keygen");
  return k;
}

TestKey TestKey::public_only(ByteView spki) {
  TestKey k;
  const unsigned char* p = spki.data();
  k.pkey_.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), Free{});
  require(k.pkey_ != nullptr, "SPKI");
  return k;
}

std::string TestKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_string(bio);
}

std::string TestKey::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, pkey_.get());
  return bio_string(bio);
}

Bytes TestKey::spki() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

TestCert issue(const CertSpec& spec, const TestKey& key, const TestCert* issuer) {
  return build(spec, key, key.get(), issuer);
}

TestCert issue_for_csr(const CertSpec& spec, ByteView csr, const TestCert& issuer) {
  X509_REQ* req = nullptr;
  const unsigned char* p = csr.data();
  req = d2i_X509_REQ(nullptr, &p, static_cast<long>(csr.size()));
  if (req == nullptr) {
    BIO* bio = BIO_new_mem_buf(csr.data(), static_cast<int>(csr.size()));
    req = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  require(req != nullptr, "CSR");
  EVP_PKEY* pub = X509_REQ_get_pubkey(req);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pub, &der);
  TestKey key = TestKey::public_only(ByteView(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  TestCert out = build(spec, key, pub, &issuer);
  EVP_PKEY_free(pub);
  X509_REQ_free(req);
  return out;
}

TestPki TestPki::create(Curve curve) {
  TestPki pki;
  pki.root = issue({.subject = "/CN=setls test root/O=setls tests", .ca = true}, TestKey::ec(curve), nullptr);
  pki.intermediate =
      issue({.subject = "/CN=setls test intermediate/O=setls tests", .ca = true, .path_len = 0}, TestKey::ec(curve),
            &pki.root);
  pki.server = issue({.subject = "/CN=localhost/O=setls tests",
                      .dns = {"localhost"},
                      .ips = {"127.0.0.1", "::1"},
                      .eku = "serverAuth"},
                     TestKey::ec(curve), &pki.intermediate);
  pki.device_ca = issue({.subject = "/CN=setls test device CA/O=setls tests", .ca = true}, TestKey::ec(curve), nullptr);
  pki.admin_key = TestKey::ec(curve);
  pki.firmware_key = TestKey::ec(curve);
  return pki;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  require(static_cast<bool>(out), "writing a PKI file");
}

void TestPki::write(const std::string& dir) const {
  write_text(dir + "/server.crt", server.pem + intermediate.pem);
  write_text(dir + "/server.key", server.key.private_pem());
  write_text(dir + "/root.crt", root.pem);
  write_text(dir + "/device-ca.crt", device_ca.pem);
  write_text(dir + "/admin.key", admin_key.private_pem());
  write_text(dir + "/firmware.key", firmware_key.private_pem());
}

}  // namespace setls::test
