// A real TLS 1.2 server on libssl, run in this process behind a loopback
// socket, for what s_server cannot be told to do from a test: ask for a
// renegotiation once the connection is up, and leave out the extended
// master secret (SSL_OP_NO_EXTENDED_MASTER_SECRET; OpenSSL 3.0's s_server
// has no -no_ems). The chip must refuse both, naming the weakness.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <thread>

#include "host/tls/client.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

using bus::RecordMode;
using host::Client;
using host::ClientConfig;

struct ServerBehaviour {
  bool no_extended_master_secret = false;
  bool renegotiate = false;  // send a HelloRequest after the handshake
};

// One TLS 1.2 connection on 127.0.0.1, served from a thread; bounded by
// socket timeouts and a poll deadline.
class Libssl12Server {
 public:
  Libssl12Server(const TempDir& dir, ServerBehaviour b) : behaviour_(b) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
    ok_ = SSL_CTX_use_certificate_chain_file(ctx_, dir.file("server.crt").c_str()) == 1 &&
          SSL_CTX_use_PrivateKey_file(ctx_, dir.file("server.key").c_str(), SSL_FILETYPE_PEM) == 1 &&
          SSL_CTX_set_cipher_list(ctx_, "ECDHE-ECDSA-AES128-GCM-SHA256") == 1 &&
          SSL_CTX_set1_groups_list(ctx_, "P-256:P-384") == 1;
    if (b.no_extended_master_secret) SSL_CTX_set_options(ctx_, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    ok_ = ok_ && listener_ >= 0 && ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
          ::listen(listener_, 1) == 0 && ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    port_ = ntohs(a.sin_port);
    if (ok_) thread_ = std::thread([this] { serve(); });
  }
  ~Libssl12Server() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
    SSL_CTX_free(ctx_);
  }
  bool ok() const { return ok_; }
  uint16_t port() const { return static_cast<uint16_t>(port_); }
  bool handshake_done() const { return handshake_done_; }
  bool hello_request_sent() const { return hello_request_sent_; }

 private:
  void serve() {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return;
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      handshake_done_ = true;
      if (behaviour_.renegotiate) {
        hello_request_sent_ = SSL_renegotiate(ssl) == 1 && SSL_do_handshake(ssl) == 1;
      }
      char buf[256];
      while (SSL_read(ssl, buf, sizeof(buf)) > 0) {
      }
    }
    SSL_free(ssl);
    ::close(fd);
    ERR_clear_error();
  }

  ServerBehaviour behaviour_;
  SSL_CTX* ctx_ = nullptr;
  int listener_ = -1;
  int port_ = 0;
  bool ok_ = false;
  bool handshake_done_ = false;
  bool hello_request_sent_ = false;
  std::thread thread_;
};

struct Libssl12 : ::testing::TestWithParam<RecordMode> {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();

  void SetUp() override { write_server_files(device.pki, dir); }

  Result<std::unique_ptr<Client>> connect(const Libssl12Server& server) {
    ClientConfig c;
    c.server_name = "localhost";
    c.record_mode = GetParam();
    return Client::connect(*driver, "127.0.0.1", server.port(), std::move(c));
  }
};

TEST_P(Libssl12, AServerWithoutExtendedMasterSecretIsRefused) {
  Libssl12Server server(dir, {.no_extended_master_secret = true});
  ASSERT_TRUE(server.ok());
  auto c = connect(server);
  ASSERT_FALSE(c.ok()) << "connected without the extended master secret";
  EXPECT_EQ(c.error().status, Status::ServerNoExtendedMasterSecret) << describe(c.error());
  EXPECT_NE(describe(c.error()).find("extended master secret"), std::string::npos) << describe(c.error());
}

TEST_P(Libssl12, TheSameServerWithExtendedMasterSecretIsAccepted) {
  Libssl12Server server(dir, {});
  ASSERT_TRUE(server.ok());
  auto c = connect(server);
  ASSERT_TRUE(c.ok()) << describe(c.error());
  EXPECT_EQ((*c)->summary().version, tls::kTls12);
  EXPECT_TRUE((*c)->summary().flags & bus::TlsSummary::kExtendedMasterSecret);
  EXPECT_TRUE((*c)->close().ok());
}

TEST_P(Libssl12, ARenegotiationRequestEndsTheConnection) {
  Libssl12Server server(dir, {.renegotiate = true});
  ASSERT_TRUE(server.ok());
  auto c = connect(server);
  ASSERT_TRUE(c.ok()) << describe(c.error());
  // The HelloRequest arrives as the first record after the handshake.
  Status got = Status::Ok;
  for (int i = 0; i < 50 && (got == Status::Ok || got == Status::Timeout); ++i) {
    auto data = (*c)->read(std::chrono::milliseconds(200));
    got = data ? Status::Ok : data.error().status;
  }
  EXPECT_TRUE(server.hello_request_sent());
  EXPECT_EQ(got, Status::ServerRenegotiation);
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Libssl12, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host), mode_name);

}  // namespace
}  // namespace setls::test
