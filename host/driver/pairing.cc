#include "host/driver/pairing.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "common/secure/secret.h"

namespace setls::host {

Result<Pairing> load_pairing(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{Status::IoError, 2};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  EVP_PKEY* host = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  EVP_PKEY* chip = host ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  wipe(text.data(), text.size());
  ERR_clear_error();
  Pairing p{EcKey(host), EcKey(chip)};
  if (!p.host_key.valid() || !p.chip_key.valid() || !EcKey::from_pkey(host) || !EcKey::from_pkey(chip))
    return Status::BadPublicKey;
  return p;
}

Outcome save_pairing(const std::string& path, const EcKey& host_key, ByteView chip_spki) {
  auto chip = EcKey::from_spki_der(chip_spki);
  if (!chip) return chip.error();
  BIO* bio = BIO_new(BIO_s_mem());
  bool ok = PEM_write_bio_PrivateKey(bio, host_key.pkey(), nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
            PEM_write_bio_PUBKEY(bio, chip->pkey()) == 1;
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  int fd = ok ? ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
  ok = fd >= 0 && ::write(fd, data, static_cast<size_t>(len)) == len && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (data != nullptr && len > 0) wipe(data, static_cast<size_t>(len));
  BIO_free(bio);
  if (!ok) return Status::IoError;
  return {};
}

}  // namespace setls::host
