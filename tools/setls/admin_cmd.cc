// setls admin challenge | authorize | apply — signed remote administration.
// `authorize` runs offline, where the admin key lives, and never needs a chip.
#include <cstdio>
#include <fstream>

#include "chip/x509/certificate.h"
#include "common/signed/authorization.h"
#include "tools/setls/cli.h"
#include "tools/setls/files.h"

namespace setls::cli {

namespace {

struct AdminArgs {
  std::string out;
  std::string admin_key;
  std::string challenge;
  std::vector<std::string> operation;
  std::string blob;
};

Result<admin::Challenge> read_challenge(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto j = nlohmann::json::parse(text->begin(), text->end(), nullptr, false);
  if (j.is_discarded() || !j.contains("serial") || !j.contains("nonce") || !j.contains("counter"))
    return Status::MalformedPayload;
  admin::Challenge c;
  Bytes serial, nonce;
  if (!from_hex(j["serial"].get<std::string>(), serial) || serial.size() != c.serial.size() ||
      !from_hex(j["nonce"].get<std::string>(), nonce) || nonce.size() != c.nonce.size())
    return Status::MalformedPayload;
  std::copy(serial.begin(), serial.end(), c.serial.begin());
  std::copy(nonce.begin(), nonce.end(), c.nonce.begin());
  c.counter = j["counter"].get<uint32_t>();
  return c;
}

// A root named by its certificate file or by the SHA-256 of its DER (hex).
admin::Fingerprint root_fingerprint(const Context& ctx, const std::string& arg) {
  Bytes hex;
  admin::Fingerprint fp{};
  if (arg.size() == 64 && from_hex(arg, hex)) {
    std::copy(hex.begin(), hex.end(), fp.begin());
    return fp;
  }
  auto certs = check(ctx, "admin authorize (reading " + arg + ")", read_certificates(arg));
  return chip::x509::fingerprint(certs.at(0));
}

Bytes one_certificate(const Context& ctx, const std::string& path) {
  auto certs = check(ctx, "admin authorize (reading " + path + ")", read_certificates(path));
  if (certs.size() != 1) fail(ctx, "admin authorize", path + " must hold exactly one certificate");
  return certs[0];
}

constexpr const char* kOperationsHelp =
    "add-root CERT | replace-root OLD NEW | remove-root CERT|SHA256 | rotate-admin-key PUBKEY | "
    "rotate-firmware-key PUBKEY | raise-time-floor UNIX|YYYY-MM-DDTHH:MM:SSZ | terminate";

void fill_operation(const Context& ctx, const std::vector<std::string>& words, admin::Authorization& a) {
  if (words.empty()) fail(ctx, "admin authorize", std::string("name an operation: ") + kOperationsHelp);
  auto op = admin::operation_from_name(words[0]);
  if (!op) fail(ctx, "admin authorize", "unknown operation '" + words[0] + "'; one of: " + kOperationsHelp);
  a.operation = *op;
  size_t want = 0;
  switch (*op) {
    case admin::Operation::ReplaceRoot: want = 2; break;
    case admin::Operation::Terminate: want = 0; break;
    default: want = 1;
  }
  if (words.size() != want + 1)
    fail(ctx, "admin authorize", words[0] + " takes " + std::to_string(want) + " argument(s): " + kOperationsHelp);
  switch (*op) {
    case admin::Operation::AddRoot: a.certificate = one_certificate(ctx, words[1]); break;
    case admin::Operation::ReplaceRoot:
      a.target = root_fingerprint(ctx, words[1]);
      a.certificate = one_certificate(ctx, words[2]);
      break;
    case admin::Operation::RemoveRoot: a.target = root_fingerprint(ctx, words[1]); break;
    case admin::Operation::RotateAdminKey:
    case admin::Operation::RotateFirmwareKey:
      a.public_key = check(ctx, "admin authorize (reading " + words[1] + ")", read_public_key(words[1]));
      break;
    case admin::Operation::RaiseTimeFloor:
      a.time_floor = check(ctx, "admin authorize (time " + words[1] + ")", parse_time(words[1]));
      break;
    case admin::Operation::Terminate: break;
  }
}

}  // namespace

void add_admin_commands(CLI::App& app, Context& ctx) {
  static AdminArgs args;
  CLI::App* adm = app.add_subcommand("admin", "signed remote administration of a locked chip");
  adm->require_subcommand(1);

  CLI::App* challenge = adm->add_subcommand(
      "challenge", "get the chip's serial, a fresh single-use nonce and its admin counter");
  add_chip_option(challenge, ctx);
  add_json_flag(challenge, ctx);
  challenge->add_option("--out", args.out, "write the challenge (JSON) to this file for `admin authorize`");
  challenge->callback([&ctx] {
    auto driver = open_chip(ctx);
    auto c = check(ctx, "admin challenge", driver->admin_challenge());
    nlohmann::json j = {{"serial", to_hex(c.serial)}, {"nonce", to_hex(c.nonce)}, {"counter", c.counter}};
    if (!args.out.empty())
      check(ctx, "admin challenge (writing " + args.out + ")", write_file(args.out, as_bytes(j.dump(2) + "\n")));
    if (ctx.json || args.out.empty()) print_json(j);
    else std::printf("challenge for chip %s (admin counter %u) written to %s\n", to_hex(c.serial).c_str(), c.counter,
                     args.out.c_str());
  });

  CLI::App* authorize = adm->add_subcommand(
      "authorize", "offline: sign one operation for one chip's challenge with the admin key");
  add_json_flag(authorize, ctx);
  authorize->add_option("--admin-key", args.admin_key, "the admin private key (PEM)")->required();
  authorize->add_option("--challenge", args.challenge, "the file from `setls admin challenge --out`")->required();
  authorize->add_option("--out", args.out, "where to write the authorization blob")->required();
  authorize->add_option("operation", args.operation, std::string("OPERATION ARGS...: ") + kOperationsHelp)
      ->required();
  authorize->callback([&ctx] {
    auto key = check(ctx, "admin authorize (reading " + args.admin_key + ")", read_private_key(args.admin_key));
    auto c = check(ctx, "admin authorize (reading " + args.challenge + ")", read_challenge(args.challenge));
    admin::Authorization a;
    a.serial = c.serial;
    a.nonce = c.nonce;
    a.counter = c.counter;
    fill_operation(ctx, args.operation, a);
    Bytes blob = check(ctx, "admin authorize", admin::sign_authorization(a, key));
    check(ctx, "admin authorize (writing " + args.out + ")", write_file(args.out, blob));
    std::string what = std::string(admin::operation_name(a.operation)) + " for chip " + to_hex(a.serial) +
                       " at admin counter " + std::to_string(a.counter);
    if (ctx.json) print_json({{"ok", true}, {"operation", admin::operation_name(a.operation)},
                              {"serial", to_hex(a.serial)}, {"counter", a.counter}, {"out", args.out}});
    else std::printf("authorized %s: %s (%zu bytes)\n", what.c_str(), args.out.c_str(), blob.size());
  });

  CLI::App* apply = adm->add_subcommand("apply", "apply an authorization blob to the chip it was made for");
  add_chip_option(apply, ctx);
  add_json_flag(apply, ctx);
  apply->add_option("blob", args.blob, "the file from `setls admin authorize`")->required();
  apply->callback([&ctx] {
    auto blob = check(ctx, "admin apply (reading " + args.blob + ")", read_file(args.blob));
    auto driver = open_chip(ctx);
    auto done = check(ctx, "admin apply", driver->admin_apply(blob));
    if (ctx.json)
      print_json({{"ok", true}, {"admin_counter", done.admin_counter},
                  {"lifecycle", bus::lifecycle_name(done.lifecycle)}});
    else
      std::printf("applied; admin counter is now %u, lifecycle %s\n", done.admin_counter,
                  bus::lifecycle_name(done.lifecycle));
  });
}

}  // namespace setls::cli
