// setls tunnel --listen 127.0.0.1:PORT --connect HOST:PORT — a local TLS
// forwarder: unmodified applications (mosquitto_pub, curl) connect in
// plaintext to the local port, and each connection goes on to the server
// over TLS whose handshake the chip runs (host/tunnel/tunnel.h).
#include <arpa/inet.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>

#include "common/tls/cipher_suite.h"
#include "host/io/address.h"
#include "host/io/tcp.h"
#include "host/tunnel/tunnel.h"
#include "tools/setls/cli.h"

namespace setls::cli {

namespace {

struct TunnelArgs {
  std::string listen, connect, servername, record_mode = "chip";
  std::vector<std::string> alpn;
  size_t max_connections = 512;
  double slot_wait_s = 30, connect_timeout_s = 10, handshake_timeout_s = 30, half_close_timeout_s = 60;
  bool json_log = false, resume = false, allow_remote = false;
};

constexpr const char* kFooter = R"(
Each application connection gets its own TLS connection to the server, with
the chip's device certificate when the server asks for one. The chip has few
session slots (setls-chipd: 4) and a connection holds one until it closes:
when all are taken, new connections wait (up to --slot-wait) for one to free.

An application's EOF is forwarded as close_notify; the server's close_notify
as a FIN to the application. A failed connection (server down, handshake
refused, bad record) is reset, so the application never mistakes it for a
complete one. SIGTERM or SIGINT: stop accepting, close every connection with
close_notify, exit 0.

One line per connection on stderr: TLS version, suite, group, resumption,
client authentication, ALPN, bytes each way, duration and why it closed.

Example:
  setls tunnel --chip unix:/run/setls/chip.sock --listen 127.0.0.1:1883 \
      --connect broker.example:8883 --alpn mqtt
  mosquitto_pub -h 127.0.0.1 -p 1883 -t hello -m world)";

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

bool is_loopback(const std::string& host) {
  auto ip = host::parse_ip_address(host);
  if (!ip) return false;
  if (ip->size() == 4) return (*ip)[0] == 127;
  static const uint8_t kV6Loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::equal(ip->begin(), ip->end(), kV6Loopback);
}

nlohmann::json report_json(const host::tunnel::ConnectionReport& r) {
  using F = bus::TlsSummary;
  nlohmann::json j = {{"event", "connection"},
                      {"id", r.id},
                      {"app", r.app_peer},
                      {"server", r.server},
                      {"server_name", r.server_name},
                      {"established", r.established},
                      {"bytes_up", r.bytes_up},
                      {"bytes_down", r.bytes_down},
                      {"slot_wait_ms", r.slot_wait.count()},
                      {"handshake_ms", r.handshake.count()},
                      {"duration_ms", r.duration.count()},
                      {"close", host::tunnel::reason_name(r.reason)},
                      {"ok", !r.failed()}};
  if (r.established) {
    const F& s = r.summary;
    j["version"] = host::tunnel::version_name(s.version);
    j["suite"] = tls::suite_name(s.suite);
    j["group"] = tls::group_name(s.group);
    j["resumed"] = (s.flags & F::kResumed) != 0;
    j["client_authenticated"] = (s.flags & F::kClientAuthenticated) != 0;
    j["alpn"] = s.alpn;
    j["record_mode"] = r.record_mode;
  }
  if (r.failed()) {
    j["error"] = status_name(r.error.status);
    j["message"] = describe(r.error);
    if (r.error.detail != 0) j["detail"] = r.error.detail;
  }
  return j;
}

void log_line(bool json, const nlohmann::json& j, const std::string& text) {
  std::string line = json ? j.dump() : "setls tunnel: " + text;
  std::fprintf(stderr, "%s\n", line.c_str());
}

// SIGTERM and SIGINT as a descriptor the loop polls (signalfd): no handler
// runs in the middle of a chip call.
int signal_descriptor() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return -1;
  return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Two descriptors per connection: ask for the hard limit if the soft one is short.
void raise_descriptor_limit(size_t connections) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = static_cast<rlim_t>(connections * 2 + 64);
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = std::min(want, rl.rlim_max);
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}

}  // namespace

void add_tunnel_commands(CLI::App& app, Context& ctx) {
  static TunnelArgs args;
  CLI::App* t = app.add_subcommand(
      "tunnel",
      "forward local plaintext connections to a TLS server, with the handshake run by the chip (like stunnel)");
  t->footer(kFooter);
  add_chip_option(t, ctx);
  t->add_option("--listen", args.listen, "where applications connect: IP:PORT, normally 127.0.0.1:PORT")
      ->required();
  t->add_option("--connect", args.connect, "the TLS server: HOST:PORT ([v6]:PORT for IPv6)")->required();
  t->add_option("--servername", args.servername, "the name the server must prove (default: HOST of --connect)");
  t->add_option("--alpn", args.alpn, "offer this application protocol (repeat for several)");
  t->add_option("--record-mode", args.record_mode,
                "chip: records sealed and opened by the chip (no secret on the host); "
                "host: traffic keys released to the host over the secure channel (needs --pairing), faster")
      ->check(CLI::IsMember({"chip", "host"}));
  t->add_option("--max-connections", args.max_connections,
                "application connections open at once; more wait in the listen queue")
      ->check(CLI::Range(1, 100000));
  t->add_option("--slot-wait", args.slot_wait_s,
                "seconds a connection may wait for a free chip session slot before it is closed");
  t->add_option("--connect-timeout", args.connect_timeout_s, "seconds for the TCP connect to the server");
  t->add_option("--handshake-timeout", args.handshake_timeout_s, "seconds for the TLS handshake");
  t->add_option("--half-close-timeout", args.half_close_timeout_s,
                "seconds a half-closed connection may stay silent before it is closed");
  t->add_flag("--resume", args.resume,
              "resume with the newest ticket from an earlier connection (shorter handshakes; the "
              "resumption secret stays in the chip)");
  t->add_flag("--json-log", args.json_log, "log one JSON object per line instead of text");
  t->add_flag("--allow-remote", args.allow_remote,
              "allow --listen on a non-loopback address: anyone who reaches it uses the device's identity");

  t->callback([&ctx] {
    std::string listen_host, server_host;
    uint16_t listen_port = 0, server_port = 0;
    if (!host::split_host_port(args.listen, listen_host, listen_port) || !host::parse_ip_address(listen_host))
      fail(ctx, "tunnel", "--listen must be IP:PORT, for example 127.0.0.1:1883 (0 picks a free port)");
    if (!host::split_host_port(args.connect, server_host, server_port) || server_port == 0)
      fail(ctx, "tunnel", "--connect must be HOST:PORT, for example broker.example:8883 or [::1]:8883");
    if (!is_loopback(listen_host) && !args.allow_remote)
      fail(ctx, "tunnel",
           "--listen " + listen_host + " is not a loopback address: whoever connects there speaks with the "
           "device's identity. Use 127.0.0.1, or add --allow-remote if that is intended");

    host::tunnel::Options options;
    options.listen_host = listen_host;
    options.listen_port = listen_port;
    options.server_host = server_host;
    options.server_port = server_port;
    options.tls.server_name = args.servername.empty() ? server_host : args.servername;
    options.tls.alpn = args.alpn;
    options.tls.record_mode = args.record_mode == "host" ? bus::RecordMode::Host : bus::RecordMode::Chip;
    options.max_connections = args.max_connections;
    options.resume = args.resume;
    options.limits.slot_wait = ms(args.slot_wait_s);
    options.limits.connect_timeout = ms(args.connect_timeout_s);
    options.limits.handshake_timeout = ms(args.handshake_timeout_s);
    options.limits.half_close_timeout = ms(args.half_close_timeout_s);

    signal(SIGPIPE, SIG_IGN);  // a vanished peer is an error code, not a signal
    int stop_fd = signal_descriptor();
    if (stop_fd < 0) fail(ctx, "tunnel", "cannot watch SIGTERM/SIGINT (signalfd failed)");
    raise_descriptor_limit(args.max_connections);

    auto chip = open_chip(ctx);
    auto tunnel = host::tunnel::Tunnel::open(*chip, options);
    if (!tunnel) {
      Status s = tunnel.status();
      if (s == Status::ConnectFailed)
        fail(ctx, "tunnel", "cannot resolve " + server_host + ": check the --connect address");
      if (status_class(s) == StatusClass::Io || s == Status::BadArgument)
        fail(ctx, "listening on " + args.listen + " (is the port in use?)", tunnel.error());
      fail(ctx, "asking the chip for its session slots", tunnel.error());
    }
    auto& tun = **tunnel;
    std::string listening = listen_host.find(':') != std::string::npos ? "[" + listen_host + "]" : listen_host;
    listening += ":" + std::to_string(tun.port());
    log_line(args.json_log,
             {{"event", "listening"},
              {"listen", listening},
              {"port", tun.port()},
              {"connect", args.connect},
              {"server_name", options.tls.server_name},
              {"record_mode", args.record_mode},
              {"session_slots", tun.session_slots()}},
             "listening on " + listening + ", forwarding to " + args.connect + " (server name " +
                 options.tls.server_name + ", record mode " + args.record_mode + ", " +
                 std::to_string(tun.session_slots()) + " chip session slots)");

    Outcome ran = tun.run(stop_fd, [](const host::tunnel::ConnectionReport& r) {
      log_line(args.json_log, report_json(r), describe(r));
    });
    const host::tunnel::Stats& st = tun.stats();
    log_line(args.json_log,
             {{"event", "stopped"},
              {"accepted", st.accepted},
              {"completed", st.completed},
              {"failed", st.failed},
              {"resumed", st.resumed},
              {"bytes_up", st.bytes_up},
              {"bytes_down", st.bytes_down},
              {"peak_connections", st.peak_connections},
              {"peak_sessions", st.peak_sessions},
              {"peak_waiting", st.peak_waiting}},
             "stopped after " + std::to_string(st.accepted) + " connections (" + std::to_string(st.failed) +
                 " failed, " + std::to_string(st.resumed) + " resumed); at most " +
                 std::to_string(st.peak_connections) + " at once, " + std::to_string(st.peak_sessions) +
                 " chip sessions, " + std::to_string(st.peak_waiting) + " waiting for a slot");
    ::close(stop_fd);
    if (!ran) fail(ctx, "tunnel stopped: lost the chip", ran.error());
  });
}

}  // namespace setls::cli
