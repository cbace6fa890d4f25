// What the tunnel says about each connection when it ends: one line for the
// log with what was negotiated, how much went each way, and why it closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/bus/tls_messages.h"
#include "common/result.h"

namespace setls::host::tunnel {

// Why a connection ended. Everything but Completed, ServerClosed and
// Shutdown comes with an Error in the report.
enum class CloseReason : uint8_t {
  Completed,           // both sides closed cleanly (close_notify, or TCP FIN after ours)
  ServerTruncated,     // the server closed TCP without close_notify: data may be missing
  ServerUnreachable,   // TCP connect failed or timed out
  NoSessionSlot,       // the chip's session slots stayed full for the whole wait
  HandshakeFailed,     // refused by the chip or the server (see the error)
  HandshakeTimeout,    // the server did not finish the handshake in time
  TlsFailed,           // after the handshake: alert, bad record, chip error
  ServerIoError,       // the server's socket failed (reset)
  AppIoError,          // the application's socket failed (reset)
  HalfCloseTimeout,    // one side closed and the other stayed silent too long
  Shutdown,            // the tunnel was stopped (SIGTERM/SIGINT)
};
const char* reason_name(CloseReason r);  // "completed", "server-unreachable", …

struct ConnectionReport {
  uint64_t id = 0;
  std::string app_peer;     // the application's address, "127.0.0.1:40112"
  std::string server;       // "HOST:PORT" as given to --connect
  std::string server_name;  // the name the chip verified the server for
  bool established = false;
  bus::TlsSummary summary;  // valid when established
  std::string record_mode;  // "chip" or "host"
  uint64_t bytes_up = 0;    // application bytes sent to the server
  uint64_t bytes_down = 0;  // application bytes delivered to the application
  std::chrono::milliseconds slot_wait{0};  // time queued for a chip session slot
  std::chrono::milliseconds handshake{0};  // TCP connect to established
  std::chrono::milliseconds duration{0};   // accept to close
  CloseReason reason = CloseReason::Completed;
  Error error{Status::Ok, 0};  // Ok unless the reason is a failure
  bool failed() const { return error.status != Status::Ok; }
};

// "TLS 1.3" / "TLS 1.2" / "-"
std::string version_name(uint16_t version);
// One log line: "conn 12 127.0.0.1:40112 -> localhost:8883 TLS 1.3 … closed: completed".
std::string describe(const ConnectionReport& r);

}  // namespace setls::host::tunnel
