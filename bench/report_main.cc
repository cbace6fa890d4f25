// setls_bench_report: turns the raw results bench/run collected into
// bench/report.md, bench/report.json and gnuplot data for the plots. Every
// figure in the report is read from those results; what was not measured
// says so, with what it needs.
//
//   setls_bench_report RESULTS_DIR OUT_DIR
//
// RESULTS_DIR holds micro.json (Google Benchmark), model.json
// (setls_bench_model), heap.json (setls_heap_probe), size.json (bench/run)
// env.json (bench/run), handshake.json and connection_records.json
// (setls_bench_handshake through bench/run); any may be missing.
#include <nlohmann/json.hpp>

#include "chip/perf/latency.h"

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using nlohmann::json;

namespace {

const double kNaN = std::nan("");

json load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "setls_bench_report: %s: %s\n", path.c_str(), e.what());
    return nullptr;
  }
}

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Google Benchmark: the median CPU time (ns) of a benchmark run with
// repetitions, or its only run.
// The coefficient of variation of the CPU time across repetitions (0..1).
std::map<std::string, double> micro_cpu_cv(const json& micro) {
  std::map<std::string, double> out;
  if (micro.is_null()) return out;
  for (const auto& b : micro["benchmarks"])
    if (b.value("aggregate_name", "") == "cv") out[b.value("run_name", "")] = b.value("cpu_time", 0.0);
  return out;
}

std::map<std::string, double> micro_cpu_ns(const json& micro) {
  std::map<std::string, double> out;
  if (micro.is_null()) return out;
  for (const auto& b : micro["benchmarks"]) {
    std::string name = b.value("run_name", b.value("name", ""));
    std::string agg = b.value("aggregate_name", "");
    if (b.value("run_type", "") == "aggregate" && agg != "median") continue;
    if (b.contains("error_occurred") && b["error_occurred"].get<bool>()) continue;
    double t = b.value("cpu_time", 0.0);
    std::string unit = b.value("time_unit", "ns");
    if (unit == "us") t *= 1e3;
    if (unit == "ms") t *= 1e6;
    if (agg == "median" || out.find(name) == out.end()) out[name] = t;
  }
  return out;
}

struct Target {
  std::string what, goal, result, status, why;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s RESULTS_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  std::string in = argv[1], out_dir = argv[2];
  json micro = load(in + "/micro.json"), model = load(in + "/model.json"), heap = load(in + "/heap.json"),
       size = load(in + "/size.json"), env = load(in + "/env.json"), hs = load(in + "/handshake.json");
  json report = {{"environment", env}};
  std::ostringstream md;
  std::vector<Target> targets;

  md << "# setls benchmark report\n\n"
     << "Written by `bench/run` from the results in `" << in << "`; every figure below comes from that run. "
     << "Method and sources: `docs/performance.md`.\n\n";
  if (!env.is_null()) {
    md << "- machine: " << env.value("cpu", "?") << ", " << env.value("cores", 0) << " cores, load average at start "
       << env.value("load", "?") << "\n"
       << "- commit: `" << env.value("commit", "?") << "`, build: " << env.value("build_type", "?") << "\n"
       << "- OpenSSL " << env.value("openssl", "?") << ", Mbed TLS " << env.value("mbedtls", "?") << "\n"
       << "- date: " << env.value("date", "?") << "\n\n";
    double load = std::atof(env.value("load", "0").c_str());
    if (load > env.value("cores", 1))
      md << "**The machine was busy** (load average " << fmt(load, 1) << " on " << env.value("cores", 1)
         << " cores): timings are CPU times, but caches and frequency are shared, so they are noisy; the spread "
            "(coefficient of variation across repetitions) is shown next to each record figure. Rerun `bench/run` on "
            "an idle machine before drawing conclusions from small differences. Instruction counts, heap, code size "
            "and modeled times do not depend on load.\n\n";
  }

  // ---- 1. Modeled handshake and chip flows ----
  md << "## 1. Modeled time on real parts\n\n"
     << "Each flow ran on the software chip with a latency meter: the operations the firmware performed and the "
        "bytes that crossed the bus, priced with each part's published figures. `+` marks a lower bound (the part "
        "publishes no time for an operation that was counted; it is charged 0).\n\n";
  json flows_json = json::array();
  bool have_handshake = false;
  if (!model.is_null()) {
    md << "| flow | none | atecc608 | optiga-trust-m | ta100 | frames | bus bytes | operations |\n"
       << "|---|---:|---:|---:|---:|---:|---:|---|\n";
    std::ofstream dat(out_dir + "/model.dat");
    dat << "# flow none atecc608 optiga ta100 (ms)\n";
    for (const auto& flow : model["flows"]) {
      std::string name = flow["name"];
      if (flow.contains("not_measured")) {
        md << "| " << name << " (" << flow.value("what", "") << ") | " << flow["not_measured"].get<std::string>()
           << " | | | | | | |\n";
        flows_json.push_back(flow);
        continue;
      }
      if (name.rfind("tls13", 0) == 0) have_handshake = true;
      md << "| " << name << " (" << flow.value("what", "") << ")";
      dat << "\"" << name << "\"";
      const json* first = nullptr;
      for (const auto& p : flow["profiles"]) {
        if (!first) first = &p;
        double ms = p["modeled_ms"];
        md << " | " << fmt(ms) << (p["lower_bound"].get<bool>() ? "+" : "") << " ms";
        dat << " " << fmt(ms, 3);
      }
      dat << "\n";
      if (first) {
        std::string ops;
        for (const auto& [k, v] : (*first)["ops"].items())
          if (v.get<uint64_t>() != 0) ops += (ops.empty() ? "" : ", ") + std::to_string(v.get<uint64_t>()) + " " + k;
        md << " | " << (*first)["frames"].get<uint64_t>() << " | "
           << (*first)["bytes_in"].get<uint64_t>() + (*first)["bytes_out"].get<uint64_t>() << " | " << ops << " |\n";
      }
      flows_json.push_back(flow);
    }
    md << "\n![modeled time per flow and part](model.png)\n\n";

    // The bus cost of each handshake flow: what a real bus carries.
    md << "### Bus round trips and bytes per handshake flow\n\n"
       << "From the ClientHello to the client's last flight (a resumed flow: the resumed handshake only; tickets "
          "and close not included).\n\n"
       << "| flow | round trips | bytes to chip | bytes from chip | bus time on OPTIGA (400 kbit/s) | modeled on OPTIGA "
          "|\n|---|---:|---:|---:|---:|---:|\n";
    for (const auto& flow : model["flows"]) {
      std::string name = flow["name"];
      if (name.rfind("tls", 0) != 0) continue;
      if (flow.contains("not_measured")) {
        md << "| " << name << " | " << flow["not_measured"].get<std::string>() << " | | | | |\n";
        continue;
      }
      for (const auto& p : flow["profiles"]) {
        if (p["profile"] != "optiga-trust-m") continue;
        md << "| " << name << " | " << p["frames"].get<uint64_t>() << " | " << p["bytes_in"].get<uint64_t>() << " | "
           << p["bytes_out"].get<uint64_t>() << " | " << fmt(p["bus_ms"].get<double>(), 1) << " ms | "
           << fmt(p["modeled_ms"].get<double>(), 0) << (p["lower_bound"].get<bool>() ? "+" : "") << " ms |\n";
      }
    }
    md << "\n";
  } else {
    md << "Not measured: `setls_bench_model` did not run.\n\n";
  }
  report["modeled_flows"] = flows_json;

  double optiga_handshake = kNaN;
  if (have_handshake) {
    for (const auto& flow : model["flows"])
      if (flow["name"] == "tls13_mutual")
        for (const auto& p : flow["profiles"])
          if (p["profile"] == "optiga-trust-m") optiga_handshake = p["modeled_ms"];
  }
  // Where the modeled handshake's time goes, per profile: each counted
  // operation kind priced alone, plus the bus; the symmetric work priced
  // both ways (inside setls's commands, and as the part's own commands).
  auto ops_of = [](const json& p, std::initializer_list<const char*> kinds) {
    setls::CryptoOpCounts ops;
    for (size_t i = 0; i < setls::kCryptoOpKinds; ++i)
      for (const char* k : kinds)
        if (std::string(setls::crypto_op_name(static_cast<setls::CryptoOp>(i))) == k) ops.n[i] = p["ops"][k].get<uint64_t>();
    return ops;
  };
  auto all_ops = [](const json& p) {
    setls::CryptoOpCounts ops;
    for (size_t i = 0; i < setls::kCryptoOpKinds; ++i)
      ops.n[i] = p["ops"].value(setls::crypto_op_name(static_cast<setls::CryptoOp>(i)), uint64_t{0});
    return ops;
  };
  // The same counted work as one part command per symmetric operation: the
  // host-driven design of the literature (its extra bus frames not added).
  auto as_commands_ms = [&](const json& p, bool& lower) {
    const setls::chip::LatencyProfile* prof = setls::chip::find_latency_profile(p["profile"].get<std::string>());
    if (prof == nullptr) return kNaN;
    return setls::chip::crypto_cost_ms(*prof, all_ops(p), lower, setls::chip::Pricing::AsCommands) +
           p["bus_ms"].get<double>();
  };
  const json* optiga13 = nullptr;
  if (have_handshake)
    for (const auto& flow : model["flows"])
      if (flow["name"] == "tls13_mutual" && !flow.contains("not_measured"))
        for (const auto& p : flow["profiles"])
          if (p["profile"] == "optiga-trust-m") optiga13 = &p;
  if (have_handshake) {
    for (const auto& flow : model["flows"]) {
      if (flow["name"] != "tls13_mutual" || flow.contains("not_measured")) continue;
      md << "### Where the modeled TLS 1.3 handshake spends its time\n\n"
         << "setls runs the key schedule, the hashing and the AEAD inside its own commands, on the part's SHA/AES "
            "engine, whose time no vendor publishes (charged 0: the setls total is a lower bound). The columns in "
            "*italics* price that same symmetric work as the part's own commands (one DeriveKey per HKDF, one SHA "
            "command per block): what the host-driven \"one HKDF per bus command\" design pays.\n\n"
         << "| profile | bus | ecdsa_sign | ecdsa_verify | ecdh | keygen | setls total | *hkdf as commands* | "
            "*hmac* | *hashing* | *aead* | *total as commands* |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
      for (const auto& p : flow["profiles"]) {
        const setls::chip::LatencyProfile* prof = setls::chip::find_latency_profile(p["profile"].get<std::string>());
        if (prof == nullptr || prof->name == "none") continue;
        auto price = [&](std::initializer_list<const char*> kinds) {
          bool lower = false;
          double ms = setls::chip::crypto_cost_ms(*prof, ops_of(p, kinds), lower, setls::chip::Pricing::AsCommands);
          return fmt(ms, 0) + (lower ? "+" : "");
        };
        bool lower = false;
        double commands = as_commands_ms(p, lower);
        md << "| " << prof->name << " | " << fmt(p["bus_ms"].get<double>(), 0) << " | " << price({"ecdsa_sign"})
           << " | " << price({"ecdsa_verify"}) << " | " << price({"ecdh"}) << " | " << price({"keygen"}) << " | **"
           << fmt(p["modeled_ms"].get<double>(), 0) << (p["lower_bound"].get<bool>() ? "+" : "") << "** | "
           << price({"hkdf_extract", "hkdf_expand"}) << " | " << price({"hmac"}) << " | " << price({"hash_bytes"})
           << " | " << price({"aead_calls", "aead_bytes"}) << " | " << fmt(commands, 0) << (lower ? "+" : "")
           << " |\n";
      }
      md << "\nAll in ms; `+`: an operation kind the part publishes no time for (charged 0). Operation counts "
            "are those of the flow table above.\n\n";
    }
  }

  md << "### Against the literature\n\n"
     << "| design | handshake | source |\n|---|---:|---|\n"
     << "| ATECC508A + wolfSSL (ECDSA and ECDH on the chip) | 2.34 s | issue 8, from Noseda et al., "
        "*Performance Analysis of Secure Elements for IoT*, IoT 2022, https://doi.org/10.3390/iot3010001 |\n"
     << "| one HKDF per bus command on OPTIGA Trust M | ≈ 1.5 s of key derivation alone | issue 8 |\n";
  if (optiga13 != nullptr) {
    bool lower = false;
    double commands = as_commands_ms(*optiga13, lower);
    uint64_t hkdf = (*optiga13)["ops"]["hkdf_extract"].get<uint64_t>() + (*optiga13)["ops"]["hkdf_expand"].get<uint64_t>();
    md << "| setls's counted work, with its " << hkdf << " HKDF calls as OPTIGA DeriveKey commands | "
       << fmt(commands / 1000.0, 2) << (lower ? "+" : "") << " s | this run |\n";
  }
  if (have_handshake) {
    for (const auto& flow : model["flows"])
      if (flow["name"] == "tls13_mutual")
        for (const auto& p : flow["profiles"])
          md << "| setls TLS 1.3 mutual auth, modeled on " << p["profile"].get<std::string>() << " | "
             << fmt(p["modeled_ms"].get<double>() / 1000.0, 2) << (p["lower_bound"].get<bool>() ? "+" : "")
             << " s | this run |\n";
  } else {
    md << "| setls TLS 1.3 mutual auth | not measured yet: needs the chip's TLS handshake commands | |\n";
  }
  md << "\n";

  // How fast the part's engine must be for the OPTIGA target to hold: the
  // budget the public-key operations and the bus leave, spread over the
  // symmetric work counted in SHA-256 compressions (an HMAC — one HKDF
  // extract or expand block — is 4; an AES block counted as one).
  std::string optiga_note;
  if (optiga13 != nullptr) {
    const json& p = *optiga13;
    auto n = [&](const char* k) { return static_cast<double>(p["ops"].value(k, uint64_t{0})); };
    double compressions = 4 * (n("hkdf_extract") + n("hkdf_expand") + n("hmac") + n("tls12_prf")) +
                          std::ceil(n("hash_bytes") / 64) + std::ceil(n("aead_bytes") / 16) + n("aead_calls");
    double budget_ms = 600.0 - optiga_handshake;
    report["optiga_public_key_and_bus_ms"] = optiga_handshake;
    report["optiga_symmetric_compressions"] = compressions;
    if (budget_ms > 0) {
      double per_block_ms = budget_ms / compressions;
      double kbyte_s = 64.0 / per_block_ms;  // bytes per ms = kB/s
      report["optiga_engine_needed_kbyte_s"] = kbyte_s;
      md << "On the OPTIGA Trust M, the public-key operations and the bus come to " << fmt(optiga_handshake, 0)
         << " ms, leaving " << fmt(budget_ms, 0) << " ms of the 0.6 s target for the symmetric work: about "
         << fmt(compressions, 0) << " SHA-256 compressions (HKDF and HMAC at 4 each, hashing, AES blocks). The "
         << "target holds if the part's engine does one in " << fmt(per_block_ms, 2) << " ms, i.e. hashes at "
         << fmt(kbyte_s, 0) << " kB/s or better inside a command. The published 4.5 kB/s is a command-level "
         << "figure (500-byte hash commands over the shielded I2C link, transfer included) and is not that "
         << "engine's speed; no vendor publishes the latter.\n\n";
      optiga_note = "lower bound: the key schedule, hashing and AEAD run inside setls's commands on an engine with "
                    "no published time; the target holds if that engine hashes at ≥ " +
                    fmt(kbyte_s, 0) + " kB/s (docs/performance.md §4)";
    } else {
      optiga_note = "the public-key operations and the bus alone exceed it (docs/performance.md §4)";
    }
  }
  bool optiga_lower = optiga13 != nullptr && (*optiga13)["lower_bound"].get<bool>();
  targets.push_back({"modeled OPTIGA Trust M handshake (TLS 1.3, mutual auth)", "≤ 0.6 s",
                     std::isnan(optiga_handshake)
                         ? "not measured yet"
                         : fmt(optiga_handshake / 1000.0, 2) + (optiga_lower ? "+" : "") + " s",
                     std::isnan(optiga_handshake)      ? "open"
                     : optiga_handshake > 600          ? "missed"
                     : optiga_lower                    ? "met (lower bound)"
                                                       : "met",
                     std::isnan(optiga_handshake) ? "needs the chip's TLS handshake commands" : optiga_note});

  // ---- 2. Records ----
  auto cpu = micro_cpu_ns(micro);
  auto cv = micro_cpu_cv(micro);
  md << "## 2. Record protection throughput (CPU time, median)\n\n";
  json records = json::array();
  if (!cpu.empty()) {
    md << "| TLS | record | setls seal | OpenSSL seal | ratio | setls seal+open | OpenSSL seal+open | ratio |\n"
       << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    std::ofstream dat(out_dir + "/records.dat");
    dat << "# case setls_seal openssl_seal setls_rt openssl_rt (MB/s)\n";
    for (int v : {13, 12})
      for (int n : {16384, 1024}) {
        std::string args = "/tls:" + std::to_string(v) + "/bytes:" + std::to_string(n);
        auto get = [&](const std::string& b) {
          auto it = cpu.find(b + args);
          return it == cpu.end() ? kNaN : static_cast<double>(n) / it->second * 1e3;  // MB/s
        };
        double ss = get("BM_SetlsSeal"), os = get("BM_OpensslSeal"), sr = get("BM_SetlsSealOpen"),
               orr = get("BM_OpensslSealOpen");
        auto spread = [&](const std::string& b) {
          auto it = cv.find(b + args);
          return it == cv.end() ? std::string() : " ±" + fmt(it->second * 100, 0) + "%";
        };
        md << "| 1." << v % 10 << " | " << n << " | " << fmt(ss, 0) << " MB/s" << spread("BM_SetlsSeal") << " | "
           << fmt(os, 0) << " MB/s" << spread("BM_OpensslSeal") << " | " << fmt(ss / os, 2) << " | " << fmt(sr, 0)
           << " MB/s" << spread("BM_SetlsSealOpen") << " | " << fmt(orr, 0) << " MB/s" << spread("BM_OpensslSealOpen")
           << " | " << fmt(sr / orr, 2) << " |\n";
        dat << "\"1." << v % 10 << " " << (n / 1024) << "K\" " << fmt(ss, 1) << " " << fmt(os, 1) << " " << fmt(sr, 1)
            << " " << fmt(orr, 1) << "\n";
        records.push_back({{"tls", v}, {"bytes", n}, {"setls_seal_MBps", ss}, {"openssl_seal_MBps", os},
                           {"setls_seal_open_MBps", sr}, {"openssl_seal_open_MBps", orr}});
        if (v == 13 && n == 16384) {
          double ratio = sr / orr;
          targets.push_back({"record throughput at 16 KiB (TLS 1.3, seal+open)", "≥ 0.9× OpenSSL", fmt(ratio, 2) + "×",
                             ratio >= 0.9 ? "met" : "missed",
                             ratio >= 0.9 ? "" : "see §2: both use libcrypto's AES-GCM, the gap is record framing"});
        }
      }
    md << "\nMB/s = 10^6 bytes of plaintext per CPU second. OpenSSL's side includes what its API implies: the record "
          "passes through a memory BIO and SSL_read copies the plaintext out; ours opens in place. Both use "
          "libcrypto's AES-128-GCM.\n\n![record throughput](records.png)\n\n";
    md << "### Bus and dispatch\n\n| benchmark | CPU time |\n|---|---:|\n";
    for (const auto& [name, ns] : cpu)
      if (name.rfind("BM_Frame", 0) == 0 || name.rfind("BM_ChipDispatch", 0) == 0)
        md << "| " << name << " | " << fmt(ns, 0) << " ns |\n";
    md << "\n";
  } else {
    md << "Not measured: the micro-benchmarks did not run.\n\n";
  }
  report["records"] = records;
  report["micro_cpu_ns"] = cpu;

  // ---- 3. Handshake CPU ----
  md << "## 3. Handshakes: rate, CPU and instructions (mutual auth)\n\n";
  // The OpenSSL row of the same version and flow, for the ratios.
  auto openssl_of = [&](const json& c) -> const json* {
    std::string id = c.value("id", "");
    size_t dash = id.find('-');
    if (dash == std::string::npos) return nullptr;
    std::string want = "openssl" + id.substr(dash);
    for (const auto& o : hs["cases"])
      if (o.value("id", "") == want && o.contains("cpu_us_median")) return &o;
    return nullptr;
  };
  if (!hs.is_null()) {
    md << "| client | handshakes/s | client CPU | of which chip (in-process) / setls-chipd CPU | CPU vs OpenSSL | "
          "instructions (callgrind) | of which chip | instr. vs OpenSSL | bus round trips, bytes per connection | "
          "note |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
    std::ofstream dat(out_dir + "/handshake.dat");
    dat << "# case handshakes_per_s\n";
    for (const auto& c : hs["cases"]) {
      md << "| " << c.value("name", "?") << " | ";
      if (!c.contains("cpu_us_median")) {
        md << "- | - | - | - | - | - | - | - | "
           << (c.contains("not_built") ? c["not_built"].get<std::string>() : c.value("note", "")) << " |\n";
        continue;
      }
      const json* o = openssl_of(c);
      double client_cpu = c["cpu_us_median"];
      bool chipd = c.contains("chipd_cpu_us_mean");
      // With setls-chipd the chip's CPU is another process: add it for the ratio.
      double cpu_all = client_cpu + (chipd ? c["chipd_cpu_us_mean"].get<double>() : 0.0);
      md << fmt(c.value("handshakes_per_s", 0.0), 0) << " | " << fmt(client_cpu, 0) << " µs | "
         << (c.contains("chip_cpu_us_median") ? fmt(c["chip_cpu_us_median"].get<double>(), 0) + " µs"
             : chipd                          ? fmt(c["chipd_cpu_us_mean"].get<double>(), 0) + " µs (daemon)"
                                              : std::string("-"))
         << " | "
         << (o != nullptr && o != &c ? fmt(cpu_all / (*o)["cpu_us_median"].get<double>(), 2) + "×" : std::string("-"))
         << " | " << (c.contains("instructions") ? std::to_string(c["instructions"].get<uint64_t>()) : "-") << " | "
         << (c.contains("chip_instructions") ? std::to_string(c["chip_instructions"].get<uint64_t>()) : "-") << " | "
         << (o != nullptr && o != &c && c.contains("instructions") && o->contains("instructions")
                 ? fmt(c["instructions"].get<double>() / (*o)["instructions"].get<double>(), 2) + "×"
                 : std::string("-"))
         << " | "
         << (c.contains("round_trips") ? std::to_string(c["round_trips"].get<uint64_t>()) + ", " +
                                             std::to_string(c["bus_bytes"].get<uint64_t>()) + " B"
                                       : std::string("-"))
         << " | " << c.value("note", "") << " |\n";
      dat << "\"" << c.value("id", "?") << "\" " << fmt(c.value("handshakes_per_s", 0.0), 1) << "\n";
    }
    md << "\n" << hs.value("note", "")
       << " The setls client CPU includes the in-process chip's (it runs on this CPU); with setls-chipd the client "
          "CPU is the host's alone and the daemon's is shown apart (the ratio adds both). Bus round trips per "
          "connection include closing it (TLS_END) and, when resuming, handing the new ticket to the chip.\n\n"
       << "![handshakes per second](handshakes.png)\n\n";
    report["handshake"] = hs;
  } else {
    md << "Not measured: `setls_bench_handshake` did not run.\n\n";
  }
  double setls_ir = kNaN, openssl_ir = kNaN, chip_ir = kNaN;
  if (!hs.is_null())
    for (const auto& c : hs["cases"]) {
      if (!c.contains("instructions")) continue;
      if (c.value("id", "") == "setls-13") {
        setls_ir = static_cast<double>(c["instructions"].get<uint64_t>());
        chip_ir = static_cast<double>(c.value("chip_instructions", uint64_t{0}));
      }
      if (c.value("id", "") == "openssl-13") openssl_ir = static_cast<double>(c["instructions"].get<uint64_t>());
    }
  if (std::isnan(setls_ir) || std::isnan(openssl_ir))
    targets.push_back({"CPU per TLS 1.3 mutual-auth handshake", "≤ 1.3× OpenSSL", "not measured", "open",
                       "setls_bench_handshake setls-13 / openssl-13 did not run under callgrind"});
  else {
    double ratio = setls_ir / openssl_ir;
    std::string split = " (host " + fmt((setls_ir - chip_ir) / 1e6, 2) + " M, chip " + fmt(chip_ir / 1e6, 2) +
                        " M instructions; OpenSSL client " + fmt(openssl_ir / 1e6, 2) + " M)";
    targets.push_back({"CPU per TLS 1.3 mutual-auth handshake (host + in-process chip, callgrind instructions)",
                       "≤ 1.3× OpenSSL", fmt(ratio, 2) + "×" + split, ratio <= 1.3 ? "met" : "missed",
                       ratio <= 1.3 ? ""
                                    : "the chip does the client's public-key work plus the secure channel "
                                      "(its own ECDHE and AEAD per frame) and parses every message again; see §3"});
  }

  // ---- 3b. Records through a connection, host and chip record modes ----
  json conn = load(in + "/connection_records.json");
  md << "### Record throughput through a connection (TLS 1.3, 16 KiB records, both ways)\n\n";
  if (!conn.is_null()) {
    md << "| client | client CPU throughput | bus round trips per record | note |\n|---|---:|---:|---|\n";
    for (const auto& c : conn["cases"]) {
      if (!c.contains("client_cpu_MBps")) {
        md << "| " << c.value("id", "?") << " | - | - | " << c.value("note", "") << " |\n";
        continue;
      }
      md << "| " << c.value("name", "?") << " | " << fmt(c["client_cpu_MBps"].get<double>(), 0) << " MB/s | "
         << fmt(c.value("round_trips_per_record", 0.0), 2) << " | " << c["records_each_way"].get<int>()
         << " records each way |\n";
    }
    md << "\nThe client sends 16 KiB writes and receives 16 KiB records from the libssl server (whose work is not "
          "timed). In chip record mode every record crosses the bus to the in-process chip, which seals or opens "
          "it: the figure is the host's and the chip's CPU together, and a real part would be bounded by its bus "
          "(a 16 KiB record at 400 kbit/s I2C is about 0.4 s each way) and its AES engine.\n\n";
    report["connection_records"] = conn;
    double host = kNaN, ossl = kNaN;
    for (const auto& c : conn["cases"]) {
      if (c.value("id", "") == "records-host") host = c.value("client_cpu_MBps", kNaN);
      if (c.value("id", "") == "records-openssl") ossl = c.value("client_cpu_MBps", kNaN);
    }
    if (!std::isnan(host) && !std::isnan(ossl)) {
      double ratio = host / ossl;
      targets.push_back({"record throughput through a connection at 16 KiB (TLS 1.3, host record mode, both ways)",
                         "≥ 0.9× OpenSSL", fmt(ratio, 2) + "× (" + fmt(host, 0) + " vs " + fmt(ossl, 0) + " MB/s)",
                         ratio >= 0.9 ? "met" : "missed",
                         ratio >= 0.9 ? ""
                                      : "the engine copies each record into its input and output vectors and returns "
                                        "application data as a new vector; sealing and opening in caller-owned "
                                        "buffers would remove the copies (docs/performance.md §4)"});
    }
  } else {
    md << "Not measured.\n\n";
  }

  // ---- 4. Heap ----
  md << "## 4. Heap per client connection\n\n";
  if (!heap.is_null()) {
    md << "Mutual-auth handshake, then the server sends 16 KiB and the client echoes it as it arrives through an "
          "application buffer of one record (16 KiB, or the negotiated 4 KiB or 1 KiB limit; not counted). Per-application "
          "state (contexts, parsed certificates; for setls the chip driver and its secure channel) excluded, and "
          "for setls the chip's own memory (another device). Exact requested sizes, counted by replacing malloc "
          "in the probe.\n\n"
       << "| client | TLS | records | peak | peak by end of handshake | retained | allocations | note |\n"
       << "|---|---|---|---:|---:|---:|---:|---|\n";
    std::ofstream dat(out_dir + "/heap.dat");
    dat << "# case peak_bytes retained_bytes\n";
    for (const auto& c : heap["cases"]) {
      md << "| " << c["impl"].get<std::string>() << " | " << c["tls"].get<std::string>() << " | "
         << c["records"].get<std::string>() << " | ";
      if (c["measured"].get<bool>()) {
        md << c["peak_bytes"].get<uint64_t>() << " B | " << c.value("handshake_peak_bytes", uint64_t{0}) << " B | "
           << c["retained_bytes"].get<uint64_t>() << " B | " << c["allocations"].get<uint64_t>();
        std::string impl = c["impl"], rec = c["records"];
        std::string label = impl.substr(0, impl.find(' ', 5)) + " " + c["tls"].get<std::string>() + " " +
                            rec.substr(0, rec.find_first_of(" ,"));
        if (rec.find("RELEASE") != std::string::npos) label += " rel.buf";
        if (rec.find("chip record") != std::string::npos) label += " chip-rec";
        dat << "\"" << label << "\" " << c["peak_bytes"].get<uint64_t>() << " " << c["retained_bytes"].get<uint64_t>()
            << "\n";
      } else {
        md << "- | - | - | -";
      }
      md << " | " << c.value("note", "") << " |\n";
    }
    md << "\n![heap per connection](heap.png)\n\n";
    report["heap"] = heap;
  } else {
    md << "Not measured: `setls_heap_probe` did not run.\n\n";
  }
  // Targets: host record mode (the host holds the record buffers), the worse
  // of TLS 1.3 and TLS 1.2; KB = 1024 bytes.
  double heap16 = kNaN, heap1 = kNaN, hs16 = kNaN, hs1 = kNaN;
  auto worst = [](double& peak, double& hs, double new_peak, double new_hs) {
    if (std::isnan(peak) || new_peak > peak) peak = new_peak, hs = new_hs;
  };
  if (!heap.is_null())
    for (const auto& c : heap["cases"]) {
      if (c["impl"].get<std::string>().rfind("setls", 0) != 0 || !c["measured"].get<bool>()) continue;
      std::string rec = c["records"];
      double peak = static_cast<double>(c["peak_bytes"].get<uint64_t>());
      double hs_peak = static_cast<double>(c.value("handshake_peak_bytes", uint64_t{0}));
      bool host = rec.find(", host record mode") != std::string::npos;
      if (host && rec.rfind("16384", 0) == 0) worst(heap16, hs16, peak, hs_peak);
      if (host && rec.rfind("1024 (", 0) == 0) worst(heap1, hs1, peak, hs_peak);
    }
  auto heap_target = [&](const char* what, const char* goal, double peak, double hs_peak, double limit) {
    if (std::isnan(peak))
      targets.push_back({what, goal, "not measured yet", "open", "needs a handshake: the chip's TLS commands (branch chiptls)"});
    else
      targets.push_back({what, goal, fmt(peak / 1024.0, 1) + " KB", peak <= limit ? "met" : "missed",
                         peak <= limit ? ""
                                       : fmt(hs_peak / 1024.0, 1) +
                                             " KB at the end of the handshake; the rest is the data phase (the "
                                             "engine's buffer, its cipher contexts): docs/performance.md §4"});
  };
  heap_target("host peak heap at 16 KiB records (host record mode, TLS 1.3 or 1.2)", "≤ 20 KB", heap16, hs16,
              20 * 1024);
  heap_target("host peak heap with 1 KiB records (host record mode, TLS 1.3 or 1.2)", "≤ 4 KB", heap1, hs1,
              4 * 1024);

  // ---- 5. Code size ----
  md << "## 5. Code size (stripped `.text`)\n\n";
  if (!size.is_null()) {
    md << "| library | .text | note |\n|---|---:|---|\n";
    for (const auto& c : size["libraries"])
      md << "| " << c["name"].get<std::string>() << " | " << c["text_bytes"].get<uint64_t>() << " B | "
         << c.value("note", "") << " |\n";
    md << "\n";
    report["code_size"] = size;
  } else {
    md << "Not measured.\n\n";
  }

  // ---- Targets ----
  md << "## 6. Targets\n\n| target | goal | this run | status | why / what would close it |\n|---|---|---|---|---|\n";
  json tj = json::array();
  for (const auto& t : targets) {
    md << "| " << t.what << " | " << t.goal << " | " << t.result << " | " << t.status << " | " << t.why << " |\n";
    tj.push_back({{"target", t.what}, {"goal", t.goal}, {"result", t.result}, {"status", t.status}, {"why", t.why}});
  }
  report["targets"] = tj;
  md << "\n";

  std::ofstream(out_dir + "/report.md") << md.str();
  std::ofstream(out_dir + "/report.json") << report.dump(2) << "\n";
  return 0;
}
