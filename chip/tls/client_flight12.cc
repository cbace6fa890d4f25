#include "chip/tls/client_flight12.h"

#include <algorithm>

#include "chip/tls/key_schedule12.h"
#include "chip/tls/handshake_records.h"
#include "chip/tls/record_keys.h"
#include "common/tls/messages12.h"
#include "common/tls/record.h"

namespace setls::chip {

namespace {

constexpr uint8_t kChangeCipherSpec[] = {20, 0x03, 0x03, 0x00, 0x01, 0x01};

// The device key, when the server asked for a certificate that it can sign
// for: ecdsa_sign accepted and the key's scheme among the requested ones.
Result<const EcKey*> client_certificate(TlsSession& s, ChipServices& chip, Bytes& plain) {
  SETLS_TRY_ASSIGN(std::optional<ClientCredential> cred, chip.client_credential());
  const EcKey* key = nullptr;
  std::vector<tls::Asn1Cert> certs;
  if (cred && cred->key != nullptr &&
      std::find(s.request_schemes.begin(), s.request_schemes.end(), tls::curve_scheme(cred->key->curve())) !=
          s.request_schemes.end()) {
    key = cred->key;
    for (const Bytes& der : cred->chain) certs.push_back(tls::Asn1Cert{der});
  }
  // Otherwise an empty Certificate (RFC 5246 §7.4.6), and the server decides.
  tls::Certificate12 cert;
  cert.certificates = tls::List<tls::Asn1Cert>(certs);
  SETLS_TRY(add_message(s, plain, cert));
  return key;
}

void append_plain_records(Bytes& out, ByteView plain, size_t limit) {
  while (!plain.empty()) {
    size_t n = std::min(plain.size(), limit);
    Writer w(out);
    tls::write_record_header(w, tls::RecordHeader{tls::ContentType::Handshake, tls::kTls12, static_cast<uint16_t>(n)});
    w.bytes(plain.first(n));
    plain = plain.subspan(n);
  }
}

}  // namespace

Outcome send_client_flight12(TlsSession& s, ChipServices& chip, Bytes& out) {
  const tls::SuiteInfo& suite = *s.suite;
  Bytes plain;
  const EcKey* device_key = nullptr;
  if (s.cert_requested) {
    SETLS_TRY_ASSIGN(device_key, client_certificate(s, chip, plain));
  }

  // A fresh ECDHE key on the server's curve, used once here and freed.
  auto ephemeral = EcKey::generate(*tls::group_curve(s.group));
  if (!ephemeral) return Status::CryptoFailure;
  Bytes point = ephemeral->public_point();
  tls::ClientKeyExchangeEcdhe cke;
  cke.public_point = point;
  SETLS_TRY(add_message(s, plain, cke));
  {
    auto premaster = ephemeral->ecdh(*s.server_ephemeral);
    if (!premaster) return premaster.error();
    Digest session_hash = s.transcript.current(suite.hash);
    s.master12 = tls12::extended_master_secret(suite.hash, premaster->view(), session_hash.view());
  }
  s.server_ephemeral.reset();

  if (device_key != nullptr) {
    // RFC 5246 §7.4.8: over every handshake message so far, hashed with the
    // scheme's function — the chip's transcript, never bytes from the host.
    Curve curve = device_key->curve();
    Digest th = s.transcript.current(curve_hash(curve));
    auto signature = device_key->sign_digest(th.view());
    if (!signature) return signature.error();
    tls::CertificateVerify cv;
    cv.scheme = tls::curve_scheme(curve);
    cv.signature = *signature;
    SETLS_TRY(add_message(s, plain, cv));
    s.client_authenticated = true;
  }

  tls12::KeyBlock keys = tls12::key_block(suite, s.master12.view(), s.offer.random, s.server_random);
  Digest th = s.transcript.current(suite.hash);
  Secret verify_data = tls12::finished_verify_data(suite.hash, s.master12.view(), /*server=*/false, th.view());
  tls::Finished fin;
  fin.verify_data = verify_data.view();
  Bytes finished;
  SETLS_TRY(add_message(s, finished, fin));

  append_plain_records(out, plain, s.outbound_limit());
  append(out, kChangeCipherSpec);
  SETLS_TRY(install_keys12(s.app_write, suite, keys.client.view(), 0));
  SETLS_TRY(s.app_write.seal(tls::ContentType::Handshake, finished, out));
  wipe(finished);
  SETLS_TRY(install_keys12(s.hs_read, suite, keys.server.view(), 0));
  s.client_key_block = std::move(keys.client);
  s.server_key_block = std::move(keys.server);
  return {};
}

Outcome send_resumed_finished12(TlsSession& s, Bytes& out) {
  const tls::SuiteInfo& suite = *s.suite;
  Digest th = s.transcript.current(suite.hash);  // the server's Finished included
  Secret verify_data = tls12::finished_verify_data(suite.hash, s.master12.view(), /*server=*/false, th.view());
  tls::Finished fin;
  fin.verify_data = verify_data.view();
  Bytes finished;
  SETLS_TRY(add_message(s, finished, fin));
  append(out, kChangeCipherSpec);
  Outcome sealed = s.app_write.seal(tls::ContentType::Handshake, finished, out);
  wipe(finished);
  return sealed;
}

}  // namespace setls::chip
