// setls-chipd: the emulated secure companion chip as a daemon, like swtpm.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "chip/daemon/server.h"
#include "chip/daemon/state_dir.h"
#include "common/bytes/bytes.h"

int main(int argc, char** argv) {
  CLI::App app{
      "setls-chipd: an emulated secure companion chip serving the setls bus protocol on a UNIX socket.\n"
      "A new state directory makes a new chip (fresh fuses, blank NVM)."};
  setls::chip::StateDirOptions state;
  setls::chip::ServerOptions server;
  app.add_option("--state", state.dir, "state directory: NVM image, counter, lock (created if missing)")->required();
  app.add_option("--socket", server.socket_path, "UNIX socket path to serve the bus on")->required();
  app.add_option("--fuses", state.fuses_path, "fuse file (device-unique key and serial); default STATE/fuses.bin");
  app.add_flag("--verbose,-v", server.verbose, "trace each command (codes and sizes only, never payloads)");
  std::string profile_name;
  std::vector<std::string> profile_names;
  for (const auto& p : setls::chip::latency_profiles()) profile_names.emplace_back(p.name);
  app.add_option("--profile", profile_name,
                 "behave like a real part: delay each answer by its modeled time (docs/performance.md)")
      ->check(CLI::IsMember(profile_names));
  bool no_sleep = false;
  app.add_flag("--no-sleep", no_sleep, "with --profile: model and report the time, but answer at once");
  app.add_option("--stats", server.stats_path,
                 "with --profile: keep the modeled time and operation counts in this JSON file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // 0 for --help, 2 for a usage error: the same exit codes as `setls`.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (!profile_name.empty()) server.profile = setls::chip::find_latency_profile(profile_name);
  server.sleep = !no_sleep;
  if (server.profile == nullptr && (no_sleep || !server.stats_path.empty())) {
    std::fprintf(stderr, "setls-chipd: --no-sleep and --stats need --profile\n");
    return 2;
  }

  std::string message;
  auto dir = setls::chip::StateDir::open(state, message);
  if (!dir) {
    std::fprintf(stderr, "setls-chipd: %s\nsetls-chipd: %s\n",
                 message.empty() ? "cannot start" : message.c_str(), setls::describe(dir.error()).c_str());
    return 1;
  }
  auto& fw = (*dir)->firmware();
  server.banner = "setls-chipd: chip " + setls::to_hex(fw.fuses().serial) + " (" +
                  setls::bus::lifecycle_name(fw.state().lifecycle) + ((*dir)->created() ? ", new" : "") +
                  ") serving on " + server.socket_path;
  return setls::chip::serve(fw, server);
}
