// setls firmware sign (offline) and setls boot — secure boot of the host firmware.
#include <cstdio>

#include "common/crypto/hash.h"
#include "common/signed/manifest.h"
#include "tools/setls/cli.h"
#include "tools/setls/files.h"

namespace setls::cli {

namespace {
struct BootArgs {
  std::string key, image, manifest, out, name;
  uint32_t version = 0;
};
}  // namespace

void add_boot_commands(CLI::App& app, Context& ctx) {
  static BootArgs args;
  CLI::App* fw = app.add_subcommand("firmware", "firmware manifests for secure boot");
  fw->require_subcommand(1);
  CLI::App* sign = fw->add_subcommand("sign", "offline: sign a firmware image's manifest with the firmware-signing key");
  add_json_flag(sign, ctx);
  sign->add_option("--key", args.key, "firmware-signing private key (PEM)")->required();
  sign->add_option("--image", args.image, "the firmware image")->required();
  sign->add_option("--version", args.version, "firmware version (anti-rollback counter)")->required();
  sign->add_option("--name", args.name, "a label, e.g. sensor-fw-1.4.2 (≤ 64 bytes)");
  sign->add_option("--out", args.out, "where to write the manifest")->required();
  sign->callback([&ctx] {
    auto key = check(ctx, "firmware sign (reading " + args.key + ")", read_private_key(args.key));
    auto image = check(ctx, "firmware sign (reading " + args.image + ")", read_file(args.image));
    if (args.name.size() > 64) fail(ctx, "firmware sign", "--name is limited to 64 bytes");
    firmware::Manifest m;
    m.version = args.version;
    m.image_size = image.size();
    Digest d = digest(HashAlg::Sha256, image);
    std::copy(d.bytes.begin(), d.bytes.begin() + 32, m.digest.begin());
    m.name = args.name;
    Bytes blob = check(ctx, "firmware sign", firmware::sign_manifest(m, key));
    check(ctx, "firmware sign (writing " + args.out + ")", write_file(args.out, blob));
    if (ctx.json)
      print_json({{"ok", true}, {"version", m.version}, {"size", m.image_size}, {"sha256", to_hex(m.digest)}});
    else
      std::printf("manifest for %s (version %u, %zu bytes, sha256 %s) written to %s\n", args.image.c_str(),
                  m.version, image.size(), to_hex(m.digest).c_str(), args.out.c_str());
  });

  CLI::App* boot = app.add_subcommand(
      "boot", "secure boot: stream the firmware image to the chip, which checks it against the signed manifest");
  add_chip_option(boot, ctx);
  add_json_flag(boot, ctx);
  boot->add_option("--image", args.image, "the firmware image")->required();
  boot->add_option("--manifest", args.manifest, "its manifest from `setls firmware sign`")->required();
  boot->callback([&ctx] {
    auto image = check(ctx, "boot (reading " + args.image + ")", read_file(args.image));
    auto manifest = check(ctx, "boot (reading " + args.manifest + ")", read_file(args.manifest));
    auto driver = open_chip(ctx);
    if (!ctx.json) std::fprintf(stderr, "streaming %zu bytes to the chip...\n", image.size());
    uint32_t version = check(ctx, "boot", driver->secure_boot(manifest, image));
    if (ctx.json) print_json({{"ok", true}, {"boot", "verified"}, {"version", version}});
    else std::printf("secure boot verified: firmware version %u; the device key may now sign handshakes\n", version);
  });
}

}  // namespace setls::cli
