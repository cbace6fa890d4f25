// A man in the middle between the chip and a real openssl s_server. TLS 1.2
// sends the server's flight in the clear, so a relay can rewrite it:
//  - downgrade: TLS 1.3 removed from the ClientHello's supported_versions;
//    the server (1.3 and 1.2) answers 1.2 and marks its random (RFC 8446
//    §4.1.3); the chip, which offered 1.3, refuses with Downgrade;
//  - ServerKeyExchange: a curve we did not offer, a SHA-1 signature scheme,
//    or the parameters re-signed by the relay's own key over the real
//    randoms — each refused by the chip, naming what is wrong;
//  - a resumed ServerHello (TLS 1.2 session ticket or session id) with
//    another suite than the session's, or without extended_master_secret
//    (RFC 7627 §5.3) — refused before any key is derived from the session;
//  - the NewSessionTicket a ServerHello promised, removed: the server's
//    change_cipher_spec without it is out of order.
// Without edits the same relay carries a good handshake.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/crypto/ec.h"
#include "common/tls/handshake.h"
#include "common/tls/messages12.h"
#include "common/tls/record.h"
#include "host/tls/client.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

using host::Client;
using host::ClientConfig;

int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, 1) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return -1;
  port = ntohs(a.sin_port);
  return fd;
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) return -1;
  return fd;
}

enum class Edit { None, StripTls13, SkeCurve, SkeSha1, SkeOtherKey, HelloSuite, HelloNoEms, DropTicket };

// One connection through a TCP relay that may rewrite the client's first
// bytes or the server's ServerKeyExchange. Bounded: it gives up after 20 s
// or when either side closes.
class Relay {
 public:
  Relay(int server_port, Edit edit) : server_port_(server_port), edit_(edit) {
    listener_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { run(); });
  }
  ~Relay() {
    thread_.join();
    ::close(listener_);
  }
  int port() const { return port_; }
  bool rewrote() const { return rewrote_; }

 private:
  void run() {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return;
    int client = ::accept(listener_, nullptr, nullptr);
    int server = connect_loopback(server_port_);
    if (client >= 0 && server >= 0) pump(client, server);
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }

  // supported_versions = {1.3, 1.2} becomes {GREASE, 1.2}: same length, no 1.3.
  void strip(std::vector<uint8_t>& b) {
    const uint8_t offer[] = {0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03};
    auto at = std::search(b.begin(), b.end(), std::begin(offer), std::end(offer));
    if (at == b.end()) return;
    at[5] = 0x7a;
    at[6] = 0x7a;
    rewrote_ = true;
  }

  // A new ServerKeyExchange record in place of `fragment` (one whole message).
  Bytes edit_ske(ByteView fragment) {
    auto m = tls::parse_handshake(fragment);
    if (!m) return Bytes(fragment.begin(), fragment.end());
    auto ske = tls::decode<tls::ServerKeyExchangeEcdhe>(m->body);
    if (!ske) return Bytes(fragment.begin(), fragment.end());
    tls::ServerKeyExchangeEcdhe out = *ske;
    Bytes signature;
    if (edit_ == Edit::SkeCurve) out.named_curve = 25;  // secp521r1, never offered
    if (edit_ == Edit::SkeSha1) out.scheme = 0x0203;    // ecdsa_sha1
    if (edit_ == Edit::SkeOtherKey) {
      // The same parameters, signed over the real randoms — by a key that no
      // certificate vouches for.
      auto key = EcKey::generate(Curve::P256);
      Bytes content(client_random_.begin(), client_random_.end());
      append(content, server_random_);
      append(content, ske->params);
      auto sig = key->sign(HashAlg::Sha256, content);
      if (!sig) return Bytes(fragment.begin(), fragment.end());
      signature = *sig;
      out.scheme = 0x0403;
      out.signature = signature;
    }
    Bytes message;
    Writer w(message);
    tls::write_message(w, out);
    rewrote_ = true;
    return message;
  }

  // A new ServerHello in place of `fragment`: another offered suite, or
  // extended_master_secret left out.
  Bytes edit_hello(ByteView fragment) {
    auto m = tls::parse_handshake(fragment);
    auto sh = m ? tls::decode<tls::ServerHello>(m->body) : Result<tls::ServerHello>(Status::BadArgument);
    if (!sh) return Bytes(fragment.begin(), fragment.end());
    tls::ServerHello out = *sh;
    std::vector<tls::Extension> kept;
    for (const tls::Extension& e : sh->extensions)
      if (edit_ != Edit::HelloNoEms || e.type != static_cast<uint16_t>(tls::ExtensionType::ExtendedMasterSecret))
        kept.push_back(e);
    out.extensions = tls::ExtensionList(kept);
    constexpr uint16_t kGcm128 = 0xC02B, kGcm256 = 0xC02C;
    if (edit_ == Edit::HelloSuite) out.cipher_suite = sh->cipher_suite == kGcm128 ? kGcm256 : kGcm128;
    Bytes message;
    Writer w(message);
    tls::write_message(w, out);
    rewrote_ = true;
    return message;
  }

  // Forwards the server's whole records, editing its ServerKeyExchange.
  bool forward_server(int client) {
    while (true) {
      auto frame = tls::frame_record(server_in_, tls::kMaxCiphertext13);
      if (!frame || !frame->complete()) return true;
      Bytes record(server_in_.begin(), server_in_.begin() + static_cast<long>(frame->size));
      server_in_.erase(server_in_.begin(), server_in_.begin() + static_cast<long>(frame->size));
      if (frame->header.type == tls::ContentType::ChangeCipherSpec) plaintext_ = false;
      ByteView fragment = ByteView(record).subspan(tls::kRecordHeaderSize);
      if (plaintext_ && frame->header.type == tls::ContentType::Handshake && !fragment.empty() &&
          fragment[0] == 4 && edit_ == Edit::DropTicket) {
        rewrote_ = true;  // the NewSessionTicket the ServerHello promised never arrives
        continue;
      }
      if (plaintext_ && frame->header.type == tls::ContentType::Handshake && !fragment.empty()) {
        if (fragment[0] == 2 && fragment.size() >= 38) std::copy(fragment.begin() + 6, fragment.begin() + 38, server_random_.begin());
        bool hello_edit = edit_ == Edit::HelloSuite || edit_ == Edit::HelloNoEms;
        bool ske_edit = edit_ == Edit::SkeCurve || edit_ == Edit::SkeSha1 || edit_ == Edit::SkeOtherKey;
        if ((fragment[0] == 12 && ske_edit) || (fragment[0] == 2 && hello_edit)) {
          Bytes body = fragment[0] == 2 ? edit_hello(fragment) : edit_ske(fragment);
          Bytes edited;
          Writer w(edited);
          tls::write_record_header(w, tls::RecordHeader{tls::ContentType::Handshake, tls::kTls12,
                                                        static_cast<uint16_t>(body.size())});
          w.bytes(body);
          record = edited;
        }
      }
      // MSG_NOSIGNAL: a client that refused the handshake may be gone already (no SIGPIPE).
      if (::send(client, record.data(), record.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(record.size()))
        return false;
    }
  }

  void pump(int client, int server) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool first = true;
    std::vector<uint8_t> buf(65536);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 200) < 0) return;
      for (int i = 0; i < 2; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        ssize_t n = ::read(fds[i].fd, buf.data(), buf.size());
        if (n <= 0) return;
        std::vector<uint8_t> chunk(buf.begin(), buf.begin() + n);
        if (i == 1) {
          server_in_.insert(server_in_.end(), chunk.begin(), chunk.end());
          if (!forward_server(client)) return;
          continue;
        }
        if (first) {
          // ClientHello record: header 5, message header 4, version 2, then the random.
          if (chunk.size() >= 43) std::copy(chunk.begin() + 11, chunk.begin() + 43, client_random_.begin());
          if (edit_ == Edit::StripTls13) strip(chunk);
          first = false;
        }
        if (::send(server, chunk.data(), chunk.size(), MSG_NOSIGNAL) != n) return;
      }
    }
  }

  int server_port_;
  Edit edit_;
  int listener_ = -1;
  int port_ = 0;
  bool rewrote_ = false;
  bool plaintext_ = true;
  Bytes server_in_;
  tls::Random client_random_{};
  tls::Random server_random_{};
  std::thread thread_;
};

struct DowngradeSentinel : ::testing::Test {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();
  RunningServer server;

  void SetUp() override {
    write_server_files(device.pki, dir);
    // TLS 1.2 and 1.3 (s_server's default range), our suites of both.
    int port = free_port();
    server.port = port;
    server.log = dir.file("s_server-both.log");
    server.process = Process::start(
        {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", dir.file("server.crt"),
         "-key", dir.file("server.key"), "-cert_chain", dir.file("intermediate.crt"), "-CAfile",
         dir.file("device-ca.crt"), "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-ciphersuites",
         "TLS_AES_128_GCM_SHA256", "-groups", "P-256:P-384", "-rev", "-ign_eof"},
        server.log);
    ASSERT_TRUE(wait_for_port(port, 20s)) << server.log_text();
  }

  Result<std::unique_ptr<Client>> through(Relay& relay, ClientConfig c) {
    c.server_name = "localhost";
    return Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(relay.port()), std::move(c));
  }
};

TEST_F(DowngradeSentinel, TheChipRefusesAServerHelloMarkedForDowngrade) {
  Relay relay(server.port, Edit::StripTls13);
  auto c = through(relay, ClientConfig{});
  ASSERT_FALSE(c.ok()) << "accepted a downgraded handshake";
  EXPECT_EQ(c.error().status, Status::Downgrade) << describe(c.error());
  EXPECT_TRUE(relay.rewrote());
}

TEST_F(DowngradeSentinel, WithoutTheManInTheMiddleTheServerGivesTls13) {
  Relay relay(server.port, Edit::None);
  auto c = through(relay, ClientConfig{});
  ASSERT_TRUE(c.ok()) << describe(c.error());
  EXPECT_EQ((*c)->summary().version, tls::kTls13);
}

TEST_F(DowngradeSentinel, AskingForTls12AloneIsNoDowngrade) {
  Relay relay(server.port, Edit::None);
  ClientConfig cfg;
  cfg.versions = {tls::kTls12};
  auto c = through(relay, cfg);
  ASSERT_TRUE(c.ok()) << describe(c.error()) << server.log_text();
  EXPECT_EQ((*c)->summary().version, tls::kTls12);
}

// The ServerKeyExchange edits, against a TLS 1.2-only server (no sentinel).
struct ServerKeyExchangeTampering : ::testing::TestWithParam<bus::RecordMode> {
  TlsDevice device = TlsDevice::create();
  TempDir dir;
  std::unique_ptr<host::ChipDriver> driver = device.secure_driver();

  void SetUp() override { write_server_files(device.pki, dir); }

  Error refused(Edit edit) {
    RunningServer server = start_openssl_server12(dir);
    Relay relay(server.port, edit);
    ClientConfig c;
    c.server_name = "localhost";
    c.record_mode = GetParam();
    auto client = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(relay.port()), std::move(c));
    EXPECT_TRUE(relay.rewrote());
    EXPECT_FALSE(client.ok()) << "accepted a tampered ServerKeyExchange";
    return client.ok() ? Error{Status::Ok, 0} : client.error();
  }
};

TEST_P(ServerKeyExchangeTampering, ACurveNotOffered) {
  Error e = refused(Edit::SkeCurve);
  EXPECT_EQ(e.status, Status::ServerGroupNotOffered) << describe(e);
}

TEST_P(ServerKeyExchangeTampering, ASha1Signature) {
  Error e = refused(Edit::SkeSha1);
  EXPECT_EQ(e.status, Status::ServerSignatureScheme) << describe(e);
  EXPECT_EQ(e.detail, 0x0203u) << describe(e);  // names ecdsa_sha1
}

TEST_P(ServerKeyExchangeTampering, ParametersSignedByAKeyOtherThanTheVerifiedLeaf) {
  Error e = refused(Edit::SkeOtherKey);
  EXPECT_EQ(e.status, Status::ServerKeyExchangeSignature) << describe(e);
}

TEST_P(ServerKeyExchangeTampering, TheRelayItselfChangesNothing) {
  RunningServer server = start_openssl_server12(dir);
  Relay relay(server.port, Edit::None);
  ClientConfig c;
  c.server_name = "localhost";
  c.record_mode = GetParam();
  auto client = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(relay.port()), std::move(c));
  ASSERT_TRUE(client.ok()) << describe(client.error());
  EXPECT_EQ((*client)->summary().version, tls::kTls12);
}

// A TLS 1.2 session from a direct connection, then its resumption through the relay.
struct ResumedHelloTampering : ServerKeyExchangeTampering {
  // The resumed connection's summary (closed before the relay ends), or the chip's refusal.
  Result<bus::TlsSummary> resume_through(Edit edit, bool session_ids) {
    RunningServer server = start_openssl_server12(dir, session_ids ? std::vector<std::string>{"-no_ticket"}
                                                                   : std::vector<std::string>{});
    ClientConfig c;
    c.server_name = "localhost";
    c.record_mode = GetParam();
    std::vector<host::ResumptionTicket> tickets;
    {
      auto first = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(server.port), c);
      EXPECT_TRUE(first.ok()) << describe(first.error());
      if (!first.ok()) return first.error();
      tickets = (*first)->take_tickets();
      // close_notify: s_server forgets a session whose connection ended uncleanly.
      EXPECT_TRUE((*first)->close().ok());
    }
    EXPECT_EQ(tickets.size(), 1u);
    if (tickets.empty()) return Status::TicketInvalid;
    EXPECT_EQ(tickets[0].session_id, session_ids);
    c.resume = tickets[0];
    Relay relay(server.port, edit);
    auto again = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(relay.port()), std::move(c));
    EXPECT_EQ(relay.rewrote(), edit != Edit::None);
    if (!again.ok()) return again.error();
    bus::TlsSummary summary = (*again)->summary();
    (void)(*again)->close();
    again->reset();  // the socket closes, and with it the relay
    return summary;
  }
};

TEST_P(ResumedHelloTampering, TheRelayItselfLetsTicketsAndSessionIdsResume) {
  for (bool session_ids : {false, true}) {
    auto c = resume_through(Edit::None, session_ids);
    ASSERT_TRUE(c.ok()) << describe(c.error());
    EXPECT_TRUE(c->flags & bus::TlsSummary::kResumed) << (session_ids ? "session ids" : "tickets");
  }
}

TEST_P(ResumedHelloTampering, AnotherSuiteThanTheSessions) {
  for (bool session_ids : {false, true}) {
    SCOPED_TRACE(session_ids ? "session ids" : "tickets");
    auto c = resume_through(Edit::HelloSuite, session_ids);
    ASSERT_FALSE(c.ok()) << "resumed with another suite";
    EXPECT_EQ(c.error().status, Status::ServerResumptionSuite) << describe(c.error());
  }
}

TEST_P(ResumedHelloTampering, WithoutExtendedMasterSecret) {
  for (bool session_ids : {false, true}) {
    SCOPED_TRACE(session_ids ? "session ids" : "tickets");
    auto c = resume_through(Edit::HelloNoEms, session_ids);
    ASSERT_FALSE(c.ok()) << "resumed without the extended master secret";
    EXPECT_EQ(c.error().status, Status::ServerResumptionWithoutEms) << describe(c.error());
  }
}

TEST_P(ResumedHelloTampering, APromisedTicketThatNeverComes) {
  RunningServer server = start_openssl_server12(dir);
  Relay relay(server.port, Edit::DropTicket);
  ClientConfig c;
  c.server_name = "localhost";
  c.record_mode = GetParam();
  auto client = Client::connect(*driver, "127.0.0.1", static_cast<uint16_t>(relay.port()), std::move(c));
  EXPECT_TRUE(relay.rewrote());
  ASSERT_FALSE(client.ok()) << "accepted a handshake without the promised NewSessionTicket";
  EXPECT_EQ(client.error().status, Status::ServerUnexpectedMessage) << describe(client.error());
}

std::string mode_name(const testing::TestParamInfo<bus::RecordMode>& info) {
  return info.param == bus::RecordMode::Chip ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, ServerKeyExchangeTampering, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host), mode_name);
INSTANTIATE_TEST_SUITE_P(RecordModes, ResumedHelloTampering, testing::Values(bus::RecordMode::Chip, bus::RecordMode::Host),
                         mode_name);

}  // namespace
}  // namespace setls::test
