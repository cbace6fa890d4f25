// setls x509 verify --trust FILE --leaf FILE [--untrusted FILE] (--host NAME | --ip ADDR) [--time UNIX]
// The chip's server-chain policy, run on a throwaway in-process chip: what a
// device would decide, without a device. Exit 0 valid, 1 rejected, 2 usage.
#include <cstdio>
#include <ctime>

#include "common/crypto/ec.h"
#include "tools/setls/cli.h"
#include "tools/setls/files.h"
#include "tools/setls/x509_offline.h"

namespace setls::cli {

namespace {

struct VerifyArgs {
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::string leaf;
  std::string host;
  std::string ip;
  int64_t time = -1;
};

// A certificate and where it came from, for messages.
struct Loaded {
  Bytes der;
  std::string origin;  // "root.pem #2"
};

[[noreturn]] void usage(const Context& ctx, const std::string& message) {
  if (ctx.json) print_json({{"ok", false}, {"error", "Usage"}, {"message", message}, {"context", "x509 verify"}});
  else std::fprintf(stderr, "setls: x509 verify: %s\n", message.c_str());
  throw Exit(2);
}

std::vector<Loaded> load(const Context& ctx, const std::vector<std::string>& paths, const char* option) {
  std::vector<Loaded> out;
  for (const auto& path : paths) {
    auto certs = read_certificates(path);
    if (!certs) usage(ctx, std::string(option) + " " + path + ": no certificate could be read (PEM or DER expected)");
    for (size_t i = 0; i < certs->size(); ++i)
      out.push_back({std::move((*certs)[i]), path + (certs->size() > 1 ? " #" + std::to_string(i + 1) : "")});
  }
  return out;
}

std::string utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  char buf[32];
  if (gmtime_r(&tt, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return std::to_string(t);
  return buf;
}

// "server certificate chain rejected (ChainInvalid, X509 error 10: certificate has expired)"
std::string reason(const Error& e) {
  std::string out = describe(e);
  size_t next = out.find(". Next: ");
  return next == std::string::npos ? out : out.substr(0, next);
}

nlohmann::json refused_json(const std::vector<RefusedTrust>& refused, const std::vector<Loaded>& trust) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : refused)
    out.push_back({{"file", trust[r.index].origin},
                   {"subject", r.subject},
                   {"error", status_name(r.error.status)},
                   {"message", reason(r.error)}});
  return out;
}

void run_verify(const Context& ctx, const VerifyArgs& args) {
  if (args.host.empty() == args.ip.empty()) usage(ctx, "give the server's name with --host NAME or --ip ADDR");
  std::vector<Loaded> trust = load(ctx, args.trust, "--trust");
  // The leaf file may hold the whole chain as a server sends it (leaf first).
  std::vector<Loaded> presented = load(ctx, {args.leaf}, "--leaf");
  for (auto& c : load(ctx, args.untrusted, "--untrusted")) presented.push_back(std::move(c));

  bus::PeerNameKind kind = bus::PeerNameKind::Dns;
  Bytes name(args.host.begin(), args.host.end());
  if (!args.ip.empty()) {
    auto ip = host::parse_ip_address(args.ip);
    if (!ip) usage(ctx, "--ip " + args.ip + ": not an IPv4 or IPv6 address");
    kind = bus::PeerNameKind::Ip;
    name = *ip;
  }
  const std::string& shown_name = args.host.empty() ? args.ip : args.host;
  int64_t at = args.time >= 0 ? args.time : static_cast<int64_t>(std::time(nullptr));

  std::vector<Bytes> trust_der, presented_der;
  for (const auto& c : trust) trust_der.push_back(c.der);
  for (const auto& c : presented) presented_der.push_back(c.der);
  auto run = verify_offline(trust_der, presented_der, kind, name, static_cast<uint64_t>(at));
  if (!run) fail(ctx, "x509 verify (starting the in-process chip)", run.error());

  // Refused anchors are a policy decision the operator must hear about: a
  // device would refuse them at provisioning just the same.
  if (!ctx.json)
    for (const auto& r : run->refused_trust)
      std::fprintf(stderr,
                   "setls: x509 verify: warning: the chip refuses to store %s%s as a trust anchor: %s. A device "
                   "would refuse it too, so nothing can chain to it.\n",
                   trust[r.index].origin.c_str(), r.subject.empty() ? "" : (" (" + r.subject + ")").c_str(),
                   describe(r.error).c_str());

  if (!run->verdict) {
    const Error& e = run->verdict.error();
    std::string hint = verification_hint(e);
    if (ctx.json) {
      nlohmann::json j = {{"ok", false},
                          {"valid", false},
                          {"name", shown_name},
                          {"time", at},
                          {"error", status_name(e.status)},
                          {"code", static_cast<int>(e.status)},
                          {"message", status_message(e.status)},
                          {"reason", reason(e)},
                          {"hint", hint},
                          {"refused_trust", refused_json(run->refused_trust, trust)}};
      if (e.detail != 0) j["detail"] = e.detail;
      print_json(j);
    } else {
      std::fprintf(stderr, "setls: x509 verify: chain rejected for %s at %s: %s\n  hint: %s\n", shown_name.c_str(),
                   utc(at).c_str(), reason(e).c_str(), hint.c_str());
      if (run->stored_trust == 0)
        std::fprintf(stderr, "  note: no trust certificate was usable, so no chain can verify\n");
    }
    throw Exit(1);
  }

  const auto& chain = *run->verdict;
  auto key = EcKey::from_spki_der(chain.leaf_spki);
  std::string curve = key ? curve_name(key->curve()) : "unknown";
  if (ctx.json) {
    print_json({{"ok", true},
                {"valid", true},
                {"name", shown_name},
                {"time", at},
                {"leaf_subject", chain.leaf_subject},
                {"subjects", chain.subjects},
                {"leaf_key", curve},
                {"newest_not_before", chain.newest_not_before},
                {"refused_trust", refused_json(run->refused_trust, trust)}});
    return;
  }
  std::printf("chain verified for %s at %s\n", shown_name.c_str(), utc(at).c_str());
  for (size_t i = 0; i < chain.subjects.size(); ++i)
    std::printf("  %zu  %s%s\n", i, chain.subjects[i].c_str(), i + 1 == chain.subjects.size() ? "  (trust anchor)" : "");
  std::printf("leaf key           %s\n", curve.c_str());
  std::printf("newest notBefore   %s\n", utc(chain.newest_not_before).c_str());
}

}  // namespace

void add_x509_commands(CLI::App& app, Context& ctx) {
  static VerifyArgs args;
  CLI::App* x509 = app.add_subcommand("x509", "certificate tools that apply the chip's own policy");
  x509->require_subcommand(1);

  CLI::App* verify = x509->add_subcommand(
      "verify", "verify a server chain exactly as the chip would, on a throwaway in-process chip (no device needed)");
  verify->add_option("--trust", args.trust, "trusted root (or pinned intermediate) certificates, PEM or DER")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--leaf", args.leaf, "the server certificate; following certificates in the file count as sent by the server")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--untrusted", args.untrusted, "intermediate certificates the server sends")
      ->check(CLI::ExistingFile);
  auto* host = verify->add_option("--host", args.host, "the DNS name the client connects to");
  auto* ip = verify->add_option("--ip", args.ip, "the IP address the client connects to");
  host->excludes(ip);
  verify->add_option("--time", args.time, "verify at this UNIX time (default: now)")->check(CLI::NonNegativeNumber);
  add_json_flag(verify, ctx);
  verify->callback([&ctx] { run_verify(ctx, args); });
}

}  // namespace setls::cli
