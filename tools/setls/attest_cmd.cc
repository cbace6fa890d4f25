// setls attest [--nonce HEX] and setls attest verify — attestation and its
// offline check.
#include <cstdio>

#include "common/bus/objects.h"
#include "common/crypto/random.h"
#include "tools/setls/attestation_check.h"
#include "tools/setls/cli.h"
#include "tools/setls/files.h"

namespace setls::cli {

namespace {
struct AttestArgs {
  std::string nonce, out, in;
  std::vector<std::string> ca;
};

nlohmann::json statement_json(const attestation::Statement& s) {
  nlohmann::json roots = nlohmann::json::array();
  for (const auto& r : s.root_fingerprints) roots.push_back(to_hex(r));
  return {{"serial", to_hex(s.serial)},
          {"nonce", to_hex(s.nonce)},
          {"lifecycle", bus::lifecycle_name(s.lifecycle)},
          {"chip_firmware_version", s.chip_firmware_version},
          {"boot", {{"state", bus::boot_state_name(s.boot_state)},
                    {"version", s.booted_version},
                    {"sha256", to_hex(s.booted_digest)}}},
          {"rollback_version", s.rollback_version},
          {"admin_counter", s.admin_counter},
          {"time_floor", s.time_floor},
          {"device_cert_sha256", to_hex(s.device_cert_fingerprint)},
          {"root_sha256", roots}};
}
}  // namespace

void add_attest_commands(CLI::App& app, Context& ctx) {
  static AttestArgs args;
  CLI::App* attest = app.add_subcommand(
      "attest", "have the chip sign a statement about itself (serial, lifecycle, boot state, roots, counters)");
  add_chip_option(attest, ctx);
  add_json_flag(attest, ctx);
  attest->add_option("--nonce", args.nonce, "the verifier's challenge, hex (1-64 bytes); random if omitted");
  attest->add_option("--out", args.out, "write the attestation bundle (JSON) here; default: print it");

  CLI::App* verify = attest->add_subcommand("verify", "offline: check an attestation bundle against the device CA");
  add_json_flag(verify, ctx);
  verify->add_option("--ca", args.ca, "device CA certificate(s), PEM")->required();
  verify->add_option("--in", args.in, "the bundle from `setls attest --out`")->required();
  verify->add_option("--nonce", args.nonce, "the nonce the verifier sent (hex); checked when given");

  attest->callback([&ctx, verify] {
    if (verify->parsed()) return;
    Bytes nonce;
    if (args.nonce.empty()) {
      nonce.resize(32);
      check(ctx, "attest", random_bytes(nonce));
    } else if (!from_hex(args.nonce, nonce) || nonce.empty() || nonce.size() > attestation::kMaxNonce) {
      fail(ctx, "attest", "--nonce must be 1 to 64 bytes of hex");
    }
    auto driver = open_chip(ctx);
    AttestationBundle bundle;
    bundle.statement = check(ctx, "attest", driver->attest(nonce));
    auto info = check(ctx, "attest", driver->info());
    for (auto role : {bus::ObjectRole::DeviceCert, bus::ObjectRole::DeviceChainCert})
      for (const auto& o : info.objects)
        if (o.role == role) bundle.certificates.push_back(check(ctx, "attest", driver->read_object(o.id)).data);
    std::string json = bundle_to_json(bundle);
    if (!args.out.empty()) {
      check(ctx, "attest (writing " + args.out + ")", write_file(args.out, as_bytes(json + "\n")));
      if (ctx.json) print_json({{"ok", true}, {"out", args.out}, {"nonce", to_hex(nonce)}});
      else std::printf("attestation for nonce %s written to %s\n", to_hex(nonce).c_str(), args.out.c_str());
    } else {
      std::printf("%s\n", json.c_str());
    }
  });

  verify->callback([&ctx] {
    auto text = check(ctx, "attest verify (reading " + args.in + ")", read_file(args.in));
    auto bundle = check(ctx, "attest verify", bundle_from_json(std::string(text.begin(), text.end())));
    std::vector<Bytes> cas;
    for (const auto& path : args.ca)
      for (auto& der : check(ctx, "attest verify (reading " + path + ")", read_certificates(path)))
        cas.push_back(std::move(der));
    Bytes nonce;
    if (!args.nonce.empty() && !from_hex(args.nonce, nonce)) fail(ctx, "attest verify", "--nonce must be hex");
    std::string why;
    auto verified = verify_bundle(bundle, cas, nonce, why);
    if (!verified) {
      // A verdict, not a usage error: scripts tell the two apart by "error".
      if (ctx.json)
        print_json({{"ok", false}, {"valid", false}, {"error", "AttestationRejected"},
                    {"message", "attestation rejected: " + why}, {"context", "attest verify"}});
      else
        std::fprintf(stderr, "setls: attest verify: REJECTED: %s\n", why.c_str());
      throw Exit(1);
    }
    nlohmann::json j = statement_json(verified->statement);
    j["ok"] = true;
    j["valid"] = true;
    j["device_subject"] = verified->device_subject;
    if (ctx.json) {
      print_json(j);
    } else {
      const auto& s = verified->statement;
      std::printf("attestation VALID: chip %s (%s), device %s\n", to_hex(s.serial).c_str(),
                  bus::lifecycle_name(s.lifecycle), verified->device_subject.c_str());
      std::printf("  boot %s, firmware version %u, rollback counter %u, admin counter %u, %zu root(s)\n",
                  bus::boot_state_name(s.boot_state), s.booted_version, s.rollback_version, s.admin_counter,
                  s.root_fingerprints.size());
    }
  });
}

}  // namespace setls::cli
