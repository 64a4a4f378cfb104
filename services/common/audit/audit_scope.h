#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/audit/audit_log.h"
#include "services/common/db/database.h"

namespace kaoping {

// The audit of one call, as its domain method sees it. The runtime names
// the call (method, caller, region and resource) before any check, and
// audits on its own every refusal, every failed write and every audited
// read; a domain method only appends the entry of its successful write in
// the write's own transaction (Record), or says that it wrote nothing
// (NothingWritten). A write that did neither is audited apart, so a
// forgotten Record costs atomicity, never the entry.
class AuditScope {
 public:
  // `log` null: nothing is audited (tools and tests of pure rules).
  // `method` must outlive the scope (the runtime passes its route's name).
  AuditScope(const AuditLog* log, absl::string_view principal, absl::string_view method)
      : log_(log), principal_(principal), method_(method) {}
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // Set by the runtime from the request, before any check.
  void SetResource(absl::string_view region_code, absl::string_view resource);

  absl::string_view method() const { return method_; }
  absl::string_view principal() const { return principal_; }
  // "" for calls about no region (e.g. the shipped default catalog).
  const std::string& region_code() const { return region_code_; }
  const std::string& resource() const { return resource_; }

  // Appends the entry of a successful write inside its transaction; a
  // retried transaction records again, a rolled-back one leaves no entry.
  absl::Status Record(db::Transaction& tx, absl::string_view detail = "");
  // A write call that wrote nothing (validate_only, a replayed request_id):
  // nothing to audit, since the first call was.
  void NothingWritten() { settled_ = true; }
  // Record or NothingWritten was called.
  bool settled() const { return settled_; }

  // The entry of this call with its outcome ("OK" or a status code name).
  // Resource and detail are cut to kMaxField bytes: a caller cannot grow the
  // log by sending long names.
  AuditRecord Entry(absl::string_view outcome, absl::string_view detail = "") const;
  // Appends Entry(outcome) in a transaction of its own (refusals, failures, reads).
  absl::Status RecordApart(db::Database& db, absl::string_view outcome) const;

  static constexpr size_t kMaxField = 300;

 private:
  const AuditLog* log_;
  absl::string_view principal_;
  absl::string_view method_;
  std::string region_code_;
  std::string resource_;
  bool settled_ = false;
};

}  // namespace kaoping
