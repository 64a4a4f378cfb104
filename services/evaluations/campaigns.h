#pragma once

#include "absl/status/statusor.h"
#include "google/protobuf/empty.pb.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/evaluations/access.h"
#include "services/evaluations/context.h"

namespace kaoping::evaluations {

// Campaigns (考察): created as drafts, opened (catalogs and profiles frozen,
// the public notice published), closed (the notice withdrawn, FORM leads
// announced), and their frozen catalogs. One method per RPC, no gRPC: the
// runtime has applied the RPC's rule (evaluation_policy.h) already.
class Campaigns {
 public:
  explicit Campaigns(Context& context) : ctx_(context), access_(context) {}

  absl::StatusOr<v1::Campaign> CreateCampaign(const Principal& caller, AuditScope& audit,
                                              const v1::CreateCampaignRequest& request);
  absl::StatusOr<v1::Campaign> GetCampaign(const Principal& caller, AuditScope& audit,
                                           const v1::GetCampaignRequest& request);
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const Principal& caller,
                                                          AuditScope& audit,
                                                          const v1::ListCampaignsRequest& request);
  absl::StatusOr<v1::Campaign> UpdateCampaign(const Principal& caller, AuditScope& audit,
                                              const v1::UpdateCampaignRequest& request);
  absl::Status DeleteCampaign(const Principal& caller, AuditScope& audit,
                              const v1::DeleteCampaignRequest& request);
  absl::StatusOr<v1::Campaign> OpenCampaign(const Principal& caller, AuditScope& audit,
                                            const v1::OpenCampaignRequest& request);
  absl::StatusOr<v1::Campaign> CloseCampaign(const Principal& caller, AuditScope& audit,
                                             const v1::CloseCampaignRequest& request);
  absl::StatusOr<v1::ListCampaignCatalogsResponse> ListCampaignCatalogs(
      const Principal& caller, AuditScope& audit, const v1::ListCampaignCatalogsRequest& request);
  absl::StatusOr<v1::CampaignCatalog> GetCampaignCatalog(
      const Principal& caller, AuditScope& audit, const v1::GetCampaignCatalogRequest& request);

 private:
  // A campaign the caller may see (NOT_FOUND otherwise).
  absl::StatusOr<StoredCampaign> LoadVisible(db::Transaction& tx, const Principal& caller,
                                             const CampaignKey& key) const;
  // A campaign about to change: found, etag current.
  absl::StatusOr<StoredCampaign> LoadForChange(db::Transaction& tx, const CampaignKey& key,
                                               absl::string_view etag_field,
                                               const std::string& etag) const;
  absl::StatusOr<v1::Campaign> NewCampaign(const Principal& caller,
                                           const v1::CreateCampaignRequest& request,
                                           const CampaignKey& key) const;
  absl::Status CheckDeletable(db::Transaction& tx, const CampaignKey& key,
                              const StoredCampaign& stored, bool force) const;
  // What opening reads first (a transaction), completes from the other
  // services (no transaction), and writes in a second transaction.
  struct Opening {
    StoredCampaign stored;
    std::vector<StoredSubject> subjects;
    std::optional<StoredNotice> notice;
    absl::CivilDay catalog_day;
    std::vector<v1::CampaignCatalog> catalogs;
  };
  // The subjects' profiles from the roster and their catalogs from indicators.
  absl::Status Freeze(const Principal& caller, const CampaignKey& key, Opening& opening) const;
  absl::StatusOr<v1::Campaign> CommitOpen(db::Transaction& tx, const Principal& caller,
                                          AuditScope& audit, const CampaignKey& key,
                                          const Opening& opening) const;
  // Closing: the notice withdrawn, FORM leads announced, the event.
  absl::Status CommitClose(db::Transaction& tx, const Principal& caller, const CampaignKey& key,
                           const v1::Campaign& closed) const;

  Context& ctx_;
  Access access_;
};

}  // namespace kaoping::evaluations
