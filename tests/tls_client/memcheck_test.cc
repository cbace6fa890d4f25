// Valgrind memcheck on the two binaries a device runs (issue 7): setls-chipd
// provisioned over its socket and serving a TLS session, and `setls connect`
// through it to openssl s_server. Any memory error, or a definite leak,
// makes valgrind exit with 99. Skipped when valgrind is not installed
// (scripts/lib/setup.sh installs it).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/sanitizers.h"
#include "tests/support/tls_device.h"
#include "tests/support/tls_servers.h"

namespace setls::test {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> memcheck(const std::string& log) {
  return {"valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
          "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite", "--log-file=" + log};
}

TEST(Memcheck, ChipDaemonAndSetlsConnectAreClean) {
  // Valgrind cannot run binaries built with AddressSanitizer.
  if (kAddressSanitizer) GTEST_SKIP() << "an ASan build: valgrind runs on the release build (scripts/test)";
  if (run({"valgrind", "--version"}).exit_code != 0)
    GTEST_SKIP() << "valgrind is not installed: apt-get install valgrind (scripts/lib/setup.sh does)";
  TempDir dir;
  TestPki pki = TestPki::create();
  write_server_files(pki, dir);

  std::string socket = dir.file("chip.sock"), chipd_log = dir.file("chipd.valgrind");
  std::vector<std::string> argv = memcheck(chipd_log);
  for (const std::string& a : {binary("setls-chipd"), std::string("--state"), dir.file("state"),
                               std::string("--socket"), socket})
    argv.push_back(a);
  Process chipd = Process::start(argv, dir.file("chipd.out"));
  ASSERT_TRUE(wait_for_path(socket, 120s)) << read_all(dir.file("chipd.out")) << read_all(chipd_log);
  {
    auto driver = host::ChipDriver::connect("unix:" + socket);
    ASSERT_TRUE(driver.ok()) << describe(driver.error());
    make_tls_ready(**driver, pki);  // provisioning, lock, pairing, secure boot: most of the daemon's commands
  }

  RunningServer server = start_openssl_server(dir);  // mutual authentication
  std::vector<std::string> connect = memcheck(dir.file("connect.valgrind"));
  for (const std::string& a : {binary("setls"), std::string("connect"), "127.0.0.1:" + std::to_string(server.port),
                               std::string("--servername"), std::string("localhost"), std::string("--send"),
                               std::string("under memcheck\n"), std::string("--read-timeout"), std::string("10"),
                               std::string("--chip"), "unix:" + socket})
    connect.push_back(a);
  RunResult r = run(connect, "", 300s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << read_all(dir.file("connect.valgrind"));
  EXPECT_NE(r.out.find("kcehcmem rednu"), std::string::npos) << r.out;
  EXPECT_NE(read_all(dir.file("connect.valgrind")).find("ERROR SUMMARY: 0 errors"), std::string::npos)
      << "setls connect did not run under memcheck";

  // SIGTERM: the daemon shuts down cleanly, and memcheck checks at its exit.
  EXPECT_EQ(chipd.stop(15, 120s), 0) << read_all(chipd_log);
  EXPECT_NE(read_all(chipd_log).find("ERROR SUMMARY: 0 errors"), std::string::npos) << read_all(chipd_log);
}

}  // namespace
}  // namespace setls::test
