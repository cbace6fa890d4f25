#include "chip/tls/server_chain.h"

namespace setls::chip {

Outcome accept_server_chain(TlsSession& s, ChipServices& chip, const std::vector<ByteView>& presented) {
  if (presented.size() > x509::kMaxPresentedCertificates) return Status::ChainTooLong;
  SETLS_TRY_ASSIGN(const x509::TrustAnchors* anchors, chip.trust_anchors());
  auto verified = x509::verify_server_chain(*anchors, presented, s.params.name,
                                            static_cast<int64_t>(s.params.unix_time_ms / 1000));
  if (!verified) return verified.error();
  // A verified chain proves that its CAs' clocks had passed newest_not_before:
  // the floor moves up, with an NVM write only when it actually moves.
  if (verified->newest_not_before > 0 && static_cast<uint64_t>(verified->newest_not_before) > chip.time_floor())
    SETLS_TRY(chip.raise_time_floor(static_cast<uint64_t>(verified->newest_not_before)));
  s.server_key = std::move(verified->leaf_key);
  s.subjects = std::move(verified->subjects);
  return {};
}

}  // namespace setls::chip
