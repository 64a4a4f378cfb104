#pragma once

#include <map>
#include <optional>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/evaluations/access.h"
#include "services/evaluations/context.h"

namespace kaoping::evaluations {

// Subjects (考察对象): cadres added to a campaign one by one or in batches,
// their profiles copied from the roster; in an OPEN campaign a new (tier,
// sector) freezes its catalog on the campaign's catalog date.
class Subjects {
 public:
  explicit Subjects(Context& context) : ctx_(context), access_(context) {}

  absl::StatusOr<v1::Subject> CreateSubject(const Principal& caller, AuditScope& audit,
                                            const v1::CreateSubjectRequest& request);
  absl::StatusOr<v1::BatchCreateSubjectsResponse> BatchCreateSubjects(
      const Principal& caller, AuditScope& audit, const v1::BatchCreateSubjectsRequest& request);
  absl::StatusOr<v1::Subject> GetSubject(const Principal& caller, AuditScope& audit,
                                         const v1::GetSubjectRequest& request);
  absl::StatusOr<v1::ListSubjectsResponse> ListSubjects(const Principal& caller, AuditScope& audit,
                                                        const v1::ListSubjectsRequest& request);
  absl::StatusOr<v1::Subject> UpdateSubject(const Principal& caller, AuditScope& audit,
                                            const v1::UpdateSubjectRequest& request);
  absl::Status DeleteSubject(const Principal& caller, AuditScope& audit,
                             const v1::DeleteSubjectRequest& request);

 private:
  // Subjects about to be written, with what the write needs to know.
  struct Prepared {
    StoredCampaign campaign;
    std::vector<std::optional<StoredSubject>> rows;  // nullopt: refused
    std::vector<absl::Status> statuses;              // OK for rows to write
    // Catalogs an OPEN campaign freezes for pairs it had none of, by id.
    std::map<std::string, v1::CampaignCatalog> new_catalogs;
  };
  // Validation, the roster and (OPEN) catalogs: everything but the write.
  absl::StatusOr<Prepared> Prepare(const Principal& caller, const CampaignKey& key,
                                   const std::vector<const v1::Subject*>& given,
                                   const std::vector<std::string>& ids,
                                   const std::vector<std::string>& fields) const;
  absl::Status FreezeNewCatalogs(const Principal& caller, const CampaignKey& key,
                                 Prepared& prepared) const;
  // Writes the accepted rows (a row refused by the store gets its status).
  absl::Status Write(db::Transaction& tx, const CampaignKey& key, Prepared& prepared) const;
  // What a caller other than the staff sees of a subject.
  void Trim(const Principal& caller, const std::string& region_code, v1::Subject& subject) const;

  Context& ctx_;
  Access access_;
};

}  // namespace kaoping::evaluations
