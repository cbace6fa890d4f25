// Issue 2's "done when", with the real binaries: setls-chipd plus
// `setls factory …` provision a chip whose CSR `openssl x509 -req` signs
// with a test CA, the issued certificate is accepted back, and after lock
// every manufacturing-only command is refused with a message that names the
// rule. And every subcommand of the CLI answers --help.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "tests/support/chipd.h"
#include "tests/support/pki.h"
#include "tests/support/temp_dir.h"

namespace setls::test {
namespace {

using nlohmann::json;

class CliFactory : public testing::Test {
 protected:
  void SetUp() override {
    write_text(tmp_.file("ca.crt"), pki_.device_ca.pem);
    write_text(tmp_.file("ca.key"), pki_.device_ca.key.private_pem());
    write_text(tmp_.file("root.crt"), pki_.root.pem + pki_.intermediate.pem);
    write_text(tmp_.file("admin.key"), pki_.admin_key.private_pem());
    write_text(tmp_.file("firmware.pub"), pki_.firmware_key.public_pem());
    chipd_ = std::make_unique<ChipDaemon>(tmp_.file("state"), tmp_.file("chip.sock"), tmp_.file("chipd.log"));
    ASSERT_TRUE(chipd_->listening()) << chipd_->log();
  }

  // Runs a factory/chip command that must succeed.
  RunResult ok(std::vector<std::string> args) {
    RunResult r = chipd_->setls(args);
    EXPECT_EQ(r.exit_code, 0) << args[1] << ": " << r.err << r.out;
    return r;
  }

  void provision() {
    ok({"factory", "init"});
    ok({"factory", "keygen", "--curve", "P-256", "--out", tmp_.file("device.pub")});
    ok({"factory", "csr", "--subject", "/CN=device-0001/O=Example Corp", "--out", tmp_.file("device.csr")});
    RunResult verify = run({"openssl", "req", "-in", tmp_.file("device.csr"), "-verify", "-noout"});
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
    RunResult sign = run({"openssl", "x509", "-req", "-in", tmp_.file("device.csr"), "-CA", tmp_.file("ca.crt"),
                          "-CAkey", tmp_.file("ca.key"), "-set_serial", "4660", "-days", "30", "-out",
                          tmp_.file("device.crt")});
    ASSERT_EQ(sign.exit_code, 0) << sign.err;
    ok({"factory", "install-cert", tmp_.file("device.crt")});
    ok({"factory", "add-root", tmp_.file("root.crt")});
    ok({"factory", "set-admin-key", tmp_.file("admin.key")});
    ok({"factory", "set-firmware-key", tmp_.file("firmware.pub")});
    RunResult lock = ok({"factory", "lock"});
    EXPECT_NE(lock.out.find("operational"), std::string::npos) << lock.out;
  }

  TestPki pki_ = TestPki::create();
  TempDir tmp_;
  std::unique_ptr<ChipDaemon> chipd_;
};

TEST_F(CliFactory, ProvisionLockAndRefuseFactoryCommands) {
  provision();
  ASSERT_FALSE(HasFatalFailure());
  RunResult info = ok({"chip", "info", "--json"});
  json j = json::parse(info.out);
  EXPECT_EQ(j["lifecycle"], "operational");
  std::multiset<std::string> roles;
  for (const auto& o : j["objects"]) roles.insert(o["role"].get<std::string>());
  EXPECT_EQ(roles, (std::multiset<std::string>{"device-key", "device-cert", "root-ca", "root-ca", "admin-key",
                                                "firmware-key"}));
  EXPECT_EQ(j["serial"].get<std::string>().size(), 16u);

  // Every manufacturing-only command, after lock.
  const std::vector<std::vector<std::string>> factory_only = {
      {"factory", "init"},
      {"factory", "keygen"},
      {"factory", "csr", "--subject", "/CN=again"},
      {"factory", "install-cert", tmp_.file("device.crt")},
      {"factory", "add-root", tmp_.file("ca.crt")},
      {"factory", "set-admin-key", tmp_.file("admin.key")},
      {"factory", "set-firmware-key", tmp_.file("firmware.pub")},
      {"factory", "remove", "3"},
      {"factory", "lock"},
  };
  for (const auto& args : factory_only) {
    RunResult r = chipd_->setls(args);
    EXPECT_EQ(r.exit_code, 1) << args[1];
    EXPECT_NE(r.err.find("refused: allowed only in the manufacturing state"), std::string::npos) << args[1] << r.err;
    EXPECT_NE(r.err.find("(ManufacturingOnly)"), std::string::npos) << args[1] << r.err;
    EXPECT_NE(r.err.find("Next: "), std::string::npos) << args[1] << r.err;
  }
  // The same refusal as JSON, for scripts.
  std::vector<std::string> keygen = {"factory", "keygen", "--json"};
  RunResult r = chipd_->setls(keygen);
  EXPECT_EQ(r.exit_code, 1);
  json refusal = json::parse(r.out);
  EXPECT_EQ(refusal["ok"], false);
  EXPECT_EQ(refusal["error"], "ManufacturingOnly");
  EXPECT_FALSE(refusal["hint"].get<std::string>().empty());
  // Nothing changed.
  EXPECT_EQ(json::parse(ok({"chip", "info", "--json"}).out)["objects"], j["objects"]);
}

TEST_F(CliFactory, ACertificateForAnotherKeyIsRefused) {
  ok({"factory", "keygen"});
  TestCert other = issue({.subject = "/CN=not this chip"}, TestKey::ec(), &pki_.device_ca);
  write_text(tmp_.file("other.crt"), other.pem);
  RunResult r = chipd_->setls({"factory", "install-cert", tmp_.file("other.crt")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("CertKeyMismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("setls factory csr"), std::string::npos) << r.err;
}

TEST_F(CliFactory, LockNamesWhatIsMissing) {
  ok({"factory", "keygen"});
  RunResult r = chipd_->setls({"factory", "lock"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("device certificate (factory install-cert)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("device key (factory keygen)"), std::string::npos) << r.err;
}

// The subcommands a --help page lists.
std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  std::string line;
  bool listing = false;
  while (std::getline(in, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      listing = true;
    } else if (listing && line.rfind("  ", 0) == 0) {
      std::istringstream words(line);
      std::string name;
      words >> name;
      out.push_back(name);
    } else if (listing && !line.empty()) {
      listing = false;
    }
  }
  return out;
}

TEST(CliHelp, EverySubcommandAnswersHelp) {
  // Walks the command tree from `setls --help`, so new subcommands are covered.
  std::vector<std::vector<std::string>> queue = {{}};
  size_t visited = 0;
  while (!queue.empty() && visited < 100) {
    std::vector<std::string> path = queue.back();
    queue.pop_back();
    std::vector<std::string> argv = {binary("setls")};
    argv.insert(argv.end(), path.begin(), path.end());
    argv.push_back("--help");
    RunResult r = run(argv, "", 30s);
    std::string name = path.empty() ? "setls" : path.back();
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << name;
    for (const std::string& sub : subcommands(r.out)) {
      auto next = path;
      next.push_back(sub);
      queue.push_back(next);
    }
    ++visited;
  }
  EXPECT_GE(visited, 1u + 2u + 3u + 9u);  // setls, chip, factory and their subcommands
  RunResult chipd = run({binary("setls-chipd"), "--help"}, "", 30s);
  EXPECT_EQ(chipd.exit_code, 0);
  EXPECT_NE(chipd.out.find("--verbose"), std::string::npos);
}

}  // namespace
}  // namespace setls::test
