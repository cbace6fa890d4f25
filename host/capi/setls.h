/* The setls C API: a TLS client whose handshake, keys and trust decisions
 * live in the secure companion chip. For firmware written in C; the C++ API
 * is host/tls/client.h.
 *
 *   setls_chip* chip;
 *   setls_conn* conn;
 *   setls_config cfg = {0};
 *   if (setls_chip_open("unix:/run/setls/chip.sock", NULL, &chip) != 0) ...
 *   if (setls_connect(chip, "broker.example", 8883, &cfg, &conn) != 0) ...
 *   setls_write(conn, "hello", 5);
 *   long n = setls_read(conn, buf, sizeof buf, 5000);
 *   setls_close(conn);
 *   setls_chip_close(chip);
 *
 * Functions return 0 (or a byte count) on success and a negative setls
 * status on failure: -status, where status is one of docs/bus-protocol.md's
 * codes; setls_status_message() and setls_status_hint() describe it. */
#ifndef SETLS_H
#define SETLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct setls_chip setls_chip;
typedef struct setls_conn setls_conn;

typedef enum {
  SETLS_RECORDS_CHIP = 0, /* records sealed and opened by the chip: no secret on the host */
  SETLS_RECORDS_HOST = 1  /* traffic keys released over the secure channel (needs pairing) */
} setls_record_mode;

typedef struct {
  const char* server_name;       /* the name the server must prove; NULL: the host */
  const char* const* alpn;       /* offered protocols, or NULL */
  size_t alpn_count;
  setls_record_mode record_mode;
  size_t receive_buffer;         /* largest record accepted, 64..16384; 0: 16384 */
  unsigned timeout_ms;           /* connection and handshake; 0: 30000 */
} setls_config;

/* Connects to a chip ("unix:PATH"). With `pairing_file` (the host's half of
 * the pairing), the secure channel is opened; host record mode needs it. */
int setls_chip_open(const char* address, const char* pairing_file, setls_chip** out);
void setls_chip_close(setls_chip* chip);

/* TCP connection and TLS handshake. */
int setls_connect(setls_chip* chip, const char* host, uint16_t port, const setls_config* config,
                  setls_conn** out);
/* The application's own transport (a UART modem, a proxy...) instead of a
 * TCP socket. `read` returns > 0 bytes read, 0 at the end of the stream, or
 * < 0: -SETLS_TIMEOUT when nothing arrived within timeout_ms, any other
 * negative value an IO error. `write` returns how many bytes it wrote (at
 * least 1; it is called again for the rest) or < 0 on error. `close` (may
 * be NULL) is called once, by setls_close, after close_notify was written.
 * `user` is passed to each as is. */
typedef long (*setls_io_read_fn)(void* user, uint8_t* buf, size_t len, unsigned timeout_ms);
typedef long (*setls_io_write_fn)(void* user, const uint8_t* data, size_t len, unsigned timeout_ms);
typedef void (*setls_io_close_fn)(void* user);
typedef struct {
  setls_io_read_fn read;
  setls_io_write_fn write;
  setls_io_close_fn close;
  void* user;
} setls_io;

/* TLS handshake over `io`; config->server_name is required. */
int setls_connect_io(setls_chip* chip, const setls_io* io, const setls_config* config, setls_conn** out);

/* Sends all of `data`; returns `len` or a negative status. */
long setls_write(setls_conn* conn, const void* data, size_t len);
/* Reads up to `len` bytes: > 0 bytes read, 0 once the server has closed,
 * < 0 a negative status (-SETLS_TIMEOUT after `timeout_ms`). */
long setls_read(setls_conn* conn, void* buf, size_t len, unsigned timeout_ms);
/* Sends close_notify, closes the socket (or calls io->close) and frees the connection. */
int setls_close(setls_conn* conn);

/* What was negotiated: "TLS 1.3", "TLS_AES_128_GCM_SHA256", "P-256", ALPN ("" if none). */
const char* setls_version(const setls_conn* conn);
const char* setls_cipher_suite(const setls_conn* conn);
const char* setls_group(const setls_conn* conn);
const char* setls_alpn(const setls_conn* conn);
int setls_client_authenticated(const setls_conn* conn);

/* Describes a status (pass it with or without the minus sign). */
const char* setls_status_message(int status);
const char* setls_status_hint(int status);

#define SETLS_TIMEOUT 0x0803

#ifdef __cplusplus
}
#endif

#endif /* SETLS_H */
