#include "common/status.h"

namespace setls {

namespace {
struct StatusInfo {
  Status status;
  const char* name;
  const char* message;
  const char* hint;
};

constexpr StatusInfo kStatusTable[] = {
#define SETLS_STATUS_ROW(name, code, message, hint) {Status::name, #name, message, hint},
    SETLS_STATUS_LIST(SETLS_STATUS_ROW)
#undef SETLS_STATUS_ROW
};

const StatusInfo* find(uint16_t code) {
  for (const auto& row : kStatusTable)
    if (static_cast<uint16_t>(row.status) == code) return &row;
  return nullptr;
}
}  // namespace

bool status_known(uint16_t code) { return find(code) != nullptr; }

const char* status_name(Status s) {
  const StatusInfo* row = find(static_cast<uint16_t>(s));
  return row ? row->name : "Unknown";
}

const char* status_message(Status s) {
  const StatusInfo* row = find(static_cast<uint16_t>(s));
  return row ? row->message : "unknown status";
}

const char* status_hint(Status s) {
  const StatusInfo* row = find(static_cast<uint16_t>(s));
  return row ? row->hint : "";
}

}  // namespace setls
