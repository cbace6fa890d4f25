// TLS extensions: the ordered extensions block of a hello (or of EE, CR,
// NST, a CertificateEntry) and typed codecs for the extension bodies setls
// sends or receives. Conventions (errors, views, encoders) are in codec.h.
//
// Each body struct has `kType`, `static bool parse(Reader&, T&)` reading the
// whole extension_data, and `void encode(Writer&) const` writing it (without
// the extension's type and length: see write_extension()).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/tls/codec.h"
#include "common/tls/constants.h"
#include "common/tls/list.h"

namespace setls::tls {

struct Extension {
  uint16_t type = 0;
  ByteView data;
  // One element: type, then extension_data<0..2^16-1>.
  static bool parse(Reader& r, Extension& out);
  void encode(Writer& w) const;
};

// An extensions block, in the order it was received or is to be sent. No
// two extensions may share a type (RFC 8446 §4.2): a duplicate is BadValue,
// as OpenSSL does (illegal_parameter); the encoder refuses one too.
class ExtensionList {
 public:
  // More than this many is refused (BadLength): no endpoint setls talks to
  // needs it, and it bounds the duplicate search.
  static constexpr size_t kMaxExtensions = 64;

  ExtensionList() = default;
  // Borrows the caller's extensions (to build a message).
  explicit ExtensionList(std::span<const Extension> items) : list_(items) {}
  // Parses the contents of a block (no length prefix) written with write_extension().
  static Result<ExtensionList> from_contents(ByteView contents);

  // Reads one block: u16 length in [min, max], then the extensions.
  static bool parse(Reader& r, ExtensionList& out, size_t min = 0, size_t max = 0xffff);
  void encode(Writer& w, size_t min = 0, size_t max = 0xffff) const;

  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  List<Extension>::Iterator begin() const { return list_.begin(); }
  List<Extension>::Iterator end() const { return list_.end(); }

  std::optional<ByteView> find(uint16_t type) const;
  std::optional<ByteView> find(ExtensionType type) const { return find(static_cast<uint16_t>(type)); }
  bool contains(uint16_t type) const { return find(type).has_value(); }
  bool contains(ExtensionType type) const { return find(type).has_value(); }
  // The type of the last extension, if any (pre_shared_key must be last).
  std::optional<uint16_t> last_type() const;

 private:
  bool has_duplicates() const;
  List<Extension> list_;
};

// Writes one extension: type, length and the body `body(Writer&)` writes.
template <class F>
void write_extension(Writer& w, ExtensionType type, F&& body) {
  w.u16(static_cast<uint16_t>(type));
  write_vec16(w, 0, 0xffff, body);
}
// Writes one extension from a typed body.
template <class T>
void write_extension(Writer& w, const T& body) {
  write_extension(w, T::kType, [&](Writer& b) { body.encode(b); });
}

// Finds extension T::kType in `list` and parses its body: nullopt when absent.
template <class T>
Result<std::optional<T>> find_extension(const ExtensionList& list) {
  std::optional<ByteView> data = list.find(T::kType);
  if (!data) return std::optional<T>();
  Result<T> body = decode<T>(*data);
  if (!body) return body.error();
  return std::optional<T>(std::move(body).value());
}

// ---- Bodies without content: server_name (server), early_data (CH, EE),
// extended_master_secret, post_handshake_auth.
template <ExtensionType Type>
struct EmptyExtension {
  static constexpr ExtensionType kType = Type;
  static bool parse(Reader& r, EmptyExtension&) { return r.expect_end(); }
  void encode(Writer&) const {}
};
using ServerNameAck = EmptyExtension<ExtensionType::ServerName>;
using EarlyDataIndication = EmptyExtension<ExtensionType::EarlyData>;
using ExtendedMasterSecret = EmptyExtension<ExtensionType::ExtendedMasterSecret>;
using PostHandshakeAuth = EmptyExtension<ExtensionType::PostHandshakeAuth>;

// ---- supported_versions (RFC 8446 §4.2.1)
struct SupportedVersionsClient {
  static constexpr ExtensionType kType = ExtensionType::SupportedVersions;
  U16List versions;  // <2..254> bytes
  static bool parse(Reader& r, SupportedVersionsClient& out);
  void encode(Writer& w) const;
};
struct SupportedVersionsServer {  // ServerHello and HelloRetryRequest
  static constexpr ExtensionType kType = ExtensionType::SupportedVersions;
  uint16_t selected_version = 0;
  static bool parse(Reader& r, SupportedVersionsServer& out);
  void encode(Writer& w) const;
};

// ---- supported_groups (RFC 8446 §4.2.7), CH and EE
struct SupportedGroups {
  static constexpr ExtensionType kType = ExtensionType::SupportedGroups;
  U16List groups;  // <2..2^16-1> bytes
  static bool parse(Reader& r, SupportedGroups& out);
  void encode(Writer& w) const;
};

// ---- key_share (RFC 8446 §4.2.8)
struct KeyShareEntry {
  uint16_t group = 0;
  ByteView key_exchange;  // <1..2^16-1>
  static bool parse(Reader& r, KeyShareEntry& out);  // one element
  void encode(Writer& w) const;
};
struct KeyShareClient {
  static constexpr ExtensionType kType = ExtensionType::KeyShare;
  static constexpr size_t kMaxShares = 16;
  List<KeyShareEntry> shares;  // <0..2^16-1> bytes; one group at most once (else BadValue)
  static bool parse(Reader& r, KeyShareClient& out);
  void encode(Writer& w) const;
};
struct KeyShareServer {
  static constexpr ExtensionType kType = ExtensionType::KeyShare;
  KeyShareEntry share;
  static bool parse(Reader& r, KeyShareServer& out);
  void encode(Writer& w) const;
};
struct KeyShareHelloRetry {
  static constexpr ExtensionType kType = ExtensionType::KeyShare;
  uint16_t selected_group = 0;
  static bool parse(Reader& r, KeyShareHelloRetry& out);
  void encode(Writer& w) const;
};

// ---- signature_algorithms / signature_algorithms_cert (RFC 8446 §4.2.3)
struct SignatureAlgorithms {
  static constexpr ExtensionType kType = ExtensionType::SignatureAlgorithms;
  U16List schemes;  // <2..2^16-2> bytes
  static bool parse(Reader& r, SignatureAlgorithms& out);
  void encode(Writer& w) const;
};
struct SignatureAlgorithmsCert : SignatureAlgorithms {
  static constexpr ExtensionType kType = ExtensionType::SignatureAlgorithmsCert;
};

// ---- server_name (RFC 6066 §3): the client names one host; the server
// acknowledges with an empty body (ServerNameAck).
struct ServerNameClient {
  static constexpr ExtensionType kType = ExtensionType::ServerName;
  static constexpr uint8_t kHostName = 0;
  // The only name type defined; an entry of another type cannot even be
  // skipped (its length depends on its type), so it is BadValue, and so is
  // a second entry.
  ByteView host_name;  // <1..2^16-1>
  static bool parse(Reader& r, ServerNameClient& out);
  void encode(Writer& w) const;
};

// ---- application_layer_protocol_negotiation (RFC 7301 §3.1)
struct ProtocolName {
  ByteView name;  // <1..2^8-1>
  static bool parse(Reader& r, ProtocolName& out);  // one element
  void encode(Writer& w) const;
  bool operator==(const ProtocolName& o) const;
};
struct AlpnProtocols {  // the client's list
  static constexpr ExtensionType kType = ExtensionType::Alpn;
  List<ProtocolName> protocols;  // <2..2^16-1> bytes
  static bool parse(Reader& r, AlpnProtocols& out);
  void encode(Writer& w) const;
};
struct AlpnSelected {  // the server's answer: a list of exactly one (else BadValue)
  static constexpr ExtensionType kType = ExtensionType::Alpn;
  ByteView protocol;
  static bool parse(Reader& r, AlpnSelected& out);
  void encode(Writer& w) const;
};

// ---- record_size_limit (RFC 8449 §4): below 64 is BadValue.
struct RecordSizeLimit {
  static constexpr ExtensionType kType = ExtensionType::RecordSizeLimit;
  static constexpr uint16_t kMin = 64;
  uint16_t limit = 0;
  static bool parse(Reader& r, RecordSizeLimit& out);
  void encode(Writer& w) const;
};

// ---- max_fragment_length (RFC 6066 §4): codes 1..4 = 2^9..2^12 bytes; any
// other code is BadValue.
struct MaxFragmentLength {
  static constexpr ExtensionType kType = ExtensionType::MaxFragmentLength;
  uint8_t code = 0;
  size_t bytes() const { return size_t{1} << (8 + code); }
  static bool parse(Reader& r, MaxFragmentLength& out);
  void encode(Writer& w) const;
};

// ---- psk_key_exchange_modes (RFC 8446 §4.2.9); unknown modes are kept
// (the receiver ignores them).
struct PskKeyExchangeModes {
  static constexpr ExtensionType kType = ExtensionType::PskKeyExchangeModes;
  U8List modes;  // <1..255>
  static bool parse(Reader& r, PskKeyExchangeModes& out);
  void encode(Writer& w) const;
};

// ---- pre_shared_key (RFC 8446 §4.2.11)
struct PskIdentity {
  ByteView identity;  // <1..2^16-1>
  uint32_t obfuscated_ticket_age = 0;
  static bool parse(Reader& r, PskIdentity& out);  // one element
  void encode(Writer& w) const;
};
struct PskBinder {
  ByteView binder;  // <32..255>
  static bool parse(Reader& r, PskBinder& out);  // one element
  void encode(Writer& w) const;
};
struct PreSharedKeyClient {
  static constexpr ExtensionType kType = ExtensionType::PreSharedKey;
  List<PskIdentity> identities;  // <7..2^16-1> bytes
  List<PskBinder> binders;       // <33..2^16-1> bytes; one per identity (else BadValue)
  static bool parse(Reader& r, PreSharedKeyClient& out);
  void encode(Writer& w) const;
  // Bytes the binders field takes, its u16 length included: what a binder's
  // "truncated ClientHello" leaves out (RFC 8446 §4.2.11.2; see
  // truncated_client_hello_size() in messages.h).
  size_t binders_size() const;
};
struct PreSharedKeyServer {
  static constexpr ExtensionType kType = ExtensionType::PreSharedKey;
  uint16_t selected_identity = 0;
  static bool parse(Reader& r, PreSharedKeyServer& out);
  void encode(Writer& w) const;
};

// ---- cookie (RFC 8446 §4.2.2)
struct Cookie {
  static constexpr ExtensionType kType = ExtensionType::Cookie;
  ByteView cookie;  // <1..2^16-1>
  static bool parse(Reader& r, Cookie& out);
  void encode(Writer& w) const;
};

// ---- early_data in NewSessionTicket (RFC 8446 §4.2.10); in CH and EE it
// is an EarlyDataIndication.
struct MaxEarlyDataSize {
  static constexpr ExtensionType kType = ExtensionType::EarlyData;
  uint32_t max_early_data_size = 0;
  static bool parse(Reader& r, MaxEarlyDataSize& out);
  void encode(Writer& w) const;
};

// ---- TLS 1.2 extensions
struct EcPointFormats {  // RFC 8422 §5.1.2
  static constexpr ExtensionType kType = ExtensionType::EcPointFormats;
  static constexpr uint8_t kUncompressed = 0;
  U8List formats;  // <1..2^8-1>
  static bool parse(Reader& r, EcPointFormats& out);
  void encode(Writer& w) const;
};
struct RenegotiationInfo {  // RFC 5746 §3.2; empty on an initial handshake
  static constexpr ExtensionType kType = ExtensionType::RenegotiationInfo;
  ByteView renegotiated_connection;  // <0..255>
  static bool parse(Reader& r, RenegotiationInfo& out);
  void encode(Writer& w) const;
};
struct SessionTicket {  // RFC 5077 §3.2: opaque, empty to ask for a ticket
  static constexpr ExtensionType kType = ExtensionType::SessionTicket;
  ByteView ticket;
  static bool parse(Reader& r, SessionTicket& out);
  void encode(Writer& w) const;
};

}  // namespace setls::tls
