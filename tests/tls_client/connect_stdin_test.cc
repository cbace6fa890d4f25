// `setls connect --stdin` as a person uses it: a line typed, its answer
// printed, the next line typed. The test holds the pipes to the process and
// writes the second line only after the answer to the first came back, which
// only an interactive loop can do (not one that waits for the end of input).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "host/driver/pairing.h"
#include "tests/support/chipd.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A child with a pipe on its stdin and one on its stdout; stderr to a file.
class Interactive {
 public:
  Interactive(const std::vector<std::string>& argv, const std::string& err_path) {
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) ::dup2(err, 2);
      ::close(in[1]);
      ::close(out[0]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
  }
  ~Interactive() {
    close_input();
    if (from_child_ >= 0) ::close(from_child_);
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return pid_ > 0 && to_child_ >= 0; }
  bool write(const std::string& text) {
    return ::write(to_child_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  void close_input() {
    if (to_child_ >= 0) ::close(to_child_);
    to_child_ = -1;
  }
  // Reads stdout until it contains `want` or `timeout` passes; all of stdout so far.
  std::string read_until(const std::string& want, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (out_.find(want) == std::string::npos && Clock::now() < deadline) {
      pollfd p{from_child_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(from_child_, buf, sizeof buf);
      if (n <= 0) break;
      out_.append(buf, static_cast<size_t>(n));
    }
    return out_;
  }
  // Waits for the exit code (-1 on timeout or death by a signal).
  int wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = st;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      read_until("\x01never", 50ms);  // keep draining stdout
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string out_;
};

struct ConnectStdin : ::testing::Test {
  TempDir dir;
  TestPki pki = TestPki::create();
  std::unique_ptr<ChipDaemon> chipd;

  void SetUp() override {
    write_server_files(pki, dir);
    chipd = std::make_unique<ChipDaemon>(dir.file("state"), dir.file("chip.sock"), dir.file("chipd.log"));
    ASSERT_TRUE(chipd->listening()) << chipd->log();
    auto driver = host::ChipDriver::connect(chipd->address());
    ASSERT_TRUE(driver.ok());
    make_tls_ready(**driver, pki);
  }

  std::vector<std::string> argv(const RunningServer& server, std::vector<std::string> extra) {
    std::vector<std::string> a = {binary("setls"), "connect", "127.0.0.1:" + std::to_string(server.port),
                                  "--servername", "localhost", "--stdin", "--chip", chipd->address()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string err() const { return read_text(dir.file("connect.err")); }
  static std::string read_text(const std::string& path) {
    std::string s;
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) return s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
  }
};

TEST_F(ConnectStdin, EachLineIsAnsweredBeforeTheNextIsTyped) {
  RunningServer server = start_openssl_server(dir);
  Interactive p(argv(server, {}), dir.file("connect.err"));
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(p.write("first line\n"));
  std::string out = p.read_until("enil tsrif\n", 20s);
  ASSERT_NE(out.find("enil tsrif\n"), std::string::npos) << out << err() << server.log_text();
  ASSERT_TRUE(p.write("second\n"));
  out = p.read_until("dnoces\n", 20s);
  EXPECT_EQ(out, "enil tsrif\ndnoces\n") << err();
  // The end of input ends the session, as with s_client.
  p.close_input();
  EXPECT_EQ(p.wait(20s), 0) << err();
  EXPECT_NE(err().find("connected: TLS 1.3"), std::string::npos) << err();
  EXPECT_NE(err().find("done: 18 bytes sent, 18 received; end of input, close_notify sent"), std::string::npos)
      << err();
}

// gnutls-serv --echo, the other peer: it echoes each record as it came.
TEST_F(ConnectStdin, WithIgnEofTheAnswerToTheLastLineStillArrives) {
  RunningServer server = start_gnutls_server(dir);
  Interactive p(argv(server, {"--ign-eof", "--read-timeout", "1"}), dir.file("connect.err"));
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(p.write("last words\n"));
  p.close_input();
  EXPECT_EQ(p.wait(30s), 0) << err() << server.log_text();
  EXPECT_EQ(p.read_until("last words\n", 1s), "last words\n") << err();
  EXPECT_NE(err().find("the server went quiet, close_notify sent"), std::string::npos) << err();
}

}  // namespace
}  // namespace setls::test
