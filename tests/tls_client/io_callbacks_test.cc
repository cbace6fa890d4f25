// The blocking client over the application's own transport: StreamIo
// callbacks (C++) and setls_io (C) against a real openssl s_server. The
// callbacks wrap a TCP socket the test opened and count every byte, so the
// test shows that they, and nothing else, carried the connection.
#include <gtest/gtest.h>
#include <unistd.h>

#include "host/capi/setls.h"
#include "host/io/tcp.h"
#include "host/tls/client.h"
#include "tests/support/chipd.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

using namespace std::chrono_literals;

// The test's transport: a socket, and what went through it.
struct CountingSocket {
  int fd = -1;
  size_t bytes_in = 0, bytes_out = 0;
  int reads = 0, writes = 0, closes = 0;
};

host::StreamIo counting_stream(CountingSocket& s) {
  host::StreamIo io;
  io.read = [&s](std::span<uint8_t> buf, host::StreamIo::Timeout timeout) -> Result<size_t> {
    auto n = host::read_some(s.fd, buf, timeout);
    if (n) {
      s.bytes_in += *n;
      ++s.reads;
    }
    return n;
  };
  io.write = [&s](ByteView data, host::StreamIo::Timeout timeout) -> Outcome {
    SETLS_TRY(host::write_all(s.fd, data, timeout));
    s.bytes_out += data.size();
    ++s.writes;
    return {};
  };
  io.close = [&s] {
    ++s.closes;
    ::close(s.fd);
  };
  return io;
}

std::string text(ByteView b) { return std::string(b.begin(), b.end()); }

// Reads until `n` bytes came (s_server -rev answers line by line).
std::string read_exactly(host::Client& c, size_t n) {
  std::string got;
  for (int i = 0; i < 1000 && got.size() < n; ++i) {
    auto data = c.read(20s);
    if (!data || data->empty()) break;
    got += text(*data);
  }
  return got;
}

struct IoCallbacks : ::testing::TestWithParam<bus::RecordMode> {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();
  void SetUp() override { write_server_files(device.pki, dir); }
};

TEST_P(IoCallbacks, TheHandshakeAndDataGoThroughTheCallbacks) {
  RunningServer server = start_openssl_server(dir);
  CountingSocket sock;
  auto fd = host::tcp_connect("127.0.0.1", static_cast<uint16_t>(server.port), 10s);
  ASSERT_TRUE(fd.ok());
  sock.fd = *fd;

  host::ClientConfig config;
  config.server_name = "localhost";
  config.record_mode = GetParam();
  auto client = host::Client::connect_io(*driver, counting_stream(sock), config);
  ASSERT_TRUE(client.ok()) << describe(client.error()) << "\n" << server.log_text();
  EXPECT_EQ((*client)->fd(), -1);
  EXPECT_TRUE((*client)->summary().flags & bus::TlsSummary::kClientAuthenticated);
  // The server's flight carries its chain; ours carries the device certificate.
  size_t handshake_in = sock.bytes_in, handshake_out = sock.bytes_out;
  EXPECT_GT(handshake_in, 1000u);
  EXPECT_GT(handshake_out, 500u);

  ASSERT_TRUE((*client)->write(as_bytes("through the callbacks\n")).ok());
  EXPECT_EQ(read_exactly(**client, 22), "skcabllac eht hguorht\n");
  // 22 bytes each way, plus a record header and tag at least.
  EXPECT_GE(sock.bytes_out - handshake_out, 22u + 5 + 16);
  EXPECT_GE(sock.bytes_in - handshake_in, 22u + 5 + 16);
  EXPECT_EQ(sock.closes, 0);
  size_t before_close = sock.bytes_out;
  EXPECT_TRUE((*client)->close().ok());
  EXPECT_EQ(sock.closes, 1);
  EXPECT_GT(sock.bytes_out, before_close) << "close_notify went through the write callback";
  client->reset();
  EXPECT_EQ(sock.closes, 1) << "close is called once";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, IoCallbacks,
                         ::testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         [](const auto& p) { return p.param == bus::RecordMode::Chip ? "Chip" : "Host"; });

TEST(IoCallbacksRefused, ATransportErrorEndsTheHandshakeWithItsCode) {
  TlsDevice device = TlsDevice::create();
  auto driver = device.secure_driver();
  host::StreamIo io;
  int writes = 0;
  io.write = [&](ByteView, host::StreamIo::Timeout) -> Outcome {
    ++writes;
    return {};
  };
  io.read = [](std::span<uint8_t>, host::StreamIo::Timeout) -> Result<size_t> { return Error{Status::IoError, 5}; };
  host::ClientConfig config;
  config.server_name = "localhost";
  auto client = host::Client::connect_io(*driver, io, config);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error(), (Error{Status::IoError, 5}));
  EXPECT_EQ(writes, 1) << "the ClientHello was written, then the read failed";
  // Without a name there is nothing for the chip to verify the server against.
  config.server_name.clear();
  EXPECT_EQ(host::Client::connect_io(*driver, io, config).status(), Status::BadArgument);
}

// ---- the C API, through setls-chipd as a C program would use it

long c_read(void* user, uint8_t* buf, size_t len, unsigned timeout_ms) {
  auto* s = static_cast<CountingSocket*>(user);
  auto n = host::read_some(s->fd, std::span<uint8_t>(buf, len), std::chrono::milliseconds(timeout_ms));
  if (!n) return n.status() == Status::Timeout ? -SETLS_TIMEOUT : -1;
  s->bytes_in += *n;
  ++s->reads;
  return static_cast<long>(*n);
}

// Writes at most 100 bytes per call: the library must call again for the rest.
long c_write(void* user, const uint8_t* data, size_t len, unsigned timeout_ms) {
  auto* s = static_cast<CountingSocket*>(user);
  size_t n = std::min<size_t>(len, 100);
  if (!host::write_all(s->fd, ByteView(data, n), std::chrono::milliseconds(timeout_ms)).ok()) return -1;
  s->bytes_out += n;
  ++s->writes;
  return static_cast<long>(n);
}

void c_close(void* user) {
  auto* s = static_cast<CountingSocket*>(user);
  ++s->closes;
  ::close(s->fd);
}

TEST(IoCallbacksCApi, SetlsConnectIoCarriesTheConnection) {
  TempDir dir;
  TestPki pki = TestPki::create();
  write_server_files(pki, dir);
  ChipDaemon chipd(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
  ASSERT_TRUE(chipd.listening()) << chipd.log();
  {
    auto driver = host::ChipDriver::connect(chipd.address());
    ASSERT_TRUE(driver.ok());
    make_tls_ready(**driver, pki);
  }
  RunningServer server = start_openssl_server(dir);

  setls_chip* chip = nullptr;
  ASSERT_EQ(setls_chip_open(chipd.address().c_str(), nullptr, &chip), 0);
  CountingSocket sock;
  auto fd = host::tcp_connect("127.0.0.1", static_cast<uint16_t>(server.port), 10s);
  ASSERT_TRUE(fd.ok());
  sock.fd = *fd;
  setls_io io = {c_read, c_write, c_close, &sock};
  setls_config config = {};
  setls_conn* conn = nullptr;
  // The name is required: there is no host to default to.
  EXPECT_LT(setls_connect_io(chip, &io, &config, &conn), 0);
  config.server_name = "localhost";
  int rc = setls_connect_io(chip, &io, &config, &conn);
  ASSERT_EQ(rc, 0) << setls_status_message(rc) << "\n" << server.log_text();
  EXPECT_STREQ(setls_version(conn), "TLS 1.3");
  EXPECT_EQ(setls_client_authenticated(conn), 1);
  EXPECT_GT(sock.bytes_in, 1000u);
  EXPECT_GE(static_cast<size_t>(sock.writes), (sock.bytes_out + 99) / 100) << "writes of at most 100 bytes each";
  EXPECT_GT(sock.writes, 5);

  const char line[] = "C over callbacks\n";
  EXPECT_EQ(setls_write(conn, line, sizeof line - 1), static_cast<long>(sizeof line - 1));
  std::string got;
  char buf[256];
  for (int i = 0; i < 100 && got.size() < sizeof line - 1; ++i) {
    long n = setls_read(conn, buf, sizeof buf, 20000);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got, "skcabllac revo C\n");
  EXPECT_EQ(setls_close(conn), 0);
  EXPECT_EQ(sock.closes, 1);
  setls_chip_close(chip);
}

}  // namespace
}  // namespace setls::test
