#include "services/common/server/call_context.h"

namespace kaoping {

absl::Status CallContext::AuditIn(db::Transaction& tx, absl::string_view detail) {
  audited_ = true;
  return env_.audit->Append(tx, Record("OK", detail));
}

AuditRecord CallContext::Record(absl::string_view outcome, absl::string_view detail) const {
  AuditRecord record;
  record.region_code = region_code_;
  record.principal = principal_.subject;
  record.method = method_;
  record.resource = resource_;
  record.outcome = std::string(outcome);
  record.detail = std::string(detail);
  return record;
}

}  // namespace kaoping
