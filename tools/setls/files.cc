#include "tools/setls/files.h"

#include "common/secure/secret.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <fstream>
#include <iterator>

namespace setls::cli {

Result<Bytes> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Status::IoError, 2};
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

Outcome write_file(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError;
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return Status::IoError;
  return {};
}

static bool looks_like_pem(ByteView data) {
  std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
  return s.find("-----BEGIN ") != std::string_view::npos;
}

Result<std::vector<Bytes>> read_certificates(const std::string& path) {
  auto data = read_file(path);
  if (!data) return data.error();
  std::vector<Bytes> out;
  if (!looks_like_pem(*data)) {
    out.push_back(std::move(*data));
    return out;
  }
  BIO* bio = BIO_new_mem_buf(data->data(), static_cast<int>(data->size()));
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len > 0) out.emplace_back(der, der + len);
    OPENSSL_free(der);
    X509_free(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  BIO_free(bio);
  if (out.empty()) return Status::BadCertificate;
  return out;
}

Result<Bytes> read_public_key(const std::string& path) {
  auto data = read_file(path);
  if (!data) return data.error();
  EVP_PKEY* key = nullptr;
  auto try_read = [&](auto reader) {
    if (key != nullptr) return;
    BIO* bio = BIO_new_mem_buf(data->data(), static_cast<int>(data->size()));
    key = reader(bio);
    BIO_free(bio);
  };
  try_read([](BIO* b) { return PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr); });
  try_read([](BIO* b) { return PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr); });
  try_read([](BIO* b) -> EVP_PKEY* {
    X509* cert = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    EVP_PKEY* k = cert ? X509_get_pubkey(cert) : nullptr;
    X509_free(cert);
    return k;
  });
  try_read([](BIO* b) { return d2i_PUBKEY_bio(b, nullptr); });
  ERR_clear_error();
  if (key == nullptr) return Status::BadPublicKey;
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  Bytes out;
  if (len > 0) out.assign(der, der + len);
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  if (out.empty()) return Status::BadPublicKey;
  return out;
}

Result<EcKey> read_private_key(const std::string& path) {
  auto data = read_file(path);
  if (!data) return data.error();
  BIO* bio = BIO_new_mem_buf(data->data(), static_cast<int>(data->size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  wipe(data->data(), data->size());
  if (pkey == nullptr) return Status::BadArgument;
  EcKey key(pkey);
  if (!key.valid() || !EcKey::from_pkey(pkey)) return Status::UnsupportedCurve;
  return key;
}

Result<uint64_t> parse_time(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return std::stoull(text);
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return Status::BadArgument;
  return static_cast<uint64_t>(timegm(&tm));
}

Result<Bytes> subject_to_der(const std::string& subject) {
  if (subject.empty() || subject[0] != '/') return Status::BadSubject;
  X509_NAME* name = X509_NAME_new();
  size_t pos = 1;
  bool ok = true;
  while (ok && pos < subject.size()) {
    // Components are separated by '/', and "\/" is a literal slash.
    std::string component;
    for (; pos < subject.size(); ++pos) {
      if (subject[pos] == '\\' && pos + 1 < subject.size()) {
        component += subject[++pos];
      } else if (subject[pos] == '/') {
        ++pos;
        break;
      } else {
        component += subject[pos];
      }
    }
    size_t eq = component.find('=');
    ok = eq != std::string::npos && eq > 0 && eq + 1 < component.size() &&
         X509_NAME_add_entry_by_txt(name, component.substr(0, eq).c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(component.c_str() + eq + 1), -1, -1,
                                    0) == 1;
  }
  Bytes out;
  if (ok && X509_NAME_entry_count(name) > 0) {
    unsigned char* der = nullptr;
    int len = i2d_X509_NAME(name, &der);
    if (len > 0) out.assign(der, der + len);
    OPENSSL_free(der);
  }
  X509_NAME_free(name);
  ERR_clear_error();
  if (out.empty()) return Status::BadSubject;
  return out;
}

std::string to_pem(const char* label, ByteView der) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio(bio, label, "", der.data(), static_cast<long>(der.size()));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len > 0 ? len : 0));
  BIO_free(bio);
  return out;
}

}  // namespace setls::cli
