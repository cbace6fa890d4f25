#include "examples/sensor-device/https_uploader.h"

#include <cstdlib>

#include "common/tls/cipher_suite.h"

namespace sensor_device {

using setls::Bytes;

namespace {

// Headers end and the body is complete (by Content-Length)?
bool response_complete(const std::string& r) {
  size_t end = r.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t at = r.find("Content-Length:");
  if (at == std::string::npos || at > end) return true;
  long length = std::strtol(r.c_str() + at + 15, nullptr, 10);
  return length >= 0 && r.size() >= end + 4 + static_cast<size_t>(length);
}

}  // namespace

setls::Result<int> HttpsUploader::post(const std::string& json) {
  setls::host::ClientConfig config;
  config.server_name = server_name_;
  auto tls = setls::host::Client::connect(chip_, host_, port_, config, std::chrono::seconds(20));
  if (!tls) return tls.error();
  const auto& s = (*tls)->summary();
  last_tls_ = std::string(s.version == setls::tls::kTls13 ? "TLS 1.3 " : "TLS 1.2 ") +
              setls::tls::suite_name(s.suite) +
              ((s.flags & setls::bus::TlsSummary::kClientAuthenticated) ? ", client certificate sent" : "");

  std::string request = "POST " + path_ + " HTTP/1.1\r\nHost: " + server_name_ +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
                        "\r\nConnection: close\r\n\r\n" + json;
  SETLS_TRY((*tls)->write(setls::ByteView(reinterpret_cast<const uint8_t*>(request.data()), request.size())));
  std::string response;
  while (!response_complete(response)) {
    if (response.size() > 16384) break;  // not the short answer we expect
    SETLS_TRY_ASSIGN(Bytes chunk, (*tls)->read(std::chrono::seconds(20)));
    if (chunk.empty()) break;  // the server closed
    response.append(chunk.begin(), chunk.end());
  }
  (void)(*tls)->close();
  // "HTTP/1.1 201 Created"
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

}  // namespace sensor_device
