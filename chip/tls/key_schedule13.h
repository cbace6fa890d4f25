// The TLS 1.3 key schedule (RFC 8446 §7.1) as a typestate: each stage can
// only be built from the one before, and consuming a stage wipes it, so an
// out-of-order derivation does not compile. Labels live in one enum.
// Runs only inside the chip; the host never sees a secret from here.
#pragma once

#include "common/bytes/bytes.h"
#include "common/crypto/aead.h"
#include "common/crypto/hash.h"
#include "common/secure/secret.h"

namespace setls::chip::tls13 {

enum class Label : uint8_t {
  ExternalBinder,
  ResumptionBinder,
  Derived,
  ClientHandshakeTraffic,
  ServerHandshakeTraffic,
  ClientApplicationTraffic,
  ServerApplicationTraffic,
  ExporterMaster,
  ResumptionMaster,
  Key,
  Iv,
  Finished,
  TrafficUpdate,
  Resumption,
};
const char* label_text(Label label);  // without the "tls13 " prefix

// HKDF-Expand-Label(secret, label, context, length).
Secret expand_label(HashAlg hash, ByteView secret, Label label, ByteView context, size_t length);
// Derive-Secret(secret, label, transcript_hash): the hash is computed by the caller.
Secret derive_secret(HashAlg hash, ByteView secret, Label label, ByteView transcript_hash);

// write_key and write_iv for a traffic secret (§7.3).
struct TrafficKeys {
  Secret key;
  Secret iv;
};
TrafficKeys traffic_keys(HashAlg hash, AeadAlg aead, ByteView traffic_secret);
// verify_data for Finished (§4.4.4) under `base_key` (a handshake traffic secret).
Secret finished_mac(HashAlg hash, ByteView base_key, ByteView transcript_hash);
// application_traffic_secret_N+1 (§7.2).
Secret next_traffic_secret(HashAlg hash, ByteView traffic_secret);
// The PSK for a ticket (§4.6.1).
Secret resumption_psk(HashAlg hash, ByteView resumption_master_secret, ByteView ticket_nonce);

class HandshakeSecret;
class MasterSecret;

class EarlySecret {
 public:
  // Without a PSK the early secret is Extract(0, 0...0).
  static EarlySecret without_psk(HashAlg hash);
  static EarlySecret from_psk(HashAlg hash, ByteView psk);
  // binder_key for a resumption PSK (§4.2.11.2).
  Secret resumption_binder_key() const;
  HandshakeSecret to_handshake(ByteView ecdhe_shared_secret) &&;
  HashAlg hash() const { return hash_; }

 private:
  EarlySecret(HashAlg hash, Secret s) : hash_(hash), secret_(std::move(s)) {}
  HashAlg hash_;
  Secret secret_;
};

class HandshakeSecret {
 public:
  // Transcript hash over ClientHello..ServerHello.
  Secret client_traffic(ByteView transcript_hash) const;
  Secret server_traffic(ByteView transcript_hash) const;
  MasterSecret to_master() &&;
  HashAlg hash() const { return hash_; }

 private:
  friend class EarlySecret;
  HandshakeSecret(HashAlg hash, Secret s) : hash_(hash), secret_(std::move(s)) {}
  HashAlg hash_;
  Secret secret_;
};

class MasterSecret {
 public:
  // Transcript hash over ClientHello..server Finished.
  Secret client_traffic(ByteView transcript_hash) const;
  Secret server_traffic(ByteView transcript_hash) const;
  // Transcript hash over ClientHello..client Finished.
  Secret resumption_master(ByteView transcript_hash) const;
  HashAlg hash() const { return hash_; }

 private:
  friend class HandshakeSecret;
  MasterSecret(HashAlg hash, Secret s) : hash_(hash), secret_(std::move(s)) {}
  HashAlg hash_;
  Secret secret_;
};

}  // namespace setls::chip::tls13
