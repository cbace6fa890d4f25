// TCP sockets for the blocking client and the tunnel: connect with a
// timeout, and IO that never blocks forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/bytes/bytes.h"
#include "common/result.h"

namespace setls::host {

// "host:port", "[v6]:port" → host and port.
bool split_host_port(const std::string& address, std::string& host, uint16_t& port);
// Connects to host:port (IPv4 or IPv6), trying each address in turn.
Result<int> tcp_connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);
// Listens on host:port (127.0.0.1:0 picks a port).
Result<int> tcp_listen(const std::string& host, uint16_t port, int backlog = 128);
uint16_t local_port(int fd);

// Writes all of `data`, waiting at most `timeout` for the socket to drain.
Outcome write_all(int fd, ByteView data, std::chrono::milliseconds timeout);
// Reads at most out.size() bytes; 0 means the peer closed. Waits at most `timeout`.
Result<size_t> read_some(int fd, std::span<uint8_t> out, std::chrono::milliseconds timeout);

}  // namespace setls::host
