#include "chip/tls/client_hello_fill.h"

#include <algorithm>

#include "chip/tls/key_schedule13.h"
#include "common/crypto/random.h"
#include "common/tls/extension_rules.h"

namespace setls::chip {

namespace {

using tls::ExtensionType;

// The host's template, copied so that the chip can fill it in place. The
// parsed hello's views point into `bytes`.
struct Template {
  Bytes bytes;
  tls::ClientHello hello;
};

Outcome parse_template(ByteView raw, Template& t) {
  t.bytes.assign(raw.begin(), raw.end());
  auto m = tls::parse_handshake(t.bytes);
  if (!m || m->type != tls::HandshakeType::ClientHello) return Status::ClientHelloTemplate;
  auto hello = tls::decode<tls::ClientHello>(m->body);
  if (!hello) return Status::ClientHelloTemplate;
  t.hello = *hello;
  return {};
}

size_t offset_in(const Template& t, ByteView v) { return static_cast<size_t>(v.data() - t.bytes.data()); }

void write_at(Template& t, size_t at, ByteView v) { std::copy(v.begin(), v.end(), t.bytes.begin() + static_cast<long>(at)); }

bool all_zero(ByteView v) {
  return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

// Parses extension T of the template: absent is fine, malformed is not.
template <class T>
Result<std::optional<T>> extension(const Template& t) {
  auto e = tls::find_extension<T>(t.hello.extensions);
  if (!e) return Status::ClientHelloTemplate;
  return std::move(e).value();
}

// The extensions the chip knows how to hold the server to. Anything else
// (early_data, status_request, post_handshake_auth, …) would let the server
// send something the engine does not check.
bool extension_supported(uint16_t type, bool retry) {
  switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::ServerName:
    case ExtensionType::SupportedGroups:
    case ExtensionType::SignatureAlgorithms:
    case ExtensionType::SignatureAlgorithmsCert:
    case ExtensionType::Alpn:
    case ExtensionType::RecordSizeLimit:
    case ExtensionType::Padding:
    case ExtensionType::SupportedVersions:
    case ExtensionType::KeyShare:
    case ExtensionType::PskKeyExchangeModes:
    case ExtensionType::PreSharedKey:
    case ExtensionType::ExtendedMasterSecret:
    case ExtensionType::RenegotiationInfo:
    case ExtensionType::EcPointFormats:
    case ExtensionType::MaxFragmentLength:
    case ExtensionType::SessionTicket: return true;
    case ExtensionType::Cookie: return retry;  // only to echo a HelloRetryRequest's
    default: return false;
  }
}

template <class V>
bool push_unique(std::vector<V>& list, const V& v) {
  if (std::find(list.begin(), list.end(), v) != list.end()) return false;
  list.push_back(v);
  return true;
}

// The session id is the chip's to choose (zeroed), except when the host
// presents a TLS 1.2 server's session id to resume (its hash is checked later).
Outcome check_fixed_fields(const tls::ClientHello& h, bool session_id_presented) {
  bool id_ok = session_id_presented ? !h.legacy_session_id.empty()
                                    : h.legacy_session_id.size() == tls::kMaxSessionIdSize && all_zero(h.legacy_session_id);
  if (h.legacy_version != tls::kTls12 || !all_zero(h.random) || !id_ok || h.compression_methods.size() != 1 ||
      !h.has_extensions)
    return Status::ClientHelloTemplate;
  return {};
}

Outcome check_versions(const Template& t, Offer& offer) {
  SETLS_TRY_ASSIGN(auto versions, extension<tls::SupportedVersionsClient>(t));
  if (!versions) {
    offer.versions = {tls::kTls12};  // a plain TLS 1.2 ClientHello: legacy_version says it
    return {};
  }
  for (uint16_t v : versions->versions)
    if ((v != tls::kTls13 && v != tls::kTls12) || !push_unique(offer.versions, v)) return Status::ClientHelloVersion;
  return offer.versions.empty() ? Outcome(Status::ClientHelloVersion) : Outcome();
}

// Every suite allowed and of an offered version; every offered version has one.
Outcome check_suites(const tls::ClientHello& h, Offer& offer) {
  for (uint16_t id : h.cipher_suites) {
    const tls::SuiteInfo* info = tls::find_suite(id);
    if (info == nullptr || !offer.offers_version(info->version)) return Status::ClientHelloSuite;
    if (!push_unique(offer.suites, id)) return Status::ClientHelloSuite;
  }
  for (uint16_t v : offer.versions) {
    bool any = std::any_of(offer.suites.begin(), offer.suites.end(),
                           [v](uint16_t id) { return tls::find_suite(id)->version == v; });
    if (!any) return Status::ClientHelloSuite;
  }
  return {};
}

Outcome check_groups(const Template& t, Offer& offer) {
  SETLS_TRY_ASSIGN(auto groups, extension<tls::SupportedGroups>(t));
  if (!groups) return Status::ClientHelloExtension;
  for (uint16_t g : groups->groups)
    if (!tls::group_allowed(g) || !push_unique(offer.groups, g)) return Status::ClientHelloGroup;

  // Key shares exactly when TLS 1.3 is offered (TLS 1.2 gets its ECDHE key at ServerKeyExchange).
  SETLS_TRY_ASSIGN(auto shares, extension<tls::KeyShareClient>(t));
  if (shares.has_value() != offer.offers_version(tls::kTls13)) return Status::ClientHelloExtension;
  if (!shares) return {};
  for (const tls::KeyShareEntry& e : shares->shares) {
    if (!offer.offers_group(e.group)) return Status::ClientHelloGroup;
    auto curve = tls::group_curve(e.group);
    if (!curve || e.key_exchange.size() != curve_point_size(*curve) || !all_zero(e.key_exchange))
      return Status::ClientHelloTemplate;
  }
  return {};
}

// TLS 1.2 offers: extended_master_secret (RFC 7627: required), an empty
// renegotiation_info (RFC 5746: the initial handshake, and never another),
// and ec_point_formats, if sent, with uncompressed points only.
Outcome check_tls12_extensions(const Template& t, const Offer& offer) {
  SETLS_TRY_ASSIGN(auto formats, extension<tls::EcPointFormats>(t));
  if (formats && (formats->formats.size() != 1 || formats->formats[0] != tls::EcPointFormats::kUncompressed))
    return Status::ClientHelloExtension;
  SETLS_TRY_ASSIGN(auto reneg, extension<tls::RenegotiationInfo>(t));
  if (reneg && !reneg->renegotiated_connection.empty()) return Status::ClientHelloExtension;
  auto ems = t.hello.extensions.find(ExtensionType::ExtendedMasterSecret);
  if (ems && !ems->empty()) return Status::ClientHelloExtension;
  bool ticket = t.hello.extensions.contains(ExtensionType::SessionTicket);  // RFC 5077: TLS 1.2 only
  if (!offer.offers_version(tls::kTls12)) return ticket ? Outcome(Status::ClientHelloExtension) : Outcome();
  if (!ems || !reneg) return Status::ClientHelloExtension;
  return {};
}

Outcome check_signatures(const Template& t, Offer& offer) {
  SETLS_TRY_ASSIGN(auto algs, extension<tls::SignatureAlgorithms>(t));
  if (!algs) return Status::ClientHelloExtension;
  for (uint16_t s : algs->schemes)
    if (!tls::handshake_scheme_allowed(s) || !push_unique(offer.schemes, s)) return Status::ClientHelloSignature;
  SETLS_TRY_ASSIGN(auto cert_algs, extension<tls::SignatureAlgorithmsCert>(t));
  if (cert_algs)
    for (uint16_t s : cert_algs->schemes)
      if (!tls::certificate_scheme_allowed(s)) return Status::ClientHelloSignature;
  return {};
}

Outcome check_name_alpn_limits(const Template& t, const SessionParams& p, Offer& offer) {
  SETLS_TRY_ASSIGN(auto sni, extension<tls::ServerNameClient>(t));
  if (p.name.kind == x509::ServerName::Kind::Dns) {
    if (!sni || !std::equal(sni->host_name.begin(), sni->host_name.end(), p.name.dns.begin(), p.name.dns.end()))
      return Status::ClientHelloServerName;
  } else if (sni) {
    return Status::ClientHelloServerName;  // RFC 6066 §3: no literal IP addresses in SNI
  }

  SETLS_TRY_ASSIGN(auto alpn, extension<tls::AlpnProtocols>(t));
  if (alpn)
    for (const tls::ProtocolName& n : alpn->protocols) offer.alpn.emplace_back(n.name.begin(), n.name.end());

  SETLS_TRY_ASSIGN(auto limit, extension<tls::RecordSizeLimit>(t));
  if (limit) {
    if (limit->limit > tls::kMaxPlaintext + 1) return Status::ClientHelloExtension;  // RFC 8449 §4
    offer.record_size_limit = limit->limit;
  }

  SETLS_TRY_ASSIGN(auto mfl, extension<tls::MaxFragmentLength>(t));  // the codec allows codes 1..4 only
  if (mfl) offer.max_fragment_length = mfl->code;

  SETLS_TRY_ASSIGN(auto modes, extension<tls::PskKeyExchangeModes>(t));
  if (modes && !offer.offers_version(tls::kTls13)) return Status::ClientHelloPskMode;
  if (modes && (modes->modes.size() != 1 || modes->modes[0] != static_cast<uint8_t>(tls::PskKeyExchangeMode::PskDheKe)))
    return Status::ClientHelloPskMode;
  if (t.hello.extensions.contains(ExtensionType::PreSharedKey) && !modes) return Status::ClientHelloPskMode;
  return {};
}

// Every policy check on a template; fills `offer` with what it offers.
Outcome check_offer(const Template& t, const SessionParams& p, bool retry, bool session_id_presented, Offer& offer) {
  SETLS_TRY(check_fixed_fields(t.hello, session_id_presented));
  for (const tls::Extension& e : t.hello.extensions) {
    if (!extension_supported(e.type, retry)) return Status::ClientHelloExtension;
    offer.extensions.push_back(tls::Extension{e.type, {}});
  }
  if (!tls::check_extensions(tls::ExtensionContext::ClientHello, t.hello.extensions, {}))
    return Status::ClientHelloExtension;
  SETLS_TRY(check_versions(t, offer));
  SETLS_TRY(check_suites(t.hello, offer));
  SETLS_TRY(check_groups(t, offer));
  SETLS_TRY(check_tls12_extensions(t, offer));
  SETLS_TRY(check_signatures(t, offer));
  return check_name_alpn_limits(t, p, offer);
}

// The single PSK identity and binder of a template, checked zeroed.
struct PskSlots {
  size_t age_at = 0;
  size_t binder_at = 0;
  size_t binder_size = 0;
  ByteView identity;
};

Result<PskSlots> psk_slots(const Template& t) {
  SETLS_TRY_ASSIGN(auto psk, extension<tls::PreSharedKeyClient>(t));
  if (!psk || psk->identities.size() != 1 || psk->binders.size() != 1) return Status::ClientHelloTemplate;
  tls::PskIdentity id = psk->identities[0];
  tls::PskBinder binder = psk->binders[0];
  if (id.obfuscated_ticket_age != 0 || !all_zero(binder.binder)) return Status::ClientHelloTemplate;
  PskSlots slots;
  slots.identity = id.identity;
  slots.age_at = offset_in(t, id.identity) + id.identity.size();
  slots.binder_at = offset_in(t, binder.binder);
  slots.binder_size = binder.binder.size();
  return slots;
}

// Writes the ticket age and the binder (RFC 8446 §4.2.11.2): an HMAC under
// the resumption binder key over the transcript up to the truncated hello.
// `before` is the transcript preceding this hello (after HelloRetryRequest),
// or null for the first one.
Outcome bind_psk(Template& t, const PskSlots& slots, const OfferedPsk& psk, const Transcript* before) {
  if (slots.binder_size != hash_size(psk.hash)) return Status::ClientHelloTemplate;
  uint8_t age[4] = {static_cast<uint8_t>(psk.obfuscated_age >> 24), static_cast<uint8_t>(psk.obfuscated_age >> 16),
                    static_cast<uint8_t>(psk.obfuscated_age >> 8), static_cast<uint8_t>(psk.obfuscated_age)};
  write_at(t, slots.age_at, age);
  auto truncated = tls::truncated_client_hello_size(t.bytes);
  if (!truncated) return Status::ClientHelloTemplate;
  ByteView partial(t.bytes.data(), *truncated);
  Digest th;
  if (before != nullptr) {
    Transcript copy = *before;
    copy.add(partial);
    th = copy.current();
  } else {
    th = digest(psk.hash, partial);
  }
  Secret binder_key = tls13::EarlySecret::from_psk(psk.hash, psk.psk.view()).resumption_binder_key();
  Secret binder = tls13::finished_mac(psk.hash, binder_key.view(), th.view());
  write_at(t, slots.binder_at, binder.view());
  return {};
}

uint64_t entry_age_ms(const TicketEntry& entry, const SessionParams& p) {
  return p.unix_time_ms > entry.issued_ms ? p.unix_time_ms - entry.issued_ms : 0;
}

// An entry of `version`, for this name, still valid at the host's time.
bool entry_usable(const TicketEntry* entry, uint16_t version, const SessionParams& p) {
  return entry != nullptr && entry->version == version && entry->server_name == ticket_name(p.name) &&
         tls::find_suite(entry->suite) != nullptr && entry_age_ms(*entry, p) <= uint64_t{entry->lifetime_s} * 1000;
}

// The ticket the template offers must be the cache entry's, for this name,
// still valid at the host's time.
Result<OfferedPsk> take_ticket(const Template& t, const PskSlots& slots, ChipServices& chip, uint16_t resume_id,
                               const SessionParams& p) {
  const TicketEntry* entry = chip.tickets().find(resume_id);
  if (!entry_usable(entry, tls::kTls13, p)) return Status::TicketInvalid;
  const tls::SuiteInfo* suite = tls::find_suite(entry->suite);
  uint64_t age_ms = entry_age_ms(*entry, p);
  Digest presented = digest(HashAlg::Sha256, slots.identity);
  if (!ct_equal(presented.view(), entry->ticket_hash.view())) return Status::TicketInvalid;
  (void)t;
  OfferedPsk psk;
  psk.psk = entry->secret.clone();
  psk.hash = suite->hash;
  psk.obfuscated_age = static_cast<uint32_t>(age_ms + entry->age_add);  // mod 2^32 (RFC 8446 §4.2.11.1)
  return psk;
}

// A TLS 1.2 session (RFC 5077 ticket or RFC 5246 session id) the template
// presents: the cache entry's, for this name, fresh, with the extended
// master secret (RFC 7627 §5.3: the chip made no other), offered with its
// suite. The host presents the ticket in session_ticket or the session id
// in legacy_session_id; only their hash is in the chip.
Result<OfferedSession12> take_session12(const Template& t, const TicketEntry* entry, const SessionParams& p,
                                        const Offer& offer) {
  if (!entry_usable(entry, tls::kTls12, p) || !entry->extended_master_secret || !offer.offers_version(tls::kTls12) ||
      !offer.offers_suite(entry->suite))
    return Status::TicketInvalid;
  SETLS_TRY_ASSIGN(auto ticket, extension<tls::SessionTicket>(t));
  ByteView presented = entry->session_id ? t.hello.legacy_session_id : (ticket ? ticket->ticket : ByteView{});
  if (entry->session_id && ticket && !ticket->ticket.empty()) return Status::ClientHelloTemplate;
  if (presented.empty()) return Status::TicketInvalid;
  Digest hash = digest(HashAlg::Sha256, presented);
  if (!ct_equal(hash.view(), entry->ticket_hash.view())) return Status::TicketInvalid;
  OfferedSession12 out;
  out.master = entry->secret.clone();
  out.suite = entry->suite;
  out.by_session_id = entry->session_id;
  out.ticket_hash = entry->ticket_hash;
  out.issued_ms = entry->issued_ms;
  out.lifetime_s = entry->lifetime_s;
  return out;
}

Outcome fill_random_fields(Template& t, const Offer& offer) {
  write_at(t, tls::kHandshakeHeaderSize + 2, offer.random);
  write_at(t, offset_in(t, t.hello.legacy_session_id), offer.session_id_bytes());
  return {};
}

// Generates a key for every (zeroed) key share of the template, or reuses
// `existing` keys of the same group.
Outcome fill_key_shares(Template& t, std::vector<KeyShare>& existing) {
  SETLS_TRY_ASSIGN(auto shares, extension<tls::KeyShareClient>(t));
  std::vector<KeyShare> filled;
  if (!shares) {
    existing.clear();  // TLS 1.2 only: no key shares
    return {};
  }
  for (const tls::KeyShareEntry& e : shares->shares) {
    auto reuse = std::find_if(existing.begin(), existing.end(), [&](const KeyShare& k) { return k.group == e.group; });
    KeyShare share;
    share.group = e.group;
    if (reuse != existing.end()) {
      share.key = std::move(reuse->key);
    } else {
      auto key = EcKey::generate(*tls::group_curve(e.group));
      if (!key) return Status::CryptoFailure;
      share.key = std::move(*key);
    }
    Bytes point = share.key.public_point();
    if (point.size() != e.key_exchange.size()) return Status::CryptoFailure;
    write_at(t, offset_in(t, e.key_exchange), point);
    filled.push_back(std::move(share));
  }
  existing = std::move(filled);  // keys of groups no longer shared are freed (and wiped) here
  return {};
}

// Where the extensions block starts: everything before it must be equal in
// both hellos of a retry.
size_t extensions_start(const Template& t) {
  return offset_in(t, t.hello.legacy_session_id) + t.hello.legacy_session_id.size() + 2 +
         2 * t.hello.cipher_suites.size() + 1 + t.hello.compression_methods.size();
}

std::vector<tls::Extension> compared(const Template& t, bool drop_cookie, bool drop_psk) {
  std::vector<tls::Extension> out;
  for (const tls::Extension& e : t.hello.extensions) {
    auto type = static_cast<ExtensionType>(e.type);
    if (type == ExtensionType::Padding || (drop_cookie && type == ExtensionType::Cookie) ||
        (drop_psk && type == ExtensionType::PreSharedKey))
      continue;
    out.push_back(e);
  }
  return out;
}

// RFC 8446 §4.1.2: the second hello is the first with the key shares
// replaced by one for the requested group, the cookie added, the PSK
// updated or removed, and padding changed; nothing else.
Outcome check_retry_changes(const Template& first, const Template& second, const TlsSession& s, bool keeps_psk) {
  size_t start = extensions_start(first);
  if (extensions_start(second) != start ||
      !std::equal(first.bytes.begin() + tls::kHandshakeHeaderSize, first.bytes.begin() + static_cast<long>(start),
                  second.bytes.begin() + tls::kHandshakeHeaderSize))
    return Status::RetryMismatch;

  bool first_psk = first.hello.extensions.contains(ExtensionType::PreSharedKey);
  if (keeps_psk && !first_psk) return Status::RetryMismatch;
  std::vector<tls::Extension> a = compared(first, false, first_psk && !keeps_psk);
  std::vector<tls::Extension> b = compared(second, true, false);
  if (a.size() != b.size()) return Status::RetryMismatch;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type) return Status::RetryMismatch;
    if (a[i].type == static_cast<uint16_t>(ExtensionType::KeyShare) && s.retry_group != 0) {
      auto shares = tls::decode<tls::KeyShareClient>(b[i].data);
      if (!shares || shares->shares.size() != 1 || shares->shares[0].group != s.retry_group)
        return Status::RetryMismatch;
      continue;
    }
    if (!std::equal(a[i].data.begin(), a[i].data.end(), b[i].data.begin(), b[i].data.end()))
      return Status::RetryMismatch;
  }

  auto cookie = second.hello.extensions.find(ExtensionType::Cookie);
  if (s.retry_cookie.empty()) {
    if (cookie) return Status::RetryMismatch;
  } else {
    auto body = tls::decode<tls::Cookie>(cookie.value_or(ByteView{}));
    if (!cookie || !body ||
        !std::equal(body->cookie.begin(), body->cookie.end(), s.retry_cookie.begin(), s.retry_cookie.end()))
      return Status::RetryMismatch;
  }
  return {};
}

}  // namespace

Result<Bytes> fill_first_client_hello(TlsSession& s, ChipServices& chip, uint16_t resume_id, ByteView hello_template) {
  Template t;
  SETLS_TRY(parse_template(hello_template, t));
  bool has_psk = t.hello.extensions.contains(ExtensionType::PreSharedKey);
  // Resuming without a PSK is resuming TLS 1.2 (by ticket or session id).
  const TicketEntry* entry12 = resume_id != 0 && !has_psk ? chip.tickets().find(resume_id) : nullptr;
  if (resume_id != 0 && !has_psk && entry12 == nullptr) return Status::TicketInvalid;
  bool session_id_presented = entry12 != nullptr && entry12->version == tls::kTls12 && entry12->session_id;
  Offer offer;
  SETLS_TRY(check_offer(t, s.params, /*retry=*/false, session_id_presented, offer));

  if (has_psk && resume_id == 0) return Status::ClientHelloTemplate;  // a PSK only when resuming
  std::optional<PskSlots> slots;
  std::optional<OfferedPsk> psk;
  std::optional<OfferedSession12> resume12;
  if (has_psk) {
    SETLS_TRY_ASSIGN(slots, psk_slots(t));
    SETLS_TRY_ASSIGN(psk, take_ticket(t, *slots, chip, resume_id, s.params));
  } else if (entry12 != nullptr) {
    SETLS_TRY_ASSIGN(resume12, take_session12(t, entry12, s.params, offer));
  } else {
    SETLS_TRY_ASSIGN(auto ticket, extension<tls::SessionTicket>(t));
    if (ticket && !ticket->ticket.empty()) return Status::ClientHelloTemplate;  // only an empty one asks for a ticket
  }

  if (!random_bytes(offer.random)) return Status::CryptoFailure;
  if (session_id_presented) {
    offer.session_id_size = static_cast<uint8_t>(t.hello.legacy_session_id.size());
    std::copy(t.hello.legacy_session_id.begin(), t.hello.legacy_session_id.end(), offer.session_id.begin());
  } else if (!random_bytes(offer.session_id)) {
    return Status::CryptoFailure;
  }
  SETLS_TRY(fill_random_fields(t, offer));
  std::vector<KeyShare> shares;
  SETLS_TRY(fill_key_shares(t, shares));
  if (psk) SETLS_TRY(bind_psk(t, *slots, *psk, nullptr));  // last: the binder covers everything before it

  // Nothing can fail from here on: commit.
  s.transcript.add(t.bytes);
  s.offer = std::move(offer);
  s.shares = std::move(shares);
  s.psk = std::move(psk);
  s.resume12 = std::move(resume12);
  s.first_template.assign(hello_template.begin(), hello_template.end());
  // Single use (RFC 8446 §C.4); a TLS 1.2 session that resumes gets a new entry.
  if (resume_id != 0) chip.tickets().erase(resume_id);
  s.state = TlsState::WaitServerHello;
  return std::move(t.bytes);
}

Result<Bytes> fill_retry_client_hello(TlsSession& s, ByteView hello_template) {
  if (s.state != TlsState::WaitRetryHello) return Status::SessionState;
  Template t, first;
  SETLS_TRY(parse_template(hello_template, t));
  Offer offer;
  SETLS_TRY(check_offer(t, s.params, /*retry=*/true, s.resume12 && s.resume12->by_session_id, offer));
  if (!parse_template(s.first_template, first)) return Status::Internal;

  bool keeps_psk = t.hello.extensions.contains(ExtensionType::PreSharedKey);
  // A PSK whose hash is not the suite's cannot be accepted; the host must drop it.
  if (keeps_psk && (!s.psk || s.psk->hash != s.transcript.alg())) return Status::RetryMismatch;
  SETLS_TRY(check_retry_changes(first, t, s, keeps_psk));
  std::optional<PskSlots> slots;
  if (keeps_psk) {
    SETLS_TRY_ASSIGN(slots, psk_slots(t));
  }

  offer.random = s.offer.random;  // the same hello, so the same random and session id
  offer.session_id = s.offer.session_id;
  offer.session_id_size = s.offer.session_id_size;
  SETLS_TRY(fill_random_fields(t, offer));
  std::vector<KeyShare> shares;
  for (KeyShare& k : s.shares) shares.push_back(KeyShare{k.group, std::move(k.key)});
  SETLS_TRY(fill_key_shares(t, shares));
  if (keeps_psk) SETLS_TRY(bind_psk(t, *slots, *s.psk, &s.transcript));

  s.transcript.add(t.bytes);
  s.offer = std::move(offer);
  s.shares = std::move(shares);
  if (!keeps_psk) s.psk.reset();
  wipe(s.first_template);
  s.state = TlsState::WaitServerHello;
  return std::move(t.bytes);
}

}  // namespace setls::chip
