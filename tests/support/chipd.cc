#include "tests/support/chipd.h"

#include <fstream>
#include <sstream>

namespace setls::test {

ChipDaemon::ChipDaemon(std::string state_dir, std::string socket, std::string log, std::vector<std::string> extra)
    : socket_(std::move(socket)), log_(std::move(log)) {
  std::vector<std::string> argv = {binary("setls-chipd"), "--state", state_dir, "--socket", socket_};
  argv.insert(argv.end(), extra.begin(), extra.end());
  process_ = Process::start(argv, log_);
  listening_ = wait_for_path(socket_, 10s);
}

std::string ChipDaemon::log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult ChipDaemon::setls(std::vector<std::string> args, std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {binary("setls")};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--chip");
  argv.push_back(address());
  return run(argv, "", timeout);
}

}  // namespace setls::test
