// curl, an unmodified HTTP client, through the tunnel to nginx requiring a
// client certificate: nginx logs the chip's device certificate as the
// client, and a megabyte arrives intact, in both record modes.
#include <sys/stat.h>

#include "tests/tunnel/tunnel_fixture.h"

namespace setls::test {
namespace {

struct Curl : TunnelTest, ::testing::WithParamInterface<std::string> {};

TEST_P(Curl, ThroughTheTunnelToNginxWithAClientCertificate) {
  ::mkdir(dir.file("www").c_str(), 0755);
  std::string page(1 << 20, 'x');
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<char>('a' + (i * 31 + i / 1000) % 26);
  write_text(dir.file("www/big.txt"), page);
  RunningServer nginx = start_nginx(dir);
  std::vector<std::string> args = {"--record-mode", GetParam()};
  if (GetParam() == "host") args.insert(args.end(), {"--pairing", pairing});
  auto tunnel = start_tunnel(nginx.port, args);
  ASSERT_NE(tunnel->port(), 0);

  std::string url = "http://127.0.0.1:" + std::to_string(tunnel->port()) + "/big.txt";
  // Two requests on one connection (keep-alive), then a second connection.
  RunResult r = run({"curl", "-sS", "--max-time", "30", url, url}, "", 60s);
  ASSERT_EQ(r.exit_code, 0) << r.err << tunnel->log() << read_text_file(dir.file("nginx-error.log"));
  EXPECT_TRUE(r.out == page + page) << "got " << r.out.size() << " bytes";
  r = run({"curl", "-sS", "--max-time", "30", url}, "", 60s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == page);

  std::string access = read_text_file(dir.file("nginx-access.log"));
  EXPECT_NE(access.find("\"GET /big.txt HTTP/1.1\" 200 TLSv1.3 \"O=setls tests,CN=device-0001\""), std::string::npos)
      << access;
  ASSERT_TRUE(tunnel->wait_for_connections(2, 20s)) << tunnel->log();
  for (const Json& c : tunnel->connections()) {
    EXPECT_EQ(c["ok"], true) << c.dump();
    EXPECT_EQ(c["client_authenticated"], true) << c.dump();
  }
  EXPECT_EQ(tunnel->stop(), 0);
}

std::string mode_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "chip" ? "ChipRecords" : "HostRecords";
}

INSTANTIATE_TEST_SUITE_P(RecordModes, Curl, ::testing::Values("chip", "host"), mode_name);

}  // namespace
}  // namespace setls::test
