// The TLS session commands (docs/bus-protocol.md §10, docs/chip-tls.md):
// decode the payload, find the caller's session, run one step of the engine
// in chip/tls/, encode the answer. Two rules hold for every command:
//  - a request refused before it reaches a session (malformed payload, a
//    stale handle, another link's handle) changes nothing;
//  - any error once the session is reached ends it: the slot is wiped and
//    freed, and the handle is dead. A handshake is all or nothing.
#include "chip/firmware/commands.h"
#include "chip/tls/client_hello_fill.h"
#include "chip/tls/handshake13.h"
#include "chip/tls/post_handshake.h"
#include "chip/tls/record_engine.h"
#include "chip/tls/record_keys.h"
#include "common/bus/tls_messages.h"

namespace setls::chip::handlers {

namespace {

// The engine's view of the chip: roots, floor, the device credential under
// its policy, the ticket cache. Nothing else of the firmware is reachable.
class FirmwareServices final : public ChipServices {
 public:
  explicit FirmwareServices(Firmware& fw) : fw_(fw) {}

  Result<const x509::TrustAnchors*> trust_anchors() override { return fw_.trust_anchors(); }
  uint64_t time_floor() const override { return fw_.time_floor(); }
  Outcome raise_time_floor(uint64_t t) override { return fw_.raise_time_floor(t); }

  Result<std::optional<ClientCredential>> client_credential() override {
    const NvmState& s = fw_.state();
    const StoredObject* cert = s.find_role(bus::ObjectRole::DeviceCert);
    if (cert == nullptr) return std::optional<ClientCredential>();
    const StoredObject* key_obj = s.find_role(bus::ObjectRole::DeviceKey);
    if (key_obj == nullptr) return Status::NoDeviceKey;
    if ((key_obj->policy & bus::kPolicySignTlsClient) == 0) return Status::KeyPolicy;
    // Invariant 6: the device key signs a handshake only after this power
    // cycle's secure boot verified the host firmware.
    if ((key_obj->policy & bus::kPolicyRequireSecureBoot) != 0 && fw_.ram().boot_state != bus::BootState::Verified)
      return Status::SecureBootRequired;
    auto key = fw_.device_key();
    if (!key) return key.error();
    ClientCredential cred;
    cred.key = *key;
    cred.chain.push_back(cert->public_data);
    for (const auto& o : s.objects)
      if (o.role == bus::ObjectRole::DeviceChainCert && (o.policy & bus::kPolicySendInChain) != 0)
        cred.chain.push_back(o.public_data);
    return std::optional<ClientCredential>(std::move(cred));
  }

  TicketCache& tickets() override { return fw_.ram().tickets; }

 private:
  Firmware& fw_;
};

// Runs one step on the caller's session; an error ends the session.
template <class Step>
auto on_session(Firmware& fw, Connection& conn, uint32_t handle, Step&& step) -> decltype(step(std::declval<TlsSession&>())) {
  auto found = fw.ram().sessions.find(handle, conn.id);
  if (!found) return found.error();
  auto result = step(**found);
  if (!result.ok()) fw.ram().sessions.end(handle);
  return result;
}

Result<x509::ServerName> server_name(const bus::TlsStartRequest& req) {
  x509::ServerName name;
  if (req.name_kind == bus::NameKind::Ip) {
    name.kind = x509::ServerName::Kind::Ip;
    name.ip.assign(req.name.begin(), req.name.end());
  } else {
    name.kind = x509::ServerName::Kind::Dns;
    name.dns = req.name;
  }
  SETLS_TRY(x509::check_server_name(name));
  return name;
}

template <class T>
Bytes encoded(const T& message) {
  return bus::encode(message);
}

}  // namespace

Result<Bytes> tls_start(Firmware& fw, Connection& conn, ByteView payload) {
  bus::TlsStartRequest req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  // Refuse early what would be refused at the end: host record mode
  // releases traffic keys, and only over the secure channel.
  if (req.mode == bus::RecordMode::Host && !conn.secure()) return Status::ChannelRequired;
  SETLS_TRY_ASSIGN(x509::ServerName name, server_name(req));
  if (req.unix_time_ms / 1000 < fw.time_floor()) return Status::TimeBelowFloor;

  SETLS_TRY_ASSIGN(SessionTable::Opened opened, fw.ram().sessions.open(conn.id));
  TlsSession& s = *opened.session;
  s.params.mode = req.mode;
  s.params.name = std::move(name);
  s.params.unix_time_ms = req.unix_time_ms;
  FirmwareServices services(fw);
  auto hello = fill_first_client_hello(s, services, req.resume_id, req.client_hello);
  if (!hello) {
    fw.ram().sessions.end(opened.handle);  // the session never existed
    return hello.error();
  }
  bus::TlsStartResponse rsp;
  rsp.handle = opened.handle;
  rsp.client_hello = std::move(*hello);
  return encoded(rsp);
}

Result<Bytes> tls_handshake(Firmware& fw, Connection& conn, ByteView payload) {
  bus::HandleAndBytes req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  FirmwareServices services(fw);
  return on_session(fw, conn, req.handle, [&](TlsSession& s) -> Result<Bytes> {
    SETLS_TRY_ASSIGN(HandshakeStep step, handshake_server_bytes(s, services, req.data));
    bus::TlsHandshakeResponse rsp;
    rsp.progress = step.progress;
    rsp.consumed = static_cast<uint32_t>(step.consumed);
    rsp.output = std::move(step.output);
    if (step.progress == bus::HandshakeProgress::Retry) {
      rsp.retry_group = s.retry_group;
      rsp.retry_cookie = s.retry_cookie;
    }
    if (step.progress == bus::HandshakeProgress::Done) {
      rsp.summary = handshake_summary(s);
      if (s.params.mode == bus::RecordMode::Host) {
        // Invariant 4 holds here; the keys travel only inside the channel.
        if (!conn.secure()) return Status::ChannelRequired;
        if (s.version == tls::kTls12) {
          // After the Finished records, which took sequence 0 both ways.
          rsp.client_key = release_keys12(*s.suite, s.client_key_block.view(), 1);
          rsp.server_key = release_keys12(*s.suite, s.server_key_block.view(), 1);
          s.client_key_block.clear();
          s.server_key_block.clear();
        } else {
          rsp.client_key = release_keys(*s.suite, s.client_app.view());
          rsp.server_key = release_keys(*s.suite, s.server_app.view());
        }
      }
    }
    Bytes out = encoded(rsp);
    if (rsp.client_key) wipe(rsp.client_key->key);
    if (rsp.server_key) wipe(rsp.server_key->key);
    return out;
  });
}

Result<Bytes> tls_retry(Firmware& fw, Connection& conn, ByteView payload) {
  bus::HandleAndBytes req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  return on_session(fw, conn, req.handle, [&](TlsSession& s) { return fill_retry_client_hello(s, req.data); });
}

Result<Bytes> tls_record_in(Firmware& fw, Connection& conn, ByteView payload) {
  bus::HandleAndBytes req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  FirmwareServices services(fw);
  bool fatal = false;
  auto answer = on_session(fw, conn, req.handle, [&](TlsSession& s) -> Result<Bytes> {
    SETLS_TRY_ASSIGN(bus::TlsRecordInResponse rsp, chip_records_in(s, services, req.data));
    fatal = s.fatal;
    Bytes out = encoded(rsp);
    wipe(rsp.application_data);
    return out;
  });
  // A fatal alert from the server ends the session once it is reported.
  if (answer && fatal) fw.ram().sessions.end(req.handle);
  return answer;
}

Result<Bytes> tls_seal(Firmware& fw, Connection& conn, ByteView payload) {
  bus::TlsSealRequest req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  uint64_t rekey = fw.config().tls_rekey_records;
  return on_session(fw, conn, req.handle,
                    [&](TlsSession& s) { return chip_seal(s, req.content_type, req.plaintext, rekey); });
}

Result<Bytes> tls_post_handshake(Firmware& fw, Connection& conn, ByteView payload) {
  bus::HandleAndBytes req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  FirmwareServices services(fw);
  return on_session(fw, conn, req.handle, [&](TlsSession& s) -> Result<Bytes> {
    SETLS_TRY_ASSIGN(bus::TlsPostHandshakeResponse rsp, host_post_handshake(s, services, req.data));
    if ((rsp.server_key || rsp.client_key) && !conn.secure()) return Status::ChannelRequired;
    return encoded(rsp);
  });
}

Result<Bytes> tls_key_update(Firmware& fw, Connection& conn, ByteView payload) {
  Reader r(payload);
  uint32_t handle = 0;
  uint8_t request = 0;
  if (!r.u32(handle) || !r.u8(request) || !r.expect_end() || request > 1) return Status::MalformedPayload;
  return on_session(fw, conn, handle, [&](TlsSession& s) -> Result<Bytes> {
    if (s.version != tls::kTls13) return Status::SessionState;  // TLS 1.2 has no KeyUpdate
    if (s.params.mode == bus::RecordMode::Host) {
      if (!conn.secure()) return Status::ChannelRequired;
      SETLS_TRY_ASSIGN(bus::TlsKeyUpdateResponse rsp, host_key_update(s, request == 1));
      return encoded(rsp);
    }
    SETLS_TRY_ASSIGN(bus::TlsKeyUpdateResponse rsp, chip_key_update(s, request == 1));
    return encoded(rsp);
  });
}

Result<Bytes> tls_end(Firmware& fw, Connection& conn, ByteView payload) {
  Reader r(payload);
  uint32_t handle = 0;
  if (!r.u32(handle) || !r.expect_end()) return Status::MalformedPayload;
  auto found = fw.ram().sessions.find(handle, conn.id);
  if (!found) return found.error();
  fw.ram().sessions.end(handle);
  return Bytes{};
}

}  // namespace setls::chip::handlers
