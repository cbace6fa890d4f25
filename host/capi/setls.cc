// The C API over host::Client. Every entry point catches what C++ could
// throw (allocation failure) so that nothing unwinds into C code.
#include "host/capi/setls.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <cstring>
#include <memory>
#include <new>

#include "common/tls/cipher_suite.h"
#include "host/driver/pairing.h"
#include "host/tls/client.h"

struct setls_chip {
  std::unique_ptr<setls::host::ChipDriver> driver;
};

struct setls_conn {
  std::unique_ptr<setls::host::Client> client;
};

namespace {

using setls::Status;

int negative(Status s) { return -static_cast<int>(s); }
int negative(const setls::Error& e) { return negative(e.status); }

Status status_of(int code) { return static_cast<Status>(code < 0 ? -code : code); }

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return negative(Status::Internal);
  }
}

// The C configuration as the C++ one, and the handshake timeout.
std::pair<setls::host::ClientConfig, std::chrono::milliseconds> client_config(const setls_config* config,
                                                                             const char* host) {
  setls::host::ClientConfig cfg;
  unsigned timeout_ms = 30000;
  cfg.server_name = host;
  if (config != nullptr) {
    if (config->server_name != nullptr) cfg.server_name = config->server_name;
    for (size_t i = 0; i < config->alpn_count; ++i)
      if (config->alpn != nullptr && config->alpn[i] != nullptr) cfg.alpn.emplace_back(config->alpn[i]);
    cfg.record_mode =
        config->record_mode == SETLS_RECORDS_HOST ? setls::bus::RecordMode::Host : setls::bus::RecordMode::Chip;
    if (config->receive_buffer != 0) cfg.receive_buffer = config->receive_buffer;
    if (config->timeout_ms != 0) timeout_ms = config->timeout_ms;
  }
  return {std::move(cfg), std::chrono::milliseconds(timeout_ms)};
}

unsigned clamp_ms(std::chrono::milliseconds t) {
  return static_cast<unsigned>(std::clamp<int64_t>(t.count(), 0, std::numeric_limits<unsigned>::max()));
}

// A callback's negative answer as an error: its timeout, or an IO error
// whose detail is the value it returned.
setls::Error io_failure(long rc) {
  if (rc == -SETLS_TIMEOUT) return {Status::Timeout, 0};
  return {Status::IoError, static_cast<uint32_t>(-rc)};
}

// The C callbacks as the C++ client's stream.
setls::host::StreamIo stream_of(const setls_io& c) {
  setls::host::StreamIo io;
  io.read = [c](std::span<uint8_t> buf, std::chrono::milliseconds timeout) -> setls::Result<size_t> {
    long rc = c.read(c.user, buf.data(), buf.size(), clamp_ms(timeout));
    if (rc < 0) return io_failure(rc);
    return static_cast<size_t>(rc);
  };
  io.write = [c](setls::ByteView data, std::chrono::milliseconds timeout) -> setls::Outcome {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t done = 0;
    while (done < data.size()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Status::Timeout;
      long rc = c.write(c.user, data.data() + done, data.size() - done, clamp_ms(left));
      if (rc < 0) return io_failure(rc);
      if (rc == 0 || static_cast<size_t>(rc) > data.size() - done) return Status::IoError;
      done += static_cast<size_t>(rc);
    }
    return {};
  };
  if (c.close != nullptr) io.close = [c] { c.close(c.user); };
  return io;
}

}  // namespace

extern "C" {

int setls_chip_open(const char* address, const char* pairing_file, setls_chip** out) {
  if (address == nullptr || out == nullptr) return negative(Status::BadArgument);
  *out = nullptr;
  return guarded([&]() -> int {
    auto driver = setls::host::ChipDriver::connect(address);
    if (!driver) return negative(driver.error());
    if (pairing_file != nullptr) {
      auto keys = setls::host::load_pairing(pairing_file);
      if (!keys) return negative(keys.error());
      auto opened = (*driver)->open_channel(keys->host_key, keys->chip_key);
      if (!opened) return negative(opened.error());
    }
    *out = new setls_chip{std::move(*driver)};
    return 0;
  });
}

void setls_chip_close(setls_chip* chip) { delete chip; }

int setls_connect(setls_chip* chip, const char* host, uint16_t port, const setls_config* config,
                  setls_conn** out) {
  if (chip == nullptr || host == nullptr || out == nullptr) return negative(Status::BadArgument);
  *out = nullptr;
  return guarded([&]() -> int {
    auto [cfg, timeout] = client_config(config, host);
    auto client = setls::host::Client::connect(*chip->driver, host, port, std::move(cfg), timeout);
    if (!client) return negative(client.error());
    *out = new setls_conn{std::move(*client)};
    return 0;
  });
}

int setls_connect_io(setls_chip* chip, const setls_io* io, const setls_config* config, setls_conn** out) {
  if (chip == nullptr || io == nullptr || io->read == nullptr || io->write == nullptr || config == nullptr ||
      config->server_name == nullptr || out == nullptr)
    return negative(Status::BadArgument);
  *out = nullptr;
  return guarded([&]() -> int {
    auto [cfg, timeout] = client_config(config, config->server_name);
    auto client = setls::host::Client::connect_io(*chip->driver, stream_of(*io), std::move(cfg), timeout);
    if (!client) return negative(client.error());
    *out = new setls_conn{std::move(*client)};
    return 0;
  });
}

long setls_write(setls_conn* conn, const void* data, size_t len) {
  if (conn == nullptr || (data == nullptr && len != 0)) return negative(Status::BadArgument);
  return guarded([&]() -> long {
    auto sent = conn->client->write(setls::ByteView(static_cast<const uint8_t*>(data), len));
    if (!sent) return negative(sent.error());
    return static_cast<long>(len);
  });
}

long setls_read(setls_conn* conn, void* buf, size_t len, unsigned timeout_ms) {
  if (conn == nullptr || (buf == nullptr && len != 0)) return negative(Status::BadArgument);
  if (len == 0) return 0;
  return guarded([&]() -> long {
    // Straight from the engine's buffer into the caller's.
    auto n = conn->client->read_some(std::span<uint8_t>(static_cast<uint8_t*>(buf), len),
                                     std::chrono::milliseconds(timeout_ms));
    if (!n) return negative(n.error());
    return static_cast<long>(*n);
  });
}

int setls_close(setls_conn* conn) {
  if (conn == nullptr) return 0;
  int rc = guarded([&]() -> int {
    auto closed = conn->client->close();
    return closed ? 0 : negative(closed.error());
  });
  delete conn;
  return rc;
}

const char* setls_version(const setls_conn* conn) {
  uint16_t v = conn->client->summary().version;
  return v == setls::tls::kTls13 ? "TLS 1.3" : v == setls::tls::kTls12 ? "TLS 1.2" : "unknown";
}
const char* setls_cipher_suite(const setls_conn* conn) { return setls::tls::suite_name(conn->client->summary().suite); }
const char* setls_group(const setls_conn* conn) { return setls::tls::group_name(conn->client->summary().group); }
const char* setls_alpn(const setls_conn* conn) { return conn->client->summary().alpn.c_str(); }
int setls_client_authenticated(const setls_conn* conn) {
  return (conn->client->summary().flags & setls::bus::TlsSummary::kClientAuthenticated) ? 1 : 0;
}

const char* setls_status_message(int status) { return setls::status_message(status_of(status)); }
const char* setls_status_hint(int status) { return setls::status_hint(status_of(status)); }

}  // extern "C"
