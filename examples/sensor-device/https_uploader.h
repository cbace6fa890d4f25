// POSTs readings to the cloud's HTTPS endpoint through the native setls API
// (host::Client): the chip runs every handshake, verifies the server and
// signs with the device key; one TLS connection per reading (a device
// that sleeps between readings holds no session slot while it sleeps).
#pragma once

#include <cstdint>
#include <string>

#include "host/tls/client.h"

namespace sensor_device {

class HttpsUploader {
 public:
  HttpsUploader(setls::host::ChipDriver& chip, std::string host, uint16_t port, std::string server_name,
                std::string path)
      : chip_(chip), host_(std::move(host)), port_(port), server_name_(std::move(server_name)),
        path_(std::move(path)) {}

  // The HTTP status the server answered (e.g. 201; 0 if the answer was not
  // HTTP), or why the TLS connection failed.
  setls::Result<int> post(const std::string& json);
  // "TLS 1.3 TLS_AES_128_GCM_SHA256, client certificate sent" after a post.
  const std::string& last_tls() const { return last_tls_; }

 private:
  setls::host::ChipDriver& chip_;
  std::string host_;
  uint16_t port_;
  std::string server_name_;
  std::string path_;
  std::string last_tls_;
};

}  // namespace sensor_device
