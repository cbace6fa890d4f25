// What the suites against real servers (openssl s_server, gnutls-serv) share:
// a provisioned device with its chip, the server's files in a temporary
// directory, a client configuration per record mode (the test parameter),
// and reads bounded in count and time for the echoing servers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "host/tls/client.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {

inline constexpr uint16_t kP256 = 23, kP384 = 24;

inline std::string text(ByteView b) { return std::string(b.begin(), b.end()); }

inline std::string reversed_line(std::string line) {
  std::reverse(line.begin(), line.end());
  return line;
}

// Reads until `n` bytes arrived or the server closed (s_server -rev answers
// line by line).
inline std::string read_exactly(host::Client& c, size_t n) {
  std::string got;
  for (int i = 0; i < 10000 && got.size() < n; ++i) {
    auto data = c.read(std::chrono::seconds(20));
    if (!data) {
      ADD_FAILURE() << "read: " << describe(data.error());
      break;
    }
    if (data->empty()) break;
    got += text(*data);
  }
  return got;
}

// Writes `data` and reads until as many bytes came back (gnutls-serv --echo).
inline std::string echo_all(host::Client& c, const std::string& data) {
  EXPECT_TRUE(c.write(as_bytes(data)).ok());
  std::string got;
  for (int i = 0; i < 10000 && got.size() < data.size(); ++i) {
    auto more = c.read(std::chrono::seconds(20));
    if (!more || more->empty()) {
      ADD_FAILURE() << (more ? "closed" : describe(more.error()));
      break;
    }
    got.append(more->begin(), more->end());
  }
  return got;
}

struct RealServerTest : ::testing::TestWithParam<bus::RecordMode> {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();

  void SetUp() override { write_server_files(device.pki, dir); }

  host::ClientConfig config() {
    host::ClientConfig c;
    c.server_name = "localhost";
    c.record_mode = GetParam();
    return c;
  }

  std::unique_ptr<host::Client> connect(const RunningServer& server, host::ClientConfig c) {
    auto client = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), std::move(c));
    EXPECT_TRUE(client.ok()) << describe(client.error()) << "\nserver log:\n" << server.log_text();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // The connection the chip refuses, and why.
  Error refused(const RunningServer& server, host::ClientConfig c) {
    auto client = host::Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), std::move(c));
    EXPECT_FALSE(client.ok()) << "connected to a server that must be refused";
    return client.ok() ? Error{Status::Ok, 0} : client.error();
  }

  // One line to s_server -rev, and its answer.
  void echo(host::Client& c, const std::string& line) {
    ASSERT_TRUE(c.write(as_bytes(line + "\n")).ok());
    EXPECT_EQ(read_exactly(c, line.size() + 1), reversed_line(line) + "\n");
  }
};

}  // namespace setls::test
