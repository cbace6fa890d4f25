#include "chip/tls/client_flight.h"

#include <algorithm>

#include "chip/tls/key_schedule13.h"
#include "chip/tls/handshake_records.h"
#include "chip/tls/record_keys.h"

namespace setls::chip {

namespace {

constexpr uint8_t kDummyChangeCipherSpec[] = {20, 0x03, 0x03, 0x00, 0x01, 0x01};

// Certificate, and CertificateVerify when the device can answer the request.
Outcome add_client_auth(TlsSession& s, ChipServices& chip, Bytes& plain) {
  SETLS_TRY_ASSIGN(std::optional<ClientCredential> cred, chip.client_credential());
  // Without a certificate, or when the server accepts no scheme our key
  // signs with, the client answers with an empty Certificate (RFC 8446
  // §4.4.2) and the server decides.
  const EcKey* key = nullptr;
  std::vector<tls::CertificateEntry> entries;
  if (cred && cred->key != nullptr &&
      std::find(s.request_schemes.begin(), s.request_schemes.end(), tls::curve_scheme(cred->key->curve())) !=
          s.request_schemes.end()) {
    key = cred->key;
    for (const Bytes& der : cred->chain) entries.push_back(tls::CertificateEntry{der, {}});
  }
  tls::Certificate13 cert;
  cert.entries = tls::List<tls::CertificateEntry>(entries);
  SETLS_TRY(add_message(s, plain, cert));
  if (key == nullptr) return {};

  Digest th = s.transcript.current();
  Bytes content = certificate_verify_content(/*server=*/false, th.view());
  Curve curve = key->curve();
  auto signature = key->sign(curve_hash(curve), content);
  if (!signature) return signature.error();
  tls::CertificateVerify cv;
  cv.scheme = tls::curve_scheme(curve);
  cv.signature = *signature;
  SETLS_TRY(add_message(s, plain, cv));
  s.client_authenticated = true;
  return {};
}

}  // namespace

Bytes certificate_verify_content(bool server, ByteView transcript_hash) {
  Bytes out(64, 0x20);
  append(out, as_bytes(server ? "TLS 1.3, server CertificateVerify" : "TLS 1.3, client CertificateVerify"));
  out.push_back(0);
  append(out, transcript_hash);
  return out;
}

Outcome send_client_flight(TlsSession& s, ChipServices& chip, Bytes& out) {
  Bytes plain;
  if (s.cert_requested) SETLS_TRY(add_client_auth(s, chip, plain));

  Digest th = s.transcript.current();
  Secret verify_data = tls13::finished_mac(s.suite->hash, s.client_hs.view(), th.view());
  tls::Finished fin;
  fin.verify_data = verify_data.view();
  SETLS_TRY(add_message(s, plain, fin));

  tls::RecordProtection write;
  SETLS_TRY(install_keys(write, *s.suite, s.client_hs.view()));
  append(out, kDummyChangeCipherSpec);
  ByteView rest = plain;
  while (!rest.empty()) {
    size_t n = std::min(rest.size(), s.outbound_limit());
    SETLS_TRY(write.seal(tls::ContentType::Handshake, rest.first(n), out));
    rest = rest.subspan(n);
  }
  wipe(plain);  // holds the Finished
  return {};
}

}  // namespace setls::chip
