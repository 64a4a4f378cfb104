#include "services/common/audit/audit_scope.h"

#include "absl/strings/str_cat.h"

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
  return absl::StrCat(text.substr(0, end), "…");
}

}  // namespace

void AuditScope::SetResource(absl::string_view region_code, absl::string_view resource) {
  region_code_ = std::string(region_code);
  resource_ = Bounded(resource, kMaxField);
}

absl::Status AuditScope::Record(db::Transaction& tx, absl::string_view detail) {
  settled_ = true;
  if (log_ == nullptr || region_code_.empty()) {
    return absl::OkStatus();
  }
  return log_->Append(tx, Entry("OK", detail));
}

AuditRecord AuditScope::Entry(absl::string_view outcome, absl::string_view detail) const {
  AuditRecord record;
  record.region_code = region_code_;
  record.principal = std::string(principal_);
  record.method = std::string(method_);
  record.resource = resource_;
  record.outcome = std::string(outcome);
  record.detail = Bounded(detail, kMaxField);
  return record;
}

absl::Status AuditScope::RecordApart(db::Database& db, absl::string_view outcome) const {
  if (log_ == nullptr || region_code_.empty()) {
    return absl::OkStatus();
  }
  return log_->AppendStandalone(db, Entry(outcome));
}

}  // namespace kaoping
