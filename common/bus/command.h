// Command ids of the bus protocol (docs/bus-protocol.md §4). The numbering
// groups commands by area; gaps are reserved.
#pragma once

#include <cstdint>

namespace setls::bus {

#define SETLS_COMMAND_LIST(X)  \
  X(Hello, 0x0001)             \
  X(ReadMore, 0x0002)          \
  X(Info, 0x0010)              \
  X(GetRandom, 0x0011)         \
  X(ReadObject, 0x0012)        \
  X(Zeroize, 0x0013)           \
  X(Reset, 0x0014)             \
  X(Keygen, 0x0020)            \
  X(Csr, 0x0021)               \
  X(InstallCert, 0x0022)       \
  X(AddRoot, 0x0023)           \
  X(SetAdminKey, 0x0024)       \
  X(SetFirmwareKey, 0x0025)    \
  X(DeleteObject, 0x0026)      \
  X(Lock, 0x0027)              \
  X(PairHost, 0x0028)          \
  X(AdminChallenge, 0x0040)    \
  X(AdminApply, 0x0041)        \
  X(BootBegin, 0x0048)         \
  X(BootData, 0x0049)          \
  X(BootFinish, 0x004A)        \
  X(Attest, 0x0050)            \
  X(ChannelOpen, 0x0058)       \
  X(ChannelFinish, 0x0059)     \
  X(TlsStart, 0x0060)          \
  X(TlsHandshake, 0x0061)      \
  X(TlsRetry, 0x0062)          \
  X(TlsRecordIn, 0x0063)       \
  X(TlsSeal, 0x0064)           \
  X(TlsPostHandshake, 0x0065)  \
  X(TlsKeyUpdate, 0x0066)      \
  X(TlsEnd, 0x0067)            \
  X(X509Verify, 0x0070)

enum class Command : uint16_t {
#define SETLS_COMMAND_ENUM(name, code) name = code,
  SETLS_COMMAND_LIST(SETLS_COMMAND_ENUM)
#undef SETLS_COMMAND_ENUM
};

const char* command_name(uint16_t code);  // "Keygen", or "unknown"
bool command_known(uint16_t code);

}  // namespace setls::bus
