// One status space for the whole project: the chip answers every command
// with one of these codes on the bus, and host errors use the same table, so
// a C caller, a log line and the CLI all speak of the same thing.
//
// The high byte is the class; a real chip or another host implementation
// only needs the class to tell a bus fault from a refusal (docs/bus-protocol.md).
#pragma once

#include <cstdint>
#include <string>

namespace setls {

enum class StatusClass : uint8_t {
  Success = 0x00,
  Transport = 0x01,   // the frame itself is damaged or out of order: retry is safe
  BadParameter = 0x02,  // well-framed but malformed or unknown request
  WrongState = 0x03,  // valid request at the wrong time (lifecycle, session order)
  Policy = 0x04,      // refused by a security rule
  Resource = 0x05,    // out of slots or storage
  Internal = 0x06,    // the chip failed (crypto library, storage)
  Tls = 0x07,         // TLS protocol errors on the host
  Io = 0x08,          // host IO errors
};

// X(name, code, message, hint)
#define SETLS_STATUS_LIST(X)                                                                          \
  X(Ok, 0x0000, "ok", "")                                                                             \
  X(Continue, 0x0001, "chunk accepted, more expected", "")                                            \
  X(BusCrc, 0x0101, "bus frame CRC mismatch", "the frame was damaged on the bus; resend it")          \
  X(BusFrameLength, 0x0102, "bus frame length does not match its header", "resend the frame")         \
  X(BusFrameTooLarge, 0x0103, "bus frame payload exceeds 2048 bytes", "split the payload in chunks")  \
  X(BusSequence, 0x0104, "bus frame has an unexpected sequence number",                               \
    "frames must be numbered one after another; reconnect to resynchronise")                          \
  X(BusMagic, 0x0105, "bus frame header is invalid (start byte or reserved flags)", "resend the frame")         \
  X(BusVersion, 0x0106, "unsupported bus protocol version", "upgrade the host library or the chip")   \
  X(BusNoHello, 0x0107, "the first command on a connection must be HELLO", "send HELLO first")        \
  X(BusChunking, 0x0108, "chunked transfer out of order", "restart the command from its first chunk") \
  X(BusTimeout, 0x0109, "the chip did not answer in time", "check that setls-chipd is running")       \
  X(BusDisconnected, 0x010A, "the connection to the chip is closed",                                  \
    "check the --chip address or SETLS_CHIP and that setls-chipd is running")                         \
  X(BusTransferTooLarge, 0x010B, "chunked object exceeds the chip's transfer buffer",                 \
    "objects are limited to 64 KiB")                                                                  \
  X(BusChannelAuth, 0x010C, "secure-channel frame failed authentication; channel closed",             \
    "reconnect and run the channel handshake again")                                                  \
  X(BusRetriesExhausted, 0x010D, "bus faults persisted after retries", "check the bus wiring/link")   \
  X(UnknownCommand, 0x0201, "unknown command", "check that host and chip versions match")             \
  X(MalformedPayload, 0x0202, "malformed command payload", "the request is not encoded as specified") \
  X(BadArgument, 0x0203, "argument out of range", "see the command's documentation")                  \
  X(UnsupportedCurve, 0x0204, "unsupported curve", "use P-256 or P-384")                              \
  X(BadCertificate, 0x0205, "not a valid DER X.509 certificate", "convert PEM with openssl x509 -outform der")  \
  X(BadSubject, 0x0206, "invalid certificate subject", "give a subject like /CN=device-0001/O=Example")          \
  X(BadPublicKey, 0x0207, "invalid public key", "give a P-256 or P-384 public key")                   \
  X(UnknownObject, 0x0208, "no such object", "list objects with `setls chip info`")                   \
  X(BadServerName, 0x0230, "invalid server name for certificate verification",                        \
    "give a DNS name (letters, digits, hyphens and dots; no wildcard, no IP literal) or a 4/16-byte IP address") \
  X(ClientHelloTemplate, 0x0240, "ClientHello template is malformed or not zeroed where the chip fills it", \
    "build it with the TLS codec: legacy_version 0x0303, random, session id (32 bytes), key shares and binder all zero bytes of their exact length") \
  X(ClientHelloSuite, 0x0241, "ClientHello offers a cipher suite outside the chip's policy, or none for an offered version",  \
    "TLS 1.3: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_AES_128_CCM_SHA256; TLS 1.2: ECDHE-ECDSA with AES-GCM or AES-CCM(-8)")            \
  X(ClientHelloGroup, 0x0242, "ClientHello offers a group, or a key share, outside P-256/P-384",       \
    "offer secp256r1/secp384r1 only, and key shares only for offered groups")                          \
  X(ClientHelloSignature, 0x0243, "ClientHello offers a signature scheme outside the chip's policy",  \
    "offer ecdsa_secp256r1_sha256 and ecdsa_secp384r1_sha384 only")                                    \
  X(ClientHelloVersion, 0x0244, "ClientHello offers a TLS version other than 1.3 and 1.2",            \
    "supported_versions lists 0x0304 and/or 0x0303 (absent: TLS 1.2 only)")                                                        \
  X(ClientHelloExtension, 0x0245, "ClientHello carries an extension the chip does not support, or lacks a required one", \
    "send supported_groups and signature_algorithms, with TLS 1.3 supported_versions and key_share, with TLS 1.2 extended_master_secret and an empty renegotiation_info; optional: server_name, alpn, record_size_limit, signature_algorithms_cert, padding, psk_key_exchange_modes, pre_shared_key") \
  X(ClientHelloServerName, 0x0246, "ClientHello server_name differs from the name the session is opened for", \
    "send server_name equal to the session's DNS name, and none for an IP address")                     \
  X(ClientHelloPskMode, 0x0247, "ClientHello offers a PSK without (EC)DHE",                            \
    "psk_key_exchange_modes must be psk_dhe_ke only, and is required with pre_shared_key")             \
  X(TicketInvalid, 0x0248, "resumption ticket unknown, expired, or issued for another server name",   \
    "start a full handshake; tickets live in chip RAM, are lost on reset and are used once")          \
  X(RetryMismatch, 0x0249, "second ClientHello changes more than the HelloRetryRequest allows",        \
    "resend the first ClientHello with one key share for the requested group and the cookie echoed (RFC 8446 §4.1.2)") \
  X(ManufacturingOnly, 0x0301, "refused: allowed only in the manufacturing state and the chip is locked", \
    "the factory commands are closed after lock; trust anchors change only through signed admin commands (`setls admin`)")            \
  X(Terminated, 0x0302, "refused: the chip is terminated (zeroized)", "a terminated chip cannot be reused")      \
  X(NotOperational, 0x0303, "refused: allowed only in the operational state",                         \
    "finish provisioning and run `setls factory lock`")                                               \
  X(NoDeviceKey, 0x0304, "no device key", "generate one with `setls factory keygen`")                 \
  X(DeviceKeyExists, 0x0305, "a device key already exists",                                           \
    "the device key is generated once; zeroize the chip to start over")                               \
  X(NotReadyToLock, 0x0306, "refused: provisioning is incomplete",                                    \
    "lock needs a device key, its certificate, a root CA, the admin key and the firmware-signing key") \
  X(UnknownSession, 0x0307, "no such session", "open a session first; sessions end on close or abort")           \
  X(SessionState, 0x0308, "command out of order for this session", "the session was aborted; start a new one")  \
  X(NoBootInProgress, 0x030B, "no secure boot in progress", "start with the manifest (BootBegin)")    \
  X(NoDeviceCert, 0x0309, "no device certificate", "install one with `setls factory install-cert`")   \
  X(AlreadyExists, 0x030A, "an equal object is already stored", "nothing was changed")                \
  X(KeyPolicy, 0x0401, "refused by the object's usage policy", "the key or certificate may not be used this way") \
  X(CertKeyMismatch, 0x0402, "refused: the certificate is not for the device key",                    \
    "issue the certificate from the chip's CSR (`setls factory csr`)")                                \
  X(ExportForbidden, 0x0403, "refused: private keys never leave the chip", "use the public key instead")         \
  X(AdminAuthRequired, 0x0404, "refused: this change needs a signed admin authorization",             \
    "use `setls admin challenge`, `setls admin authorize` and `setls admin apply`")                   \
  X(ChainInvalid, 0x0405, "server certificate chain rejected", "the server's chain does not lead to a stored root")      \
  X(NameMismatch, 0x0406, "server certificate does not match the name the session was opened for",    \
    "connect with the name in the certificate's subjectAltName")                                      \
  X(SignatureInvalid, 0x0407, "signature verification failed", "the data or the signature was altered")           \
  X(FinishedInvalid, 0x0408, "handshake Finished verification failed", "the handshake was tampered with")          \
  X(WeakParameter, 0x0409, "refused: parameter is not allowed by the chip's policy",                  \
    "only TLS 1.3/1.2 ECDHE-ECDSA with AES-GCM/CCM and P-256/P-384 are allowed")                      \
  X(NotOffered, 0x040A, "refused: the server chose something the client did not offer", "the server is misbehaving")   \
  X(SecureBootRequired, 0x040B, "refused: the device key may sign only after a successful secure boot",              \
    "run `setls boot --image FILE --manifest FILE` in this power cycle")                              \
  X(AuthorizationInvalid, 0x040C, "admin authorization rejected", "request a fresh challenge and authorize again")   \
  X(TimeBelowFloor, 0x040D, "refused: time is earlier than the chip's time floor", "set the host clock correctly")   \
  X(Rollback, 0x040E, "refused: firmware version is older than the anti-rollback counter", "sign a newer firmware") \
  X(ChannelRequired, 0x040F, "refused: host record mode needs the secure channel (traffic keys are released only over it)", \
    "pair the host and open the secure channel, or use chip record mode")                             \
  X(Downgrade, 0x0410, "refused: downgrade sentinel in ServerHello.random", "a man in the middle forced an older TLS version") \
  X(HandshakeIncomplete, 0x0411, "refused: the server is not authenticated yet",                      \
    "traffic keys exist only after chain, CertificateVerify and Finished are verified")               \
  X(AdminWrongChip, 0x0412, "admin authorization rejected: it was made for another chip",             \
    "run `setls admin challenge` on this chip and authorize that challenge")                           \
  X(AdminStaleNonce, 0x0413, "admin authorization rejected: its nonce is not the chip's current challenge", \
    "a challenge is single-use and lost on reset; request a fresh one and authorize again")            \
  X(AdminReplay, 0x0414, "admin authorization rejected: its counter is not the chip's admin counter (replay)", \
    "request a fresh challenge and authorize again")                                                  \
  X(AdminBadSignature, 0x0415, "admin authorization rejected: the signature does not verify with the admin key", \
    "sign with the chip's current admin key; any altered byte also fails here")                        \
  X(ManifestInvalid, 0x0416, "firmware manifest rejected: not signed by the firmware-signing key",     \
    "sign the image with `setls firmware sign` and the right key")                                    \
  X(ImageMismatch, 0x0417, "secure boot failed: the image does not match its manifest",               \
    "the image was modified after signing, or the wrong image was given")                             \
  X(BootAlreadyRecorded, 0x0418, "secure boot already ran in this power cycle", "reset the chip (power cycle) to boot again") \
  X(ChainTooLong, 0x0430, "refused: the server certificate chain exceeds the chip's limits",          \
    "a server may present at most 8 certificates of at most 8 KiB each")                              \
  X(TrustAnchorRejected, 0x0432, "refused: this CA certificate can never anchor a chain under the chip's policy", \
    "a trust anchor needs critical basicConstraints CA:TRUE, keyUsage keyCertSign, a subject key identifier and no unknown critical extension") \
  X(CertificateVersion, 0x0431, "refused: a certificate in the chain is not X.509 v3",                \
    "v1/v2 certificates cannot carry basicConstraints, keyUsage or subjectAltName; reissue it as v3")   \
  X(ServerDecodeError, 0x0440, "server sent a malformed TLS message", "the server or the network corrupted the handshake") \
  X(ServerUnexpectedMessage, 0x0441, "server sent a TLS message out of order", "the server broke the TLS 1.3 handshake order") \
  X(ServerVersion, 0x0442, "server selected a TLS version the client did not offer", "enable TLS 1.3 or TLS 1.2 on the server, or offer the version it speaks") \
  X(ServerSuiteNotOffered, 0x0443, "server chose a cipher suite the client did not offer", "the server is misbehaving") \
  X(ServerGroupNotOffered, 0x0444, "server chose a group the client did not offer a key share for", "the server is misbehaving") \
  X(ServerKeyShareInvalid, 0x0445, "server key share is not a valid point on the chosen curve",        \
    "an invalid-curve attack or a broken server")                                                      \
  X(ServerSessionIdMismatch, 0x0446, "server did not echo the client's legacy session id", "the server is misbehaving") \
  X(ServerExtensionNotOffered, 0x0447, "server sent an extension the client did not offer", "the server is misbehaving") \
  X(ServerExtensionMisplaced, 0x0448, "server sent an extension that is not allowed in that message (RFC 8446 §4.2)", \
    "the server is misbehaving")                                                                        \
  X(ServerAlpnNotOffered, 0x0449, "server selected an application protocol the client did not offer", "the server is misbehaving") \
  X(ServerSignatureScheme, 0x044A, "server signed with a scheme the client did not offer or that does not match its certificate key", \
    "the server must sign with ecdsa_secp256r1_sha256 (P-256 key) or ecdsa_secp384r1_sha384 (P-384 key)") \
  X(ServerRetryInvalid, 0x044B, "HelloRetryRequest asks for a group not offered or already key-shared, or changes nothing", \
    "the server is misbehaving")                                                                        \
  X(ServerRetryMismatch, 0x044C, "ServerHello contradicts the HelloRetryRequest (suite or group)", "the server is misbehaving") \
  X(ServerPskInvalid, 0x044D, "server selected a PSK the client did not offer, or one whose hash differs from the suite's", \
    "the server is misbehaving")                                                                        \
  X(ServerAlert, 0x044E, "the server sent an alert", "the detail is the TLS alert number (e.g. 40 handshake_failure, 116 certificate_required)") \
  X(ServerRecordInvalid, 0x044F, "server record failed authentication (bad_record_mac)", "the connection was tampered with") \
  X(ServerRecordOverflow, 0x0450, "server record exceeds the negotiated size limit", "the server ignored record_size_limit") \
  X(ServerKeyChangeStraddle, 0x0451, "server handshake message straddles a key change", "the server is misbehaving (RFC 8446 §5.1)") \
  X(ServerIllegalParameter, 0x0452, "server sent a value TLS 1.3 forbids", "the server is misbehaving") \
  X(ServerMessageTooLarge, 0x0453, "server handshake message exceeds the chip's 16 KiB buffer",        \
    "shorten the server's certificate chain")                                                          \
  X(ServerKeyWornOut, 0x0460, "server kept sending under one key past its AEAD limit without a KeyUpdate (RFC 8446 §5.5)", \
    "the server must update its traffic key; reconnect")                                               \
  X(ServerNoExtendedMasterSecret, 0x0454, "refused: the TLS 1.2 server does not use the extended master secret (RFC 7627)", \
    "without it the session can be synchronised by a man in the middle (triple handshake); enable EMS on the server") \
  X(ServerRenegotiation, 0x0455, "refused: the server asked to renegotiate TLS 1.2",                  \
    "renegotiation is never allowed; configure the server not to renegotiate")                         \
  X(ServerKeyExchangeSignature, 0x0456, "refused: the ServerKeyExchange is not signed by the verified server certificate's key", \
    "a man in the middle, or a server whose key does not match its certificate")                      \
  X(ServerOldVersion, 0x0457, "refused: the server selected TLS 1.0 or 1.1",                           \
    "only TLS 1.2 (ECDHE-ECDSA AEAD) and TLS 1.3 are allowed; upgrade the server")                     \
  X(ServerRefusedStrongParameters, 0x0458, "the server accepts none of the offered suites, groups and signature schemes (handshake_failure)", \
    "it allows only what the chip refuses: CBC or RC4 suites, RSA or static ECDH key exchange, SHA-1 signatures, or other curves; enable ECDHE-ECDSA with AES-GCM/CCM, P-256/P-384, ECDSA SHA-256/384") \
  X(ServerNoCommonVersion, 0x0459, "the server speaks none of the offered TLS versions (protocol_version)", \
    "it allows only TLS 1.0/1.1, which the chip refuses, or only the version left out with --tls1.2/--tls1.3") \
  X(ServerResumptionSuite, 0x045A, "refused: the server resumed a TLS 1.2 session with another cipher suite than the session's", \
    "the server is misbehaving (RFC 5246 §7.4.1.3); reconnect without resuming")                         \
  X(ServerResumptionWithoutEms, 0x045B, "refused: the server resumed a TLS 1.2 session without the extended master secret (RFC 7627 §5.3)", \
    "a man in the middle, or a server that lost EMS; reconnect without resuming")                       \
  X(SessionsFull, 0x0501, "all session slots are in use", "close a session before opening another")  \
  X(NvmFull, 0x0502, "not enough free space in the chip's storage", "remove an object first")         \
  X(TooManyObjects, 0x0503, "object table is full", "remove an object first")                         \
  X(CryptoFailure, 0x0601, "cryptographic operation failed inside the chip", "report this as a bug")  \
  X(NvmIo, 0x0602, "the chip's storage could not be written", "check the state directory")            \
  X(NvmTampered, 0x0603, "the chip's storage failed its integrity check",                             \
    "the NVM image was altered or belongs to another chip; the chip refuses to run on it")            \
  X(Internal, 0x0604, "internal error", "report this as a bug")                                       \
  X(TlsDecode, 0x0701, "malformed TLS message", "the peer sent bytes that do not parse")              \
  X(TlsUnexpectedMessage, 0x0702, "unexpected TLS message", "the peer broke the handshake order")     \
  X(TlsIllegalParameter, 0x0703, "illegal TLS parameter", "the peer sent a forbidden value")          \
  X(TlsPeerAlert, 0x0704, "the peer sent a fatal alert", "see the alert description")                \
  X(TlsRecordOverflow, 0x0705, "TLS record too large", "the peer ignored the negotiated record limit") \
  X(TlsBadRecordMac, 0x0706, "TLS record failed authentication", "the connection was tampered with")  \
  X(TlsProtocolVersion, 0x0707, "no acceptable TLS version", "the server does not speak TLS 1.2 or 1.3")  \
  X(TlsHandshakeFailure, 0x0708, "TLS handshake failure", "no common parameters with the server")     \
  X(TlsClosed, 0x0709, "the TLS connection is closed", "")                                            \
  X(TlsMissingExtension, 0x070A, "a required TLS extension is missing", "the server is misbehaving")  \
  X(TlsUnsupportedExtension, 0x070B, "the server sent an extension the client did not offer", "the server is misbehaving") \
  X(TlsMessageTooLarge, 0x070C, "TLS handshake message exceeds this endpoint's limit",                  \
    "the peer sent a handshake message (often a certificate chain) larger than the configured maximum") \
  X(TlsWrongState, 0x0740, "the TLS connection is not in a state for this call",                     \
    "send and receive after the handshake completes; a failed or closed connection cannot be reused")  \
  X(IoError, 0x0801, "input/output error", "see the system error")                                    \
  X(ConnectFailed, 0x0802, "could not connect", "check the address and that the server runs")         \
  X(Timeout, 0x0803, "operation timed out", "the peer did not answer")

enum class Status : uint16_t {
#define SETLS_STATUS_ENUM(name, code, message, hint) name = code,
  SETLS_STATUS_LIST(SETLS_STATUS_ENUM)
#undef SETLS_STATUS_ENUM
};

constexpr StatusClass status_class(Status s) {
  return static_cast<StatusClass>(static_cast<uint16_t>(s) >> 8);
}
// True for codes this build knows; an unknown code from the bus is a transport fault.
bool status_known(uint16_t code);
const char* status_name(Status s);     // "ManufacturingOnly"
const char* status_message(Status s);  // what happened
const char* status_hint(Status s);     // what to do next

}  // namespace setls
