// setls: provisioning, administration and use of a chip-protected TLS device.
#include <CLI/CLI.hpp>

#include "tools/setls/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"setls: TLS whose keys, trust anchors and handshake decisions live in a secure companion chip"};
  app.require_subcommand(1);
  setls::cli::Context ctx;
  setls::cli::add_chip_commands(app, ctx);
  setls::cli::add_factory_commands(app, ctx);
  setls::cli::add_admin_commands(app, ctx);
  setls::cli::add_boot_commands(app, ctx);
  setls::cli::add_attest_commands(app, ctx);
  setls::cli::add_x509_commands(app, ctx);
  setls::cli::add_connect_commands(app, ctx);
  setls::cli::add_tunnel_commands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const setls::cli::Exit& e) {
    return e.code;
  }
  return 0;
}
