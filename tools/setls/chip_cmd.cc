// setls chip info | zeroize | reset
#include <cstdio>
#include <ctime>

#include "tools/setls/cli.h"

namespace setls::cli {

namespace {

std::string version_string(uint32_t v) {
  return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xFF) + "." + std::to_string(v & 0xFF);
}

std::string utc(uint64_t t) {
  if (t == 0) return "none";
  std::time_t tt = static_cast<std::time_t>(t);
  char buf[32];
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json info_json(const bus::ChipInfo& info) {
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& o : info.objects) {
    nlohmann::json j = {{"id", o.id},
                        {"kind", bus::object_kind_name(o.kind)},
                        {"role", bus::object_role_name(o.role)},
                        {"policy", bus::policy_names(o.policy)},
                        {"size", o.size},
                        {"sha256", to_hex(o.fingerprint)}};
    if (o.curve != 0) j["curve"] = curve_name(static_cast<Curve>(o.curve));
    if (!o.summary.empty()) j["subject"] = o.summary;
    objects.push_back(j);
  }
  return {{"serial", to_hex(info.serial)},
          {"lifecycle", bus::lifecycle_name(info.lifecycle)},
          {"firmware_version", version_string(info.firmware_version)},
          {"nvm", {{"capacity", info.nvm_capacity}, {"used", info.nvm_used},
                   {"free", info.nvm_capacity - std::min(info.nvm_used, info.nvm_capacity)}}},
          {"time_floor", info.time_floor},
          {"admin_counter", info.admin_counter},
          {"rollback_version", info.rollback_version},
          {"boot", {{"state", bus::boot_state_name(info.boot_state)},
                    {"version", info.booted_version},
                    {"digest", to_hex(info.booted_digest)}}},
          {"sessions", {{"used", info.sessions_used}, {"total", info.sessions_total}}},
          {"objects", objects}};
}

void print_info(const bus::ChipInfo& info) {
  std::printf("serial       %s\n", to_hex(info.serial).c_str());
  std::printf("lifecycle    %s\n", bus::lifecycle_name(info.lifecycle));
  std::printf("firmware     %s\n", version_string(info.firmware_version).c_str());
  std::printf("storage      %u of %u bytes used, %u free\n", info.nvm_used, info.nvm_capacity,
              info.nvm_capacity - std::min(info.nvm_used, info.nvm_capacity));
  std::printf("time floor   %s\n", utc(info.time_floor).c_str());
  std::printf("counters     admin %u, firmware rollback %u\n", info.admin_counter, info.rollback_version);
  std::printf("boot         %s", bus::boot_state_name(info.boot_state));
  if (info.boot_state == bus::BootState::Verified) std::printf(" (firmware version %u)", info.booted_version);
  std::printf("\nsessions     %u of %u in use\n", info.sessions_used, info.sessions_total);
  std::printf("objects      %zu\n", info.objects.size());
  for (const auto& o : info.objects) {
    std::printf("  #%-3u %-18s %-12s %s\n", o.id, bus::object_role_name(o.role), bus::object_kind_name(o.kind),
                o.curve ? curve_name(static_cast<Curve>(o.curve)) : "");
    if (!o.summary.empty()) std::printf("       subject  %s\n", o.summary.c_str());
    std::printf("       policy   %s\n", bus::policy_names(o.policy).c_str());
    std::printf("       sha256   %s\n", to_hex(o.fingerprint).c_str());
  }
}

}  // namespace

void add_chip_commands(CLI::App& app, Context& ctx) {
  CLI::App* chip = app.add_subcommand("chip", "inspect and control the chip");
  chip->require_subcommand(1);

  CLI::App* info = chip->add_subcommand("info", "serial, lifecycle, firmware, storage, counters and stored objects");
  add_chip_option(info, ctx);
  add_json_flag(info, ctx);
  info->callback([&ctx] {
    auto driver = open_chip(ctx);
    auto result = check(ctx, "chip info", driver->info());
    if (ctx.json) print_json(info_json(result));
    else print_info(result);
  });

  CLI::App* zeroize = chip->add_subcommand(
      "zeroize",
      "destroy every key and object; a chip in manufacturing starts over, a locked chip is terminated for good");
  add_chip_option(zeroize, ctx);
  add_json_flag(zeroize, ctx);
  static bool yes = false;
  zeroize->add_flag("--yes", yes, "confirm: this cannot be undone")->required();
  zeroize->callback([&ctx] {
    auto driver = open_chip(ctx);
    auto state = check(ctx, "chip zeroize", driver->zeroize());
    if (ctx.json) print_json({{"ok", true}, {"lifecycle", bus::lifecycle_name(state)}});
    else std::printf("zeroized; lifecycle is now %s\n", bus::lifecycle_name(state));
  });

  CLI::App* reset = chip->add_subcommand("reset", "power-cycle the chip: RAM (sessions, boot state) is lost");
  add_chip_option(reset, ctx);
  add_json_flag(reset, ctx);
  reset->callback([&ctx] {
    auto driver = open_chip(ctx);
    check(ctx, "chip reset", driver->reset());
    if (ctx.json) print_json({{"ok", true}});
    else std::printf("chip reset (power cycle)\n");
  });
}

}  // namespace setls::cli
