// X509_VERIFY: the chip's server-chain policy on demand, against its stored
// trust anchors, in manufacturing and operational states. It reads the
// object store and nothing else: no session, no time-floor update, no NVM
// write, so a host may ask as often as it likes (invariant 9).
#include "chip/firmware/commands.h"
#include "chip/x509/verify.h"
#include "common/bus/x509_messages.h"

namespace setls::chip::handlers {

Result<Bytes> x509_verify(Firmware& fw, Connection&, ByteView payload) {
  bus::X509VerifyRequest req;
  if (!bus::decode(payload, req)) return Status::MalformedPayload;
  // The handshake will refuse a time below the floor; so does this answer,
  // or it would call valid a chain the handshake then rejects.
  if (req.unix_time < fw.state().time_floor) return Status::TimeBelowFloor;
  if (req.unix_time > static_cast<uint64_t>(INT64_MAX)) return Status::BadArgument;

  x509::ServerName name;
  if (req.name_kind == bus::PeerNameKind::Ip) {
    name.kind = x509::ServerName::Kind::Ip;
    name.ip.assign(req.name.begin(), req.name.end());
  } else {
    name.kind = x509::ServerName::Kind::Dns;
    name.dns.assign(req.name.begin(), req.name.end());
  }

  SETLS_TRY_ASSIGN(const x509::TrustAnchors* anchors, fw.trust_anchors());
  auto verified = x509::verify_server_chain(*anchors, req.chain, name, static_cast<int64_t>(req.unix_time));
  if (!verified) return verified.error();
  bus::X509VerifyResponse rsp;
  rsp.leaf_subject = verified->leaf_subject;
  rsp.subjects = verified->subjects;
  rsp.newest_not_before = verified->newest_not_before;
  rsp.leaf_spki = verified->leaf_key.spki_der();
  return bus::encode(rsp);
}

}  // namespace setls::chip::handlers
