#include "host/tunnel/report.h"

#include <cstdio>

#include "common/tls/cipher_suite.h"

namespace setls::host::tunnel {

const char* reason_name(CloseReason r) {
  switch (r) {
    case CloseReason::Completed: return "completed";
    case CloseReason::ServerTruncated: return "server-closed-without-close-notify";
    case CloseReason::ServerUnreachable: return "server-unreachable";
    case CloseReason::NoSessionSlot: return "no-session-slot";
    case CloseReason::HandshakeFailed: return "handshake-failed";
    case CloseReason::HandshakeTimeout: return "handshake-timeout";
    case CloseReason::TlsFailed: return "tls-failed";
    case CloseReason::ServerIoError: return "server-io-error";
    case CloseReason::AppIoError: return "app-io-error";
    case CloseReason::HalfCloseTimeout: return "half-close-timeout";
    case CloseReason::Shutdown: return "shutdown";
  }
  return "unknown";
}

std::string version_name(uint16_t version) {
  return version == 0x0304 ? "TLS 1.3" : version == 0x0303 ? "TLS 1.2" : "-";
}

namespace {
std::string seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}
}  // namespace

std::string describe(const ConnectionReport& r) {
  using F = bus::TlsSummary;
  std::string line = "conn " + std::to_string(r.id) + " " + r.app_peer + " -> " + r.server;
  if (r.server_name != r.server) line += " (" + r.server_name + ")";
  if (r.established) {
    const F& s = r.summary;
    line += ": " + version_name(s.version) + " " + tls::suite_name(s.suite) + " " + tls::group_name(s.group);
    line += std::string(" resumed=") + ((s.flags & F::kResumed) ? "yes" : "no");
    line += std::string(" client-auth=") + ((s.flags & F::kClientAuthenticated) ? "yes" : "no");
    line += " alpn=" + (s.alpn.empty() ? std::string("-") : s.alpn);
    line += " records=" + r.record_mode;
  } else {
    line += ": not established";
  }
  line += " up=" + std::to_string(r.bytes_up) + "B down=" + std::to_string(r.bytes_down) + "B";
  if (r.slot_wait.count() > 0) line += " slot-wait=" + seconds(r.slot_wait);
  line += " time=" + seconds(r.duration);
  line += std::string(" closed: ") + reason_name(r.reason);
  if (r.failed()) line += ": " + setls::describe(r.error);
  return line;
}

}  // namespace setls::host::tunnel
