// The handshake transcript, hashed by the chip from the messages it parsed
// itself. Until the server picks a suite both hashes run; then one remains.
#pragma once

#include <optional>

#include "common/crypto/hash.h"

namespace setls::chip {

class Transcript {
 public:
  Transcript() : sha256_(HashAlg::Sha256), sha384_(HashAlg::Sha384) {}

  void add(ByteView message);
  // Keeps only `alg` (the negotiated suite's hash).
  void choose(HashAlg alg);
  // After a HelloRetryRequest the first ClientHello is replaced by
  // message_hash(Hash(ClientHello1)) (RFC 8446 §4.4.1). Call after choose().
  void replace_with_message_hash();
  bool chosen() const { return chosen_.has_value(); }
  HashAlg alg() const { return *chosen_; }
  Digest current() const;
  // The hash under `alg` while both still run (TLS 1.2 never chooses: its
  // CertificateVerify may hash with another function than the PRF).
  Digest current(HashAlg alg) const;

 private:
  Hash sha256_;
  Hash sha384_;
  std::optional<HashAlg> chosen_;
};

}  // namespace setls::chip
