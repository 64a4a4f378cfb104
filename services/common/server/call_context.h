#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/audit/audit_log.h"
#include "services/common/auth/principal.h"
#include "services/common/db/database.h"

namespace kaoping {

class Authenticator;
class WorkerPool;

// What every RPC handler of a service shares.
struct CallEnv {
  const Authenticator* authenticator = nullptr;
  const AuditLog* audit = nullptr;
  db::Database* db = nullptr;
  // Where call bodies run; null runs them on gRPC's thread (tests of one call).
  WorkerPool* workers = nullptr;
};

enum class CallKind {
  kRead,         // not audited
  kAuditedRead,  // reads of forms, appraisals, archives: audited, success or not
  kWrite,        // audited in the write's own transaction; refusals audited apart
};

// A call in progress, as the handler sees it.
class CallContext {
 public:
  CallContext(const Principal& principal, absl::string_view method, const CallEnv& env)
      : principal_(principal), method_(method), env_(env) {}

  const Principal& principal() const { return principal_; }
  absl::string_view method() const { return method_; }

  // The handler names what the call is about as soon as it knows, so that a
  // refused or failed call is audited under the right region and resource.
  void SetResource(absl::string_view region_code, absl::string_view resource) {
    region_code_ = std::string(region_code);
    resource_ = std::string(resource);
  }
  const std::string& region_code() const { return region_code_; }
  const std::string& resource() const { return resource_; }

  // Appends the audit entry of a successful write inside its transaction.
  absl::Status AuditIn(db::Transaction& tx, absl::string_view detail = "");
  // A write call that wrote nothing (validate_only, a replayed request_id):
  // nothing to audit, since the first call was.
  void MarkNothingWritten() { audited_ = true; }
  bool audited() const { return audited_; }

  // An audit record of this call. Resource and detail are cut to
  // kMaxAuditField bytes: a caller cannot grow the log by sending long names.
  AuditRecord Record(absl::string_view outcome, absl::string_view detail) const;
  static constexpr size_t kMaxAuditField = 300;

 private:
  const Principal& principal_;
  std::string method_;
  const CallEnv& env_;
  std::string region_code_;
  std::string resource_;
  bool audited_ = false;
};

}  // namespace kaoping
