// Shared plumbing of the `setls` subcommands: where the chip is, how results
// and refusals are printed, and exit codes (0 ok, 1 refused or failed, 2 usage).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "host/driver/chip_driver.h"

namespace setls::cli {

struct Context {
  std::string chip;     // --chip, else $SETLS_CHIP
  std::string pairing;  // --pairing, else $SETLS_PAIRING: open the secure channel
  bool json = false;  // --json on the subcommand that ran
};

// Raised from a subcommand to stop with a message (already printed) and an exit code.
struct Exit : std::exception {
  int code;
  explicit Exit(int c) : code(c) {}
};

// Connects to the chip named by --chip / SETLS_CHIP, or exits with advice.
std::unique_ptr<host::ChipDriver> open_chip(const Context& ctx);
// Prints "setls: WHAT: <message>. Next: <hint>" (or JSON) and throws Exit(1).
[[noreturn]] void fail(const Context& ctx, const std::string& what, const Error& e);
[[noreturn]] void fail(const Context& ctx, const std::string& what, const std::string& message);
// Unwraps a Result or fails with `what`.
template <class T>
T check(const Context& ctx, const std::string& what, Result<T> r) {
  if (!r) fail(ctx, what, r.error());
  return std::move(r).value();
}
void check(const Context& ctx, const std::string& what, Outcome r);

void print_json(const nlohmann::json& j);
// Adds --json to a subcommand.
void add_json_flag(CLI::App* sub, Context& ctx);
// Adds --chip to a subcommand.
void add_chip_option(CLI::App* sub, Context& ctx);

// Registration of each command group.
void add_chip_commands(CLI::App& app, Context& ctx);
void add_factory_commands(CLI::App& app, Context& ctx);
void add_admin_commands(CLI::App& app, Context& ctx);
void add_boot_commands(CLI::App& app, Context& ctx);
void add_attest_commands(CLI::App& app, Context& ctx);
void add_x509_commands(CLI::App& app, Context& ctx);
void add_connect_commands(CLI::App& app, Context& ctx);
void add_tunnel_commands(CLI::App& app, Context& ctx);

}  // namespace setls::cli
