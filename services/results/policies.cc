#include "services/results/policies.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_pattern.h"
#include "services/common/status_macros.h"
#include "services/results/eligibility_view.h"
#include "services/results/results_names.h"
#include "services/results/use_policy.h"

namespace kaoping::results {
namespace {

// The policy with its etag (one per revision of the region's policy).
v1::Policy WithEtag(v1::Policy policy) {
  policy.set_etag(ComputeEtag(policy.name(), policy.revision(), policy.update_time()));
  return policy;
}

}  // namespace

absl::StatusOr<v1::Policy> Policies::GetPolicy(const Principal&, AuditScope&,
                                               const v1::GetPolicyRequest& request) {
  ASSIGN_OR_RETURN(const PatternMatch match,
                   MatchResourcePattern("name", request.name(), kPolicyPattern));
  ASSIGN_OR_RETURN(
      v1::Policy policy,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly,
                           [&](db::Transaction& tx) { return LoadPolicy(tx, match.region_code); }));
  return WithEtag(std::move(policy));
}

absl::StatusOr<v1::Policy> Policies::UpdatePolicy(const Principal& caller, AuditScope& audit,
                                                  const v1::UpdatePolicyRequest& request) {
  const v1::Policy& patch = request.policy();
  ASSIGN_OR_RETURN(const PatternMatch match,
                   MatchResourcePattern("policy.name", patch.name(), kPolicyPattern));
  ASSIGN_OR_RETURN(const auto paths,
                   ResolveUpdateMask(request.update_mask(), patch, PolicyPaths()));
  std::vector<std::string> sorted(paths.begin(), paths.end());
  std::sort(sorted.begin(), sorted.end());
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Policy> {
        ASSIGN_OR_RETURN(const v1::Policy current, LoadPolicy(tx, match.region_code));
        RETURN_IF_ERROR(
            CheckEtag("policy.etag", patch.etag(), WithEtag(current).etag(), patch.name()));
        v1::Policy updated = current;
        ApplyUpdateMask(paths, patch, updated);
        RETURN_IF_ERROR(ValidatePolicy("policy", updated));
        if (request.validate_only()) {
          audit.NothingWritten();
          return WithEtag(std::move(updated));
        }
        updated.set_revision(current.revision() + 1);
        *updated.mutable_update_time() = ToProtoTimestamp(context_.deps.clock->Now());
        updated.set_updater(caller.subject);
        updated = WithEtag(std::move(updated));
        RETURN_IF_ERROR(store_.Put(tx, match.region_code, updated, current.revision()));
        v1::PolicyUpdated event;
        event.set_policy(updated.name());
        event.set_revision(updated.revision());
        RETURN_IF_ERROR(context_.deps.outbox
                            ->Enqueue(tx, match.region_code, updated.name(), caller.subject, event)
                            .status());
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("revision=", updated.revision(),
                                                      " paths=", absl::StrJoin(sorted, ","))));
        return updated;
      });
}

}  // namespace kaoping::results
