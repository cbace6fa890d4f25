#include "chip/tls/session.h"

#include <algorithm>

namespace setls::chip {

const char* tls_state_name(TlsState s) {
  switch (s) {
    case TlsState::WaitServerHello: return "WaitServerHello";
    case TlsState::WaitRetryHello: return "WaitRetryHello";
    case TlsState::WaitEncryptedExtensions: return "WaitEncryptedExtensions";
    case TlsState::WaitCertificateOrRequest: return "WaitCertificateOrRequest";
    case TlsState::WaitCertificate: return "WaitCertificate";
    case TlsState::WaitCertificateVerify: return "WaitCertificateVerify";
    case TlsState::WaitFinished: return "WaitFinished";
    case TlsState::Connected: return "Connected";
    case TlsState::WaitCertificate12: return "WaitCertificate12";
    case TlsState::WaitServerKeyExchange12: return "WaitServerKeyExchange12";
    case TlsState::WaitRequestOrDone12: return "WaitRequestOrDone12";
    case TlsState::WaitServerHelloDone12: return "WaitServerHelloDone12";
    case TlsState::WaitChangeCipherSpec12: return "WaitChangeCipherSpec12";
    case TlsState::WaitFinished12: return "WaitFinished12";
  }
  return "?";
}

std::string ticket_name(const x509::ServerName& name) {
  std::string out(1, static_cast<char>(name.kind));
  if (name.kind == x509::ServerName::Kind::Dns) out += name.dns;
  else out.append(name.ip.begin(), name.ip.end());
  return out;
}

namespace {
template <class V>
bool has(const std::vector<V>& list, const V& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}
}  // namespace

bool Offer::offers_extension(tls::ExtensionType type) const {
  auto t = static_cast<uint16_t>(type);
  return std::any_of(extensions.begin(), extensions.end(), [t](const tls::Extension& e) { return e.type == t; });
}
bool Offer::offers_version(uint16_t v) const { return has(versions, v); }
bool Offer::offers_suite(uint16_t s) const { return has(suites, s); }
bool Offer::offers_group(uint16_t g) const { return has(groups, g); }
bool Offer::offers_scheme(uint16_t s) const { return has(schemes, s); }

void TlsSession::drop_handshake_secrets() {
  shares.clear();
  psk.reset();
  resume12.reset();
  resumed_ticket.reset();
  master.reset();
  client_hs.clear();
  server_hs.clear();
  hs_read = tls::RecordProtection();
  server_key.reset();
  server_ephemeral.reset();
  master12.clear();
  wipe(first_template);
  assembler.reset();
}

size_t TlsSession::outbound_limit() const {
  return peer_record_limit == 0 ? tls::kMaxPlaintext : std::min<size_t>(peer_record_limit, tls::kMaxPlaintext);
}

}  // namespace setls::chip
