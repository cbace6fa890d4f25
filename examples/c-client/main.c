/* A device firmware's view of setls, in C: connect through the chip, send
 * one request, print the answer.
 *
 *   c-client unix:/run/setls/chip.sock HOST PORT [SERVER_NAME] [MESSAGE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/capi/setls.h"

static int failed(const char* what, long status) {
  fprintf(stderr, "c-client: %s: %s. Next: %s\n", what, setls_status_message((int)status),
          setls_status_hint((int)status));
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s CHIP HOST PORT [SERVER_NAME] [MESSAGE]\n", argv[0]);
    return 2;
  }
  const char* message = argc > 5 ? argv[5] : "hello from C\n";
  setls_chip* chip = NULL;
  int rc = setls_chip_open(argv[1], getenv("SETLS_PAIRING"), &chip);
  if (rc != 0) return failed("opening the chip", rc);

  setls_config config;
  memset(&config, 0, sizeof config);
  config.server_name = argc > 4 ? argv[4] : NULL;
  config.record_mode = SETLS_RECORDS_CHIP;
  setls_conn* conn = NULL;
  rc = setls_connect(chip, argv[2], (uint16_t)atoi(argv[3]), &config, &conn);
  if (rc != 0) {
    setls_chip_close(chip);
    return failed("connecting", rc);
  }
  printf("%s %s %s%s\n", setls_version(conn), setls_cipher_suite(conn), setls_group(conn),
         setls_client_authenticated(conn) ? ", client authenticated" : "");

  long sent = setls_write(conn, message, strlen(message));
  if (sent < 0) return failed("sending", sent);
  char buf[4096];
  size_t want = strlen(message), got = 0;
  while (got < want) {
    long n = setls_read(conn, buf, sizeof buf - 1, 10000);
    if (n < 0) return failed("reading", n);
    if (n == 0) break;
    buf[n] = '\0';
    fputs(buf, stdout);
    got += (size_t)n;
  }
  setls_close(conn);
  setls_chip_close(chip);
  return 0;
}
