// setls connect HOST:PORT — a TLS connection whose handshake runs in the chip:
// prints what was negotiated, sends data, prints what the server answers.
#include <cstdio>

#include "common/tls/cipher_suite.h"
#include "host/io/tcp.h"
#include "host/tls/client.h"
#include "tools/setls/cli.h"
#include "tools/setls/connect_stream.h"
#include "tools/setls/files.h"

namespace setls::cli {

namespace {

struct ConnectArgs {
  std::string address, servername, record_mode = "chip", send, http_get, ticket_in, ticket_out;
  std::vector<std::string> alpn;
  bool send_stdin = false, key_update = false, ign_eof = false, tls12_only = false, tls13_only = false;
  double timeout_s = 30, read_timeout_s = 5;
  size_t receive_buffer = 16384;
};

std::string version_name(uint16_t v) { return v == 0x0304 ? "TLS 1.3" : v == 0x0303 ? "TLS 1.2" : "unknown"; }

// A resumed handshake has no Certificate: the chain the chip verified at the
// original handshake is told from the ticket's notes (host-side, not secret).
nlohmann::json summary_json(const bus::TlsSummary& s, const std::string& mode,
                            const std::vector<std::string>& ticket_chain) {
  using F = bus::TlsSummary;
  bool from_ticket = (s.flags & F::kResumed) && s.chain_subjects.empty();
  return {{"chain_verified_at", from_ticket ? "original handshake" : "this handshake"},{"version", version_name(s.version)},
          {"suite", tls::suite_name(s.suite)},
          {"group", tls::group_name(s.group)},
          {"alpn", s.alpn},
          {"resumed", (s.flags & F::kResumed) != 0},
          {"client_authenticated", (s.flags & F::kClientAuthenticated) != 0},
          {"server_requested_certificate", (s.flags & F::kServerRequestedCert) != 0},
          {"extended_master_secret", (s.flags & F::kExtendedMasterSecret) != 0},
          {"peer_record_limit", s.peer_record_limit ? s.peer_record_limit : 16384},
          {"chain", from_ticket ? ticket_chain : s.chain_subjects},
          {"record_mode", mode}};
}

void print_summary(const bus::TlsSummary& s, const std::string& mode, const std::vector<std::string>& ticket_chain) {
  using F = bus::TlsSummary;
  std::fprintf(stderr, "connected: %s %s %s%s%s, record mode %s\n", version_name(s.version).c_str(),
               tls::suite_name(s.suite), tls::group_name(s.group), (s.flags & F::kResumed) ? ", resumed" : "",
               (s.flags & F::kClientAuthenticated) ? ", client certificate sent" : "", mode.c_str());
  if (!s.chain_subjects.empty()) std::fprintf(stderr, "server: %s (verified by the chip)\n", s.chain_subjects[0].c_str());
  else if ((s.flags & F::kResumed) && !ticket_chain.empty())
    std::fprintf(stderr, "server: %s (resumed: chain verified by the chip at the original handshake)\n",
                 ticket_chain[0].c_str());
  else if (s.flags & F::kResumed) std::fprintf(stderr, "server: resumed (chain verified at the original handshake)\n");
  if (!s.alpn.empty()) std::fprintf(stderr, "alpn: %s\n", s.alpn.c_str());
}

// Tickets are kept by the host as JSON; the secret stays in the chip's cache,
// so a ticket works only with the same chip (and setls-chipd process).
// The subjects of the chain verified at the original handshake ride along
// for the summary of a resumed connection.
nlohmann::json ticket_json(const host::ResumptionTicket& t, const std::vector<std::string>& chain) {
  return {{"chip_entry", t.chip_entry}, {"suite", t.suite},          {"server_name", t.server_name},
          {"ticket", to_hex(t.ticket)}, {"lifetime_s", t.lifetime_s}, {"received_ms", t.received_ms},
          {"chain", chain},             {"version", t.version},        {"session_id", t.session_id}};
}

std::vector<std::string> ticket_chain(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("chain") || !j["chain"].is_array()) return {};
  std::vector<std::string> out;
  for (const auto& s : j["chain"])
    if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::optional<host::ResumptionTicket> ticket_from_json(const nlohmann::json& j) {
  try {
    host::ResumptionTicket t;
    t.chip_entry = j.at("chip_entry").get<uint16_t>();
    t.suite = j.at("suite").get<uint16_t>();
    t.server_name = j.at("server_name").get<std::string>();
    if (!from_hex(j.at("ticket").get<std::string>(), t.ticket)) return std::nullopt;
    t.lifetime_s = j.at("lifetime_s").get<uint32_t>();
    t.received_ms = j.at("received_ms").get<uint64_t>();
    // TLS 1.2 sessions (a ticket or the server's session id); older files hold TLS 1.3 tickets.
    t.version = j.value("version", uint16_t{tls::kTls13});
    t.session_id = j.value("session_id", false);
    return t;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

void add_connect_commands(CLI::App& app, Context& ctx) {
  static ConnectArgs args;
  CLI::App* connect = app.add_subcommand(
      "connect", "connect to a TLS server with the handshake run by the chip; send data and print the answer");
  add_chip_option(connect, ctx);
  add_json_flag(connect, ctx);
  connect->add_option("address", args.address, "HOST:PORT ([v6]:PORT for IPv6)")->required();
  connect->add_option("--servername", args.servername, "the name the server must prove (default: HOST)");
  connect->add_option("--alpn", args.alpn, "offer this application protocol (repeat for several)");
  connect->add_option("--record-mode", args.record_mode,
                      "chip: records sealed and opened by the chip (no secret on the host); "
                      "host: traffic keys released to the host over the secure channel")
      ->check(CLI::IsMember({"chip", "host"}));
  auto* v12 = connect->add_flag("--tls1.2", args.tls12_only, "offer TLS 1.2 only (default: TLS 1.3 and 1.2)");
  connect->add_flag("--tls1.3", args.tls13_only, "offer TLS 1.3 only")->excludes(v12);
  connect->add_option("--send", args.send, "send this text after the handshake");
  connect->add_flag("--stdin", args.send_stdin,
                    "interactive, like openssl s_client: standard input to the server and the server's data to "
                    "standard output as they arrive; the end of input sends close_notify");
  connect->add_flag("--ign-eof", args.ign_eof,
                    "with --stdin: at the end of input keep reading until the server closes or is quiet for "
                    "--read-timeout (s_client -ign_eof)");
  connect->add_option("--http-get", args.http_get, "send an HTTP/1.1 GET for this path and print the response");
  connect->add_flag("--key-update", args.key_update, "update traffic keys both ways after the handshake");
  connect->add_option("--receive-buffer", args.receive_buffer,
                      "largest record this side accepts (64-16384); below 16384 it is announced with "
                      "record_size_limit")
      ->check(CLI::Range(64, 16384));
  connect->add_option("--ticket-in", args.ticket_in, "resume with the ticket saved by --ticket-out");
  connect->add_option("--ticket-out", args.ticket_out, "save the server's newest ticket here (JSON)");
  connect->add_option("--timeout", args.timeout_s, "seconds for the connection and handshake");
  connect->add_option("--read-timeout", args.read_timeout_s,
                      "seconds to wait for the server's answer after sending (it may also close first)");

  connect->callback([&ctx] {
    std::string host;
    uint16_t port = 0;
    if (!host::split_host_port(args.address, host, port))
      fail(ctx, "connect", "the address must be HOST:PORT, for example localhost:8443 or [::1]:8443");

    host::ClientConfig config;
    config.server_name = args.servername.empty() ? host : args.servername;
    config.alpn = args.alpn;
    config.record_mode = args.record_mode == "host" ? bus::RecordMode::Host : bus::RecordMode::Chip;
    config.receive_buffer = args.receive_buffer;
    if (args.tls12_only) config.versions = {tls::kTls12};
    if (args.tls13_only) config.versions = {tls::kTls13};
    std::vector<std::string> resumed_chain;  // from --ticket-in
    if (!args.ticket_in.empty()) {
      auto text = check(ctx, "connect (reading " + args.ticket_in + ")", read_file(args.ticket_in));
      auto j = nlohmann::json::parse(std::string(text.begin(), text.end()), nullptr, false);
      config.resume = ticket_from_json(j);
      if (!config.resume) fail(ctx, "connect", args.ticket_in + " is not a ticket written by --ticket-out");
      resumed_chain = ticket_chain(j);
    }

    auto driver = open_chip(ctx);
    auto client = host::Client::connect(*driver, host, port, config, ms(args.timeout_s));
    if (!client) fail(ctx, "TLS connection to " + args.address, client.error());
    const bus::TlsSummary& summary = (*client)->summary();
    // The chain this session stands on: verified now, or at the original handshake.
    std::vector<std::string> chain =
        (summary.flags & bus::TlsSummary::kResumed) && summary.chain_subjects.empty() ? resumed_chain
                                                                                      : summary.chain_subjects;
    if (!ctx.json) print_summary(summary, args.record_mode, chain);
    if (!ctx.json && (*client)->engine().resumption_refused())
      std::fprintf(stderr, "note: the chip no longer holds the session of %s (used, evicted, expired, or lost in a power cycle): "
                   "made a full handshake instead; save the new ticket with --ticket-out\n", args.ticket_in.c_str());

    if (args.key_update) check(ctx, "key update", (*client)->key_update(true));
    std::string payload = args.send;
    if (!args.http_get.empty())
      payload += "GET " + args.http_get + " HTTP/1.1\r\nHost: " + config.server_name + "\r\nConnection: close\r\n\r\n";
    if (!payload.empty()) check(ctx, "sending", (*client)->write(as_bytes(payload)));

    // Read until the server closes or goes quiet (tickets arrive here too),
    // or, with --stdin, until the input ends.
    Bytes received;
    bool closed_by_server = false;
    if (args.send_stdin) {
      StreamOptions options{.ign_eof = args.ign_eof, .quiet_after_eof = ms(args.read_timeout_s), .print = !ctx.json};
      auto streamed = check(ctx, "streaming with " + args.address, stream_stdin(**client, 0, options));
      received = std::move(streamed.received);
      closed_by_server = streamed.closed_by_server;
      if (!ctx.json)
        std::fprintf(stderr, "done: %zu bytes sent, %zu received; %s\n", streamed.sent, received.size(),
                     closed_by_server  ? "the server closed"
                     : args.ign_eof    ? "the server went quiet, close_notify sent"
                                       : "end of input, close_notify sent");
    }
    while (!args.send_stdin) {
      auto data = (*client)->read(ms(args.read_timeout_s));
      if (!data) {
        if (data.status() == Status::Timeout) break;
        fail(ctx, "reading from " + args.address, data.error());
      }
      if (data->empty()) {
        closed_by_server = true;
        break;
      }
      received.insert(received.end(), data->begin(), data->end());
      if (!ctx.json) std::fwrite(data->data(), 1, data->size(), stdout);
    }
    std::fflush(stdout);
    auto tickets = (*client)->take_tickets();
    uint64_t calls = (*client)->engine().chip_calls();
    (void)(*client)->close();

    if (!args.ticket_out.empty()) {
      if (tickets.empty()) fail(ctx, "connect", "the server sent no session ticket to save");
      std::string text = ticket_json(tickets.back(), chain).dump(2) + "\n";
      check(ctx, "connect (writing " + args.ticket_out + ")", write_file(args.ticket_out, as_bytes(text)));
    }
    const host::BusStats& bus = driver->stats();
    if (ctx.json) {
      nlohmann::json j = summary_json(summary, args.record_mode, chain);
      j["ok"] = true;
      j["received"] = std::string(received.begin(), received.end());
      j["closed_by_server"] = closed_by_server;
      j["tickets"] = tickets.size();
      j["resumption_refused"] = (*client)->engine().resumption_refused();
      j["chip_calls"] = calls;
      j["bus"] = {{"round_trips", bus.round_trips}, {"bytes_sent", bus.bytes_sent},
                  {"bytes_received", bus.bytes_received}};
      print_json(j);
    }
  });
}

}  // namespace setls::cli
