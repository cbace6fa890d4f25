#include "chip/tls/record_keys.h"

#include "chip/tls/key_schedule13.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"

namespace setls::chip {

Outcome install_keys(tls::RecordProtection& rp, const tls::SuiteInfo& suite, ByteView traffic_secret) {
  tls13::TrafficKeys keys = tls13::traffic_keys(suite.hash, suite.aead, traffic_secret);
  rp = tls::RecordProtection();
  return rp.init(tls::kTls13, suite, keys.key.view(), keys.iv.view());
}

bus::TrafficKey release_keys(const tls::SuiteInfo& suite, ByteView traffic_secret) {
  tls13::TrafficKeys keys = tls13::traffic_keys(suite.hash, suite.aead, traffic_secret);
  bus::TrafficKey out;
  out.key.assign(keys.key.view().begin(), keys.key.view().end());
  out.iv.assign(keys.iv.view().begin(), keys.iv.view().end());
  out.sequence = 0;
  return out;
}

Outcome install_keys12(tls::RecordProtection& rp, const tls::SuiteInfo& suite, ByteView key_and_iv,
                       uint64_t sequence) {
  size_t key = aead_key_size(suite.aead);
  if (key_and_iv.size() != key + suite.iv_size) return Status::Internal;
  rp = tls::RecordProtection();
  return rp.init(tls::kTls12, suite, key_and_iv.first(key), key_and_iv.subspan(key), sequence);
}

bus::TrafficKey release_keys12(const tls::SuiteInfo& suite, ByteView key_and_iv, uint64_t sequence) {
  size_t key = aead_key_size(suite.aead);
  bus::TrafficKey out;
  out.key.assign(key_and_iv.begin(), key_and_iv.begin() + static_cast<long>(key));
  out.iv.assign(key_and_iv.begin() + static_cast<long>(key), key_and_iv.end());
  out.sequence = sequence;
  return out;
}

void advance_secret(const tls::SuiteInfo& suite, Secret& traffic_secret) {
  traffic_secret = tls13::next_traffic_secret(suite.hash, traffic_secret.view());
}

Bytes key_update_message(bool request_update) {
  Bytes out;
  Writer w(out);
  tls::KeyUpdate ku;
  ku.request_update = request_update ? tls::KeyUpdate::kUpdateRequested : tls::KeyUpdate::kUpdateNotRequested;
  tls::write_message(w, ku);
  return out;
}

Status server_fault(Status s) {
  switch (s) {
    case Status::TlsDecode:
    case Status::TlsMissingExtension: return Status::ServerDecodeError;
    case Status::TlsIllegalParameter: return Status::ServerIllegalParameter;
    case Status::TlsUnexpectedMessage: return Status::ServerUnexpectedMessage;
    case Status::TlsRecordOverflow: return Status::ServerRecordOverflow;
    case Status::TlsBadRecordMac: return Status::ServerRecordInvalid;
    case Status::TlsMessageTooLarge: return Status::ServerMessageTooLarge;
    case Status::TlsUnsupportedExtension: return Status::ServerExtensionNotOffered;
    default: return s;
  }
}

}  // namespace setls::chip
