#include "tools/setls/cli.h"

#include "host/driver/pairing.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace setls::cli {

std::unique_ptr<host::ChipDriver> open_chip(const Context& ctx) {
  std::string address = ctx.chip;
  if (address.empty()) {
    const char* env = std::getenv("SETLS_CHIP");
    if (env != nullptr) address = env;
  }
  if (address.empty())
    fail(ctx, "chip", "no chip address: pass --chip unix:PATH or set SETLS_CHIP (start one with setls-chipd)");
  auto driver = host::ChipDriver::connect(address);
  if (!driver) fail(ctx, "cannot reach the chip at " + address, driver.error());
  std::string pairing = ctx.pairing;
  if (pairing.empty()) {
    const char* env = std::getenv("SETLS_PAIRING");
    if (env != nullptr) pairing = env;
  }
  if (!pairing.empty()) {
    auto keys = host::load_pairing(pairing);
    if (!keys) fail(ctx, "reading the pairing file " + pairing, keys.error());
    auto opened = (*driver)->open_channel(keys->host_key, keys->chip_key);
    if (!opened) fail(ctx, "secure channel with the chip (pairing " + pairing + ")", opened.error());
  }
  return std::move(*driver);
}

void fail(const Context& ctx, const std::string& what, const Error& e) {
  if (ctx.json) {
    nlohmann::json j = {{"ok", false},
                        {"error", status_name(e.status)},
                        {"code", static_cast<int>(e.status)},
                        {"message", status_message(e.status)},
                        {"hint", status_hint(e.status)},
                        {"context", what}};
    if (e.detail != 0) j["detail"] = e.detail;
    print_json(j);
  } else {
    std::fprintf(stderr, "setls: %s: %s\n", what.c_str(), describe(e).c_str());
  }
  throw Exit(1);
}

void fail(const Context& ctx, const std::string& what, const std::string& message) {
  if (ctx.json)
    print_json({{"ok", false}, {"error", "Usage"}, {"message", message}, {"context", what}});
  else
    std::fprintf(stderr, "setls: %s: %s\n", what.c_str(), message.c_str());
  throw Exit(1);
}

void check(const Context& ctx, const std::string& what, Outcome r) {
  if (!r) fail(ctx, what, r.error());
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << std::endl; }

void add_json_flag(CLI::App* sub, Context& ctx) {
  sub->add_flag("--json", ctx.json, "print the result as JSON");
}

void add_chip_option(CLI::App* sub, Context& ctx) {
  sub->add_option("--chip", ctx.chip, "chip address, unix:PATH (default: $SETLS_CHIP)");
  sub->add_option("--pairing", ctx.pairing,
                  "pairing file from `setls factory pair`: talk over the secure channel (default: $SETLS_PAIRING)");
}

}  // namespace setls::cli
