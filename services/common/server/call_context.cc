#include "services/common/server/call_context.h"

namespace kaoping {
namespace {

// At most `max` bytes, never splitting a UTF-8 sequence.
std::string Bounded(absl::string_view text, size_t max) {
  if (text.size() <= max) {
    return std::string(text);
  }
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end)) + "…";
}

}  // namespace

absl::Status CallContext::AuditIn(db::Transaction& tx, absl::string_view detail) {
  audited_ = true;
  return env_.audit->Append(tx, Record("OK", detail));
}

AuditRecord CallContext::Record(absl::string_view outcome, absl::string_view detail) const {
  AuditRecord record;
  record.region_code = region_code_;
  record.principal = principal_.subject;
  record.method = method_;
  record.resource = Bounded(resource_, kMaxAuditField);
  record.outcome = std::string(outcome);
  record.detail = Bounded(detail, kMaxAuditField);
  return record;
}

}  // namespace kaoping
