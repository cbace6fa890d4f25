#include "tests/tls_chip/harness.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <stdexcept>

#include "chip/tls/key_schedule13.h"
#include "common/crypto/aead.h"
#include "common/tls/cipher_suite.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"

namespace setls::test {

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    unsigned long e = ERR_get_error();
    char buf[256] = {};
    ERR_error_string_n(e, buf, sizeof buf);
    throw std::runtime_error(std::string(what) + ": " + buf);
  }
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void* arg) {
  auto* wire = static_cast<Bytes*>(arg);
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, wire->data(), static_cast<unsigned>(wire->size()), in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;  // RFC 7301: no_application_protocol
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

Bytes alpn_wire(const std::vector<std::string>& protocols) {
  Bytes out;
  for (const auto& p : protocols) {
    out.push_back(static_cast<uint8_t>(p.size()));
    append(out, as_bytes(p));
  }
  return out;
}

}  // namespace

// ---- TlsServer

TlsServer::TlsServer(const ServerOptions& o) : alpn_(o.alpn) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  require(ctx_ != nullptr, "SSL_CTX_new");
  SSL_CTX_set_app_data(ctx_, this);
  require(SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION) == 1, "min version");
  require(SSL_CTX_set_max_proto_version(ctx_, TLS1_3_VERSION) == 1, "max version");
  require(SSL_CTX_set_ciphersuites(ctx_, o.ciphersuites.c_str()) == 1, "ciphersuites");
  require(SSL_CTX_set1_groups_list(ctx_, o.groups.c_str()) == 1, "groups");
  if (o.security_level >= 0) SSL_CTX_set_security_level(ctx_, o.security_level);
  require(SSL_CTX_use_certificate(ctx_, o.pki->server.cert.get()) == 1, "server certificate");
  require(SSL_CTX_add1_chain_cert(ctx_, o.pki->intermediate.cert.get()) == 1, "chain certificate");
  require(SSL_CTX_use_PrivateKey(ctx_, o.pki->server.key.get()) == 1, "server key");
  require(SSL_CTX_set_num_tickets(ctx_, static_cast<size_t>(o.tickets)) == 1, "tickets");
  SSL_CTX_set_keylog_callback(ctx_, &TlsServer::keylog);
  if (o.client_auth) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    require(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), o.pki->device_ca.cert.get()) == 1, "device CA");
  }
  if (!alpn_.empty()) {
    alpn_wire_ = alpn_wire(alpn_);
    SSL_CTX_set_alpn_select_cb(ctx_, select_alpn, &alpn_wire_);
  }
  accept();
}

TlsServer::~TlsServer() {
  SSL_free(ssl_);
  SSL_CTX_free(ctx_);
}

void TlsServer::accept() {
  SSL_free(ssl_);
  ssl_ = SSL_new(ctx_);
  require(ssl_ != nullptr, "SSL_new");
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(ssl_);
  failed_ = false;
  server_handshake_secret.clear();
}

void TlsServer::keylog(const SSL* ssl, const char* line) {
  auto* self = static_cast<TlsServer*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  std::string text(line);
  const std::string label = "SERVER_HANDSHAKE_TRAFFIC_SECRET ";
  if (text.rfind(label, 0) != 0) return;
  std::string rest = text.substr(label.size());
  std::string secret = rest.substr(rest.find(' ') + 1);
  Bytes out;
  if (from_hex(secret, out)) self->server_handshake_secret = out;
}

void TlsServer::receive(ByteView data) {
  if (!data.empty()) require(BIO_write(SSL_get_rbio(ssl_), data.data(), static_cast<int>(data.size())) > 0, "BIO_write");
}

Bytes TlsServer::take_output() {
  Bytes out;
  uint8_t buf[4096];
  int n = 0;
  while ((n = BIO_read(SSL_get_wbio(ssl_), buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  return out;
}

bool TlsServer::handshake() {
  if (failed_) return false;
  int r = SSL_do_handshake(ssl_);
  if (r == 1) return true;
  int e = SSL_get_error(ssl_, r);
  if (e != SSL_ERROR_WANT_READ) failed_ = true;
  return false;
}

bool TlsServer::resumed() const { return SSL_session_reused(ssl_) == 1; }

std::string TlsServer::alpn() const {
  const unsigned char* p = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_, &p, &len);
  return std::string(reinterpret_cast<const char*>(p), len);
}

bool TlsServer::peer_certificate() const {
  X509* peer = SSL_get1_peer_certificate(ssl_);
  X509_free(peer);
  return peer != nullptr && SSL_get_verify_result(ssl_) == X509_V_OK;
}

void TlsServer::write(ByteView data) {
  require(SSL_write(ssl_, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size()), "SSL_write");
}

Bytes TlsServer::read() {
  Bytes out;
  uint8_t buf[16384];
  while (true) {
    int n = SSL_read(ssl_, buf, sizeof buf);
    if (n <= 0) {
      int e = SSL_get_error(ssl_, n);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_ZERO_RETURN) failed_ = true;
      break;
    }
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

void TlsServer::key_update(bool request_peer) {
  require(SSL_key_update(ssl_, request_peer ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED) == 1,
          "SSL_key_update");
  require(SSL_do_handshake(ssl_) == 1, "send KeyUpdate");
}

void TlsServer::close() { SSL_shutdown(ssl_); }

std::string TlsServer::errors() const {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256] = {};
    ERR_error_string_n(e, buf, sizeof buf);
    out += buf;
    out += "\n";
  }
  return out;
}

// ---- ClientHello template

uint64_t now_ms() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Bytes plaintext_record(ByteView message, uint16_t version) {
  Bytes out;
  Writer w(out);
  w.u8(22).u16(version).vec16(message);
  return out;
}

Bytes client_hello_template(const ClientOptions& o, uint16_t retry_group, ByteView cookie) {
  // Extension bodies first (the hello borrows views of them).
  std::vector<std::pair<tls::ExtensionType, Bytes>> bodies;
  auto add = [&](const auto& body) { bodies.emplace_back(std::decay_t<decltype(body)>::kType, tls::encode_to_bytes(body)); };

  if (o.sni && o.name_kind == bus::NameKind::Dns) add(tls::ServerNameClient{as_bytes(o.name)});
  const uint16_t versions[] = {tls::kTls13};
  add(tls::SupportedVersionsClient{tls::U16List(versions)});
  add(tls::SupportedGroups{tls::U16List(o.groups)});
  add(tls::SignatureAlgorithms{tls::U16List(o.schemes)});
  std::vector<uint16_t> share_groups = retry_group ? std::vector<uint16_t>{retry_group} : o.key_shares;
  std::vector<Bytes> zeros;
  for (uint16_t g : share_groups) zeros.emplace_back(g == 24 ? 97 : 65, 0);
  std::vector<tls::KeyShareEntry> shares;
  for (size_t i = 0; i < share_groups.size(); ++i) shares.push_back({share_groups[i], zeros[i]});
  add(tls::KeyShareClient{tls::List<tls::KeyShareEntry>(shares)});
  std::vector<tls::ProtocolName> names;
  for (const auto& p : o.alpn) names.push_back({as_bytes(p)});
  if (!names.empty()) add(tls::AlpnProtocols{tls::List<tls::ProtocolName>(names)});
  if (o.record_size_limit) add(tls::RecordSizeLimit{o.record_size_limit});
  if (!cookie.empty()) add(tls::Cookie{cookie});
  const uint8_t modes[] = {static_cast<uint8_t>(tls::PskKeyExchangeMode::PskDheKe)};
  if (o.psk_modes) add(tls::PskKeyExchangeModes{tls::U8List(modes)});
  Bytes binder(o.binder_size, 0);
  tls::PskIdentity identity{o.ticket, 0};
  tls::PskBinder psk_binder{binder};
  if (o.resume_id) {
    add(tls::PreSharedKeyClient{tls::List<tls::PskIdentity>(std::span(&identity, 1)),
                                tls::List<tls::PskBinder>(std::span(&psk_binder, 1))});
  }

  std::vector<tls::Extension> extensions;
  for (const auto& [type, body] : bodies) extensions.push_back({static_cast<uint16_t>(type), body});
  const uint8_t null_compression[] = {0};
  Bytes session_id(32, 0);
  tls::ClientHello hello;
  hello.legacy_session_id = session_id;
  hello.cipher_suites = tls::U16List(o.suites);
  hello.compression_methods = tls::U8List(null_compression);
  hello.extensions = tls::ExtensionList(extensions);
  Bytes out;
  Writer w(out);
  tls::write_message(w, hello);
  if (!w.ok()) throw std::runtime_error("ClientHello template does not encode");
  return out;
}

// ---- rewriting the server's bytes

namespace {
struct Record {
  tls::ContentType type;
  Bytes bytes;
};
std::vector<Record> records_of(ByteView data) {
  std::vector<Record> out;
  size_t pos = 0;
  while (pos < data.size()) {
    auto f = tls::frame_record(data.subspan(pos), tls::kMaxCiphertext13);
    if (!f || !f->complete()) throw std::runtime_error("incomplete server flight");
    ByteView rec = data.subspan(pos, f->size);
    out.push_back({f->header.type, Bytes(rec.begin(), rec.end())});
    pos += f->size;
  }
  return out;
}
}  // namespace

std::vector<Bytes> split_records(ByteView data) {
  std::vector<Bytes> out;
  for (Record& r : records_of(data)) out.push_back(std::move(r.bytes));
  return out;
}

Bytes rewrite_server_hello(ByteView flight, const HelloEdit& edit) {
  Bytes out;
  bool done = false;
  for (Record& r : records_of(flight)) {
    if (!done && r.type == tls::ContentType::Handshake) {
      Bytes msg(r.bytes.begin() + tls::kRecordHeaderSize, r.bytes.end());
      edit(msg);
      append(out, plaintext_record(msg, 0x0303));
      done = true;
      continue;
    }
    append(out, r.bytes);
  }
  return out;
}

Bytes rewrite_flight(ByteView flight, ByteView secret, const FlightEdit& edit, size_t fragment) {
  Bytes out;
  const tls::SuiteInfo* suite = nullptr;
  tls::RecordProtection read;
  Bytes plain, server_hello;
  for (Record& r : records_of(flight)) {
    if (r.type == tls::ContentType::Handshake) {
      auto sh = tls::decode<tls::ServerHello>(ByteView(r.bytes).subspan(tls::kRecordHeaderSize + 4));
      if (!sh) throw std::runtime_error("server hello");
      suite = tls::find_suite(sh->cipher_suite);
      server_hello.assign(r.bytes.begin() + tls::kRecordHeaderSize, r.bytes.end());
      append(out, r.bytes);
    } else if (r.type == tls::ContentType::ApplicationData) {
      if (!read.ready()) {
        auto keys = chip::tls13::traffic_keys(suite->hash, suite->aead, secret);
        if (!read.init(tls::kTls13, *suite, keys.key.view(), keys.iv.view())) throw std::runtime_error("keys");
      }
      auto opened = read.open(r.bytes);
      if (!opened) throw std::runtime_error("cannot open the server's record");
      append(plain, opened->plaintext);
    } else {
      append(out, r.bytes);
    }
  }
  std::vector<Bytes> messages;
  for (size_t pos = 0; pos + 4 <= plain.size();) {
    size_t len = (size_t{plain[pos + 1]} << 16) | (size_t{plain[pos + 2]} << 8) | plain[pos + 3];
    messages.emplace_back(plain.begin() + static_cast<long>(pos), plain.begin() + static_cast<long>(pos + 4 + len));
    pos += 4 + len;
  }
  edit(messages, server_hello);
  auto keys = chip::tls13::traffic_keys(suite->hash, suite->aead, secret);
  tls::RecordProtection write;
  if (!write.init(tls::kTls13, *suite, keys.key.view(), keys.iv.view())) throw std::runtime_error("keys");
  if (fragment == 0) {
    for (const Bytes& m : messages)
      if (!write.seal(tls::ContentType::Handshake, m, out)) throw std::runtime_error("seal");
    return out;
  }
  Bytes stream;
  for (const Bytes& m : messages) append(stream, m);
  for (ByteView rest = stream; !rest.empty();) {
    size_t n = std::min(rest.size(), fragment);
    if (!write.seal(tls::ContentType::Handshake, rest.first(n), out)) throw std::runtime_error("seal");
    rest = rest.subspan(n);
  }
  return out;
}

namespace {
// Seals records as the server would, under its handshake traffic key, but
// writing the inner plaintext itself so that padding and lengths are free.
class RawSealer {
 public:
  RawSealer(const tls::SuiteInfo& suite, ByteView secret)
      : keys_(chip::tls13::traffic_keys(suite.hash, suite.aead, secret)) {
    if (!aead_.init(suite.aead, keys_.key.view())) throw std::runtime_error("keys");
  }
  void seal(const ScriptedRecord& r, Bytes& out) {
    Bytes inner = r.bytes;
    inner.push_back(static_cast<uint8_t>(r.type));
    inner.resize(inner.size() + r.padding, 0);
    size_t length = inner.size() + aead_.tag_size();
    if (length > 0xFFFF) throw std::runtime_error("record too long to encode");
    uint8_t header[5] = {23, 0x03, 0x03, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    uint8_t nonce[kAeadNonceSize];
    ByteView iv = keys_.iv.view();
    for (size_t i = 0; i < kAeadNonceSize; ++i) nonce[i] = iv[i];
    for (size_t i = 0; i < 8; ++i) nonce[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(sequence_ >> (8 * i));
    ++sequence_;
    Bytes body(length);
    if (!aead_.seal(ByteView(nonce, sizeof nonce), ByteView(header, sizeof header), inner, body))
      throw std::runtime_error("seal");
    out.insert(out.end(), header, header + sizeof header);
    append(out, body);
  }

 private:
  chip::tls13::TrafficKeys keys_;
  Aead aead_;
  uint64_t sequence_ = 0;
};
}  // namespace

ScriptedRecord raw_record(tls::ContentType type, ByteView body) {
  ScriptedRecord r;
  r.kind = ScriptedRecord::Kind::Raw;
  Writer w(r.bytes);
  w.u8(static_cast<uint8_t>(type)).u16(0x0303).u16(static_cast<uint16_t>(body.size())).bytes(body);
  return r;
}

std::vector<ScriptedRecord> sealed_messages(const std::vector<Bytes>& messages, size_t fragment) {
  std::vector<ScriptedRecord> out;
  if (fragment == 0) {
    for (const Bytes& m : messages) out.push_back({ScriptedRecord::Kind::Sealed, tls::ContentType::Handshake, m, 0});
    return out;
  }
  Bytes stream;
  for (const Bytes& m : messages) append(stream, m);
  for (size_t at = 0; at < stream.size(); at += fragment) {
    size_t n = std::min(fragment, stream.size() - at);
    out.push_back({ScriptedRecord::Kind::Sealed, tls::ContentType::Handshake,
                   Bytes(stream.begin() + static_cast<long>(at), stream.begin() + static_cast<long>(at + n)), 0});
  }
  return out;
}

Bytes script_flight(ByteView flight, ByteView secret, const FlightScript& script) {
  Bytes out;
  const tls::SuiteInfo* suite = nullptr;
  Bytes server_hello;
  // rewrite_flight decrypts; an identity edit captures the messages.
  std::vector<Bytes> messages;
  (void)rewrite_flight(flight, secret, [&](std::vector<Bytes>& m, const Bytes& sh) {
    messages = m;
    server_hello = sh;
  });
  for (Record& r : records_of(flight)) {
    if (r.type != tls::ContentType::Handshake) continue;
    auto sh = tls::decode<tls::ServerHello>(ByteView(r.bytes).subspan(tls::kRecordHeaderSize + 4));
    if (!sh) throw std::runtime_error("server hello");
    suite = tls::find_suite(sh->cipher_suite);
    append(out, r.bytes);
    break;
  }
  if (suite == nullptr) throw std::runtime_error("no ServerHello in the flight");
  RawSealer sealer(*suite, secret);
  for (const ScriptedRecord& r : script(messages, server_hello)) {
    if (r.kind == ScriptedRecord::Kind::Raw)
      append(out, r.bytes);
    else
      sealer.seal(r, out);
  }
  return out;
}

// ---- the host loop

Result<Connected> run_handshake(host::ChipDriver& driver, TlsServer& server, const ClientOptions& o,
                                const HandshakeHooks& hooks) {
  bus::TlsStartRequest req;
  req.mode = o.mode;
  req.name_kind = o.name_kind;
  req.name = o.name;
  req.unix_time_ms = o.time_ms ? o.time_ms : now_ms();
  req.resume_id = o.resume_id;
  req.client_hello = client_hello_template(o);
  SETLS_TRY_ASSIGN(bus::TlsStartResponse start, driver.tls_start(req));
  Connected c;
  c.handle = start.handle;
  c.final_client_hello = start.client_hello;
  server.receive(plaintext_record(start.client_hello));

  Bytes pending;
  auto pump_server = [&] {
    server.handshake();
    Bytes out = server.take_output();
    if (hooks.edit_server_bytes && !out.empty()) out = hooks.edit_server_bytes(out, server, c.final_client_hello);
    append(pending, out);
  };
  pump_server();
  for (int round = 0; round < 32; ++round) {
    if (pending.empty() && server.failed()) return Status::TlsHandshakeFailure;
    SETLS_TRY_ASSIGN(bus::TlsHandshakeResponse step, driver.tls_handshake(c.handle, pending));
    if (step.consumed > pending.size()) return Status::Internal;
    pending.erase(pending.begin(), pending.begin() + step.consumed);
    server.receive(step.output);
    switch (step.progress) {
      case bus::HandshakeProgress::Retry: {
        Bytes second = client_hello_template(o, step.retry_group, step.retry_cookie);
        SETLS_TRY_ASSIGN(Bytes final_second, driver.tls_retry(c.handle, second));
        c.final_client_hello = final_second;
        c.retried = true;
        server.receive(plaintext_record(final_second, 0x0303));
        pump_server();
        break;
      }
      case bus::HandshakeProgress::Done:
        c.summary = *step.summary;
        c.client_key = step.client_key;
        c.server_key = step.server_key;
        if (!server.handshake()) return Status::TlsHandshakeFailure;
        return c;
      case bus::HandshakeProgress::NeedMore: pump_server(); break;
    }
  }
  return Status::Timeout;
}

// ---- host record mode

HostRecords HostRecords::from(const Connected& c) {
  HostRecords h;
  h.suite = tls::find_suite(c.summary.suite);
  h.install_read(*c.server_key);
  h.install_write(*c.client_key);
  return h;
}

void HostRecords::install_read(const bus::TrafficKey& k) {
  read = tls::RecordProtection();
  if (!read.init(tls::kTls13, *suite, k.key, k.iv, k.sequence)) throw std::runtime_error("read key");
}

void HostRecords::install_write(const bus::TrafficKey& k) {
  write = tls::RecordProtection();
  if (!write.init(tls::kTls13, *suite, k.key, k.iv, k.sequence)) throw std::runtime_error("write key");
}

Bytes HostRecords::seal(tls::ContentType type, ByteView plaintext) {
  Bytes out;
  if (!write.seal(type, plaintext, out)) throw std::runtime_error("seal");
  return out;
}

void HostRecords::open_each(ByteView bytes, const std::function<void(Opened&)>& each) {
  for (Record& r : records_of(bytes)) {
    auto opened = read.open(r.bytes);
    if (!opened) throw std::runtime_error("host could not open a record");
    Opened o{opened->type, Bytes(opened->plaintext.begin(), opened->plaintext.end())};
    each(o);
  }
}

// ---- the application's side

namespace {
template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + describe(r.error()));
  return std::move(r).value();
}
}  // namespace

AppSession::AppSession(host::ChipDriver& driver, TlsServer& server, const Connected& c, bus::RecordMode mode)
    : driver_(driver), server_(server), handle_(c.handle), mode_(mode) {
  if (mode == bus::RecordMode::Host) host_ = HostRecords::from(c);
}

void AppSession::post_handshake(ByteView messages) {
  // A record may carry several messages (tickets); the chip takes one at a time.
  size_t pos = 0;
  while (pos + 4 <= messages.size()) {
    size_t len = (size_t{messages[pos + 1]} << 16) | (size_t{messages[pos + 2]} << 8) | messages[pos + 3];
    ByteView m = messages.subspan(pos, 4 + len);
    pos += 4 + len;
    auto r = must(driver_.tls_post_handshake(handle_, m), "TlsPostHandshake");
    if (r.ticket) tickets.push_back(*r.ticket);
    if (r.server_key) host_.install_read(*r.server_key);
    if (!r.message.empty()) {
      ++key_update_answers;
      server_.receive(host_.seal(tls::ContentType::Handshake, r.message));  // under the old key
      host_.install_write(*r.client_key);
    }
  }
}

Bytes AppSession::receive() {
  Bytes from_server = server_.take_output();
  Bytes data;
  if (mode_ == bus::RecordMode::Chip) {
    ByteView rest = from_server;
    while (!rest.empty()) {
      auto r = must(driver_.tls_record_in(handle_, rest), "TlsRecordIn");
      append(data, r.application_data);
      for (auto& t : r.tickets) tickets.push_back(t);
      if (!r.output.empty()) {
        server_.receive(r.output);
        ++key_update_answers;
      }
      alert = r.alert;
      if (r.consumed == 0) break;
      rest = rest.subspan(r.consumed);
    }
    return data;
  }
  host_.open_each(from_server, [&](HostRecords::Opened& o) {
    if (o.type == tls::ContentType::ApplicationData) append(data, o.plaintext);
    else if (o.type == tls::ContentType::Handshake) post_handshake(o.plaintext);
    else if (o.type == tls::ContentType::Alert && o.plaintext.size() == 2) alert = o.plaintext[1];
  });
  return data;
}

void AppSession::send(ByteView data) {
  if (mode_ == bus::RecordMode::Chip) {
    server_.receive(must(driver_.tls_seal(handle_, data), "TlsSeal"));
    return;
  }
  for (ByteView rest = data; !rest.empty();) {
    size_t n = std::min(rest.size(), tls::kMaxPlaintext);
    server_.receive(host_.seal(tls::ContentType::ApplicationData, rest.first(n)));
    rest = rest.subspan(n);
  }
}

void AppSession::key_update(bool request_peer) {
  auto r = must(driver_.tls_key_update(handle_, request_peer), "TlsKeyUpdate");
  if (mode_ == bus::RecordMode::Chip) {
    server_.receive(r.message_or_record);
    return;
  }
  server_.receive(host_.seal(tls::ContentType::Handshake, r.message_or_record));
  host_.install_write(*r.client_key);
}

}  // namespace setls::test
