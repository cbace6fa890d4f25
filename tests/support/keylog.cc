#include "tests/support/keylog.h"

#include <fstream>
#include <sstream>

#include "chip/tls/key_schedule13.h"

namespace setls::test {

std::vector<LoggedSecret> read_keylog(const std::string& path) {
  std::vector<LoggedSecret> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;  // OpenSSL writes a comment first
    std::istringstream fields(line);
    std::string random, secret;
    LoggedSecret s;
    if (fields >> s.label >> random >> secret && from_hex(secret, s.secret)) out.push_back(std::move(s));
  }
  return out;
}

std::vector<Bytes> sensitive_bytes(const LoggedSecret& s, const tls::SuiteInfo& suite) {
  using chip::tls13::Label;
  std::vector<Bytes> out = {s.secret};
  size_t key_size = aead_key_size(suite.aead);
  Secret key = chip::tls13::expand_label(suite.hash, s.secret, Label::Key, {}, key_size);
  Secret iv = chip::tls13::expand_label(suite.hash, s.secret, Label::Iv, {}, 12);
  out.emplace_back(key.view().begin(), key.view().end());
  out.emplace_back(iv.view().begin(), iv.view().end());
  return out;
}

void add_next_generation(std::vector<LoggedSecret>& secrets, const tls::SuiteInfo& suite) {
  size_t logged = secrets.size();
  for (size_t i = 0; i < logged; ++i) {
    if (secrets[i].label.find("TRAFFIC_SECRET_0") == std::string::npos) continue;
    Secret next = chip::tls13::next_traffic_secret(suite.hash, secrets[i].secret);
    secrets.push_back({secrets[i].label + "+1", Bytes(next.view().begin(), next.view().end())});
  }
}

}  // namespace setls::test
