// What the TLS engine may use of the rest of the chip, and nothing more: the
// trust anchors, the time floor, the device credential under its usage
// policy, and the RAM ticket cache. The firmware implements it
// (chip/firmware/tls_commands.cc); the engine never touches NVM objects, so
// it cannot reach a key or a certificate by any other path.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chip/tls/ticket_cache.h"
#include "chip/x509/trust_anchors.h"
#include "common/bytes/bytes.h"
#include "common/crypto/ec.h"
#include "common/result.h"

namespace setls::chip {

// The device's TLS client credential, lent for one CertificateVerify.
struct ClientCredential {
  const EcKey* key = nullptr;  // owned by the firmware
  std::vector<Bytes> chain;    // device certificate first, then the send-in-chain certificates
};

class ChipServices {
 public:
  virtual ~ChipServices() = default;

  // DER of every stored root whose policy lets it anchor a server chain.
  virtual Result<const x509::TrustAnchors*> trust_anchors() = 0;
  // UNIX seconds; see Firmware::time_floor().
  virtual uint64_t time_floor() const = 0;
  // Raises the persistent floor (an NVM write, so only when `t` is above it).
  virtual Outcome raise_time_floor(uint64_t t) = 0;
  // The device key may sign a CertificateVerify now: its policy has
  // sign-tls-client and, with require-secure-boot, the host booted verified
  // in this power cycle (KeyPolicy, SecureBootRequired otherwise). nullopt
  // when the chip holds no device certificate (the client sends an empty
  // Certificate).
  virtual Result<std::optional<ClientCredential>> client_credential() = 0;
  virtual TicketCache& tickets() = 0;
};

}  // namespace setls::chip
