// setls factory init | keygen | csr | install-cert | add-root | set-admin-key
//              | set-firmware-key | remove | lock
// Provisioning as a factory station does it, before the chip is locked.
#include <cstdio>

#include "tools/setls/cli.h"
#include "tools/setls/files.h"
#include "host/driver/pairing.h"

namespace setls::cli {

namespace {

struct FactoryArgs {
  bool force = false;
  std::string curve = "P-256";
  std::string subject;
  std::string out;
  std::string file;
  std::vector<std::string> chain;
  uint16_t id = 0;
};

std::string missing_for_lock(uint32_t bits) {
  static const char* kNames[] = {"device key (factory keygen)", "device certificate (factory install-cert)",
                                 "root CA (factory add-root)", "admin key (factory set-admin-key)",
                                 "firmware-signing key (factory set-firmware-key)"};
  std::string out;
  for (unsigned i = 0; i < 5; ++i) {
    if ((bits & (1u << i)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += kNames[i];
  }
  return out;
}

void done(const Context& ctx, nlohmann::json j, const std::string& text) {
  j["ok"] = true;
  if (ctx.json) print_json(j);
  else std::printf("%s\n", text.c_str());
}

CLI::App* add(CLI::App* factory, Context& ctx, const char* name, const char* help) {
  CLI::App* sub = factory->add_subcommand(name, help);
  add_chip_option(sub, ctx);
  add_json_flag(sub, ctx);
  return sub;
}

Bytes read_one_certificate(const Context& ctx, const std::string& what, const std::string& path) {
  auto certs = check(ctx, what + " (reading " + path + ")", read_certificates(path));
  if (certs.size() != 1) fail(ctx, what, path + " holds " + std::to_string(certs.size()) + " certificates; give one");
  return certs[0];
}

}  // namespace

void add_factory_commands(CLI::App& app, Context& ctx) {
  static FactoryArgs args;
  CLI::App* factory = app.add_subcommand("factory", "provision a chip in the manufacturing state");
  factory->require_subcommand(1);

  CLI::App* init = add(factory, ctx, "init", "check that the chip is ready for provisioning and show its serial");
  init->add_flag("--force", args.force, "zeroize a partly provisioned chip first");
  init->callback([&ctx] {
    auto driver = open_chip(ctx);
    auto info = check(ctx, "factory init", driver->info());
    if (info.lifecycle != bus::Lifecycle::Manufacturing)
      fail(ctx, "factory init", Error{info.lifecycle == bus::Lifecycle::Terminated ? Status::Terminated
                                                                                  : Status::ManufacturingOnly});
    if (!info.objects.empty()) {
      if (!args.force)
        fail(ctx, "factory init",
             "the chip already holds " + std::to_string(info.objects.size()) +
                 " objects; continue provisioning, or start over with --force");
      check(ctx, "factory init", driver->zeroize());
    }
    done(ctx, {{"serial", to_hex(info.serial)}, {"lifecycle", "manufacturing"}},
         "chip " + to_hex(info.serial) + " is blank and in manufacturing: ready to provision");
  });

  CLI::App* keygen = add(factory, ctx, "keygen", "generate the device key inside the chip");
  keygen->add_option("--curve", args.curve, "P-256 or P-384")->capture_default_str();
  keygen->add_option("--out", args.out, "write the public key (PEM) here");
  keygen->callback([&ctx] {
    auto curve = curve_from_name(args.curve);
    if (!curve) fail(ctx, "factory keygen", Error{Status::UnsupportedCurve});
    auto driver = open_chip(ctx);
    auto key = check(ctx, "factory keygen", driver->keygen(*curve));
    std::string pem = to_pem("PUBLIC KEY", key.spki);
    if (!args.out.empty()) check(ctx, "factory keygen (writing " + args.out + ")", write_file(args.out, as_bytes(pem)));
    done(ctx, {{"id", key.id}, {"curve", curve_name(*curve)}, {"public_key_pem", pem}},
         "device key #" + std::to_string(key.id) + " (" + curve_name(*curve) + ") generated inside the chip\n" + pem);
  });

  CLI::App* csr = add(factory, ctx, "csr", "have the chip build and sign a PKCS#10 request for the device key");
  csr->add_option("--subject", args.subject, "subject, e.g. /CN=device-0001/O=Example")->required();
  csr->add_option("--out", args.out, "write the CSR (PEM) here; default: print it");
  csr->callback([&ctx] {
    auto subject = check(ctx, "factory csr (--subject)", subject_to_der(args.subject));
    auto driver = open_chip(ctx);
    auto der = check(ctx, "factory csr", driver->csr(subject));
    std::string pem = to_pem("CERTIFICATE REQUEST", der);
    if (!args.out.empty()) check(ctx, "factory csr (writing " + args.out + ")", write_file(args.out, as_bytes(pem)));
    if (ctx.json) print_json({{"ok", true}, {"csr_pem", pem}});
    else if (args.out.empty()) std::printf("%s", pem.c_str());
    else std::printf("CSR for %s written to %s\n", args.subject.c_str(), args.out.c_str());
  });

  CLI::App* install = add(factory, ctx, "install-cert", "store the device certificate (must match the device key)");
  install->add_option("certificate", args.file, "device certificate, PEM or DER")->required();
  install->add_option("--chain", args.chain, "intermediate CA certificates to send with it");
  install->callback([&ctx] {
    Bytes cert = read_one_certificate(ctx, "factory install-cert", args.file);
    auto driver = open_chip(ctx);
    uint16_t id = check(ctx, "factory install-cert", driver->install_cert(bus::ObjectRole::DeviceCert, cert));
    nlohmann::json chain_ids = nlohmann::json::array();
    for (const auto& path : args.chain)
      for (const auto& der : check(ctx, "factory install-cert (reading " + path + ")", read_certificates(path)))
        chain_ids.push_back(check(ctx, "factory install-cert --chain " + path,
                                  driver->install_cert(bus::ObjectRole::DeviceChainCert, der)));
    done(ctx, {{"id", id}, {"chain_ids", chain_ids}},
         "device certificate stored as #" + std::to_string(id) +
             (chain_ids.empty() ? "" : " with " + std::to_string(chain_ids.size()) + " chain certificate(s)"));
  });

  CLI::App* root = add(factory, ctx, "add-root", "store root CA certificates that server chains must lead to");
  root->add_option("certificates", args.file, "PEM file with one or more CA certificates, or one DER")->required();
  root->callback([&ctx] {
    auto certs = check(ctx, "factory add-root (reading " + args.file + ")", read_certificates(args.file));
    auto driver = open_chip(ctx);
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& der : certs) ids.push_back(check(ctx, "factory add-root", driver->add_root(der)));
    done(ctx, {{"ids", ids}}, std::to_string(certs.size()) + " root CA certificate(s) stored");
  });

  auto add_key_command = [&](const char* name, const char* help, bool admin) {
    CLI::App* sub = add(factory, ctx, name, help);
    sub->add_option("key", args.file, "public key, private key or certificate (PEM/DER); only the public key is sent")
        ->required();
    sub->callback([&ctx, name, admin] {
      std::string what = std::string("factory ") + name;
      auto spki = check(ctx, what + " (reading " + args.file + ")", read_public_key(args.file));
      auto driver = open_chip(ctx);
      uint16_t id = check(ctx, what, admin ? driver->set_admin_key(spki) : driver->set_firmware_key(spki));
      done(ctx, {{"id", id}}, std::string(admin ? "admin" : "firmware-signing") + " public key stored as #" +
                                  std::to_string(id));
    });
  };
  add_key_command("set-admin-key", "store the admin public key that signs remote administration", true);
  add_key_command("set-firmware-key", "store the public key that signs firmware manifests", false);

  CLI::App* remove = add(factory, ctx, "remove", "delete an object by id (see `setls chip info`)");
  remove->add_option("id", args.id, "object id")->required();
  remove->callback([&ctx] {
    auto driver = open_chip(ctx);
    check(ctx, "factory remove", driver->delete_object(args.id));
    done(ctx, {{"id", args.id}}, "object #" + std::to_string(args.id) + " removed");
  });

  CLI::App* pair = add(factory, ctx, "pair",
                       "pair this host with the chip for the secure channel; writes the host's pairing file");
  pair->add_option("--out", args.out, "where to write the pairing file (host key + chip channel key, mode 0600)")
      ->required();
  pair->callback([&ctx] {
    auto host_key = check(ctx, "factory pair", EcKey::generate(Curve::P256));
    auto driver = open_chip(ctx);
    Bytes chip_spki = check(ctx, "factory pair", driver->pair_host(host_key.spki_der()));
    check(ctx, "factory pair (writing " + args.out + ")", host::save_pairing(args.out, host_key, chip_spki));
    done(ctx, {{"pairing", args.out}},
         "host paired; keep " + args.out + " on the host only (pass it with --pairing or SETLS_PAIRING)");
  });

  CLI::App* lock = add(factory, ctx, "lock",
                       "end provisioning: the chip becomes operational and trust anchors become admin-only");
  lock->callback([&ctx] {
    auto driver = open_chip(ctx);
    auto state = driver->lock();
    if (!state && state.error().status == Status::NotReadyToLock)
      fail(ctx, "factory lock", "provisioning is incomplete; still missing: " + missing_for_lock(state.error().detail));
    check(ctx, "factory lock", std::move(state));
    done(ctx, {{"lifecycle", "operational"}},
         "chip locked: operational; manufacturing commands are now refused");
  });
}

}  // namespace setls::cli
