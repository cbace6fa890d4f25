#include "fuzz/tls_chip.h"

#include <cstdlib>

#include "chip/bus/in_process.h"
#include "common/bytes/writer.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"

namespace setls::fuzz {

void require(bool ok) {
  if (!ok) std::abort();
}

std::unique_ptr<chip::Firmware> operational_ram_chip() {
  auto fw = chip::make_ram_chip();
  require(fw.ok());
  require((*fw)
              ->update([](chip::NvmState& s) -> Outcome {
                s.lifecycle = bus::Lifecycle::Operational;
                return {};
              })
              .ok());
  return std::move(*fw);
}

Bytes client_hello_template() {
  const uint16_t suites[] = {0x1301, 0x1302, 0x1304, 0xC02B, 0xC02C, 0xC0AC, 0xC0AD, 0xC0AE};
  const uint16_t versions[] = {tls::kTls13, tls::kTls12};
  const uint8_t uncompressed[] = {0};
  const uint16_t groups[] = {23, 24};
  const uint16_t schemes[] = {0x0403, 0x0503};
  const uint8_t modes[] = {1};
  Bytes zeros(65, 0);
  tls::KeyShareEntry share{23, zeros};
  tls::ProtocolName alpn{as_bytes("mqtt")};
  std::vector<Bytes> bodies = {
      tls::encode_to_bytes(tls::ServerNameClient{as_bytes("localhost")}),
      tls::encode_to_bytes(tls::SupportedVersionsClient{tls::U16List(versions)}),
      tls::encode_to_bytes(tls::SupportedGroups{tls::U16List(groups)}),
      tls::encode_to_bytes(tls::SignatureAlgorithms{tls::U16List(schemes)}),
      tls::encode_to_bytes(tls::KeyShareClient{tls::List<tls::KeyShareEntry>(std::span(&share, 1))}),
      tls::encode_to_bytes(tls::AlpnProtocols{tls::List<tls::ProtocolName>(std::span(&alpn, 1))}),
      tls::encode_to_bytes(tls::RecordSizeLimit{4096}),
      tls::encode_to_bytes(tls::PskKeyExchangeModes{tls::U8List(modes)}),
      tls::encode_to_bytes(tls::EcPointFormats{tls::U8List(uncompressed)}),
      tls::encode_to_bytes(tls::ExtendedMasterSecret{}),
      tls::encode_to_bytes(tls::RenegotiationInfo{}),
  };
  const tls::ExtensionType types[] = {tls::ExtensionType::ServerName,     tls::ExtensionType::SupportedVersions,
                                      tls::ExtensionType::SupportedGroups, tls::ExtensionType::SignatureAlgorithms,
                                      tls::ExtensionType::KeyShare,       tls::ExtensionType::Alpn,
                                      tls::ExtensionType::RecordSizeLimit, tls::ExtensionType::PskKeyExchangeModes,
                                      tls::ExtensionType::EcPointFormats,  tls::ExtensionType::ExtendedMasterSecret,
                                      tls::ExtensionType::RenegotiationInfo};
  std::vector<tls::Extension> extensions;
  for (size_t i = 0; i < bodies.size(); ++i) extensions.push_back({static_cast<uint16_t>(types[i]), bodies[i]});
  const uint8_t null_compression[] = {0};
  Bytes session_id(32, 0);
  tls::ClientHello hello;
  hello.legacy_session_id = session_id;
  hello.cipher_suites = tls::U16List(suites);
  hello.compression_methods = tls::U8List(null_compression);
  hello.extensions = tls::ExtensionList(extensions);
  Bytes out;
  Writer w(out);
  tls::write_message(w, hello);
  require(w.ok());
  return out;
}

}  // namespace setls::fuzz
