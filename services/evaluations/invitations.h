#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/evaluations/access.h"
#include "services/evaluations/context.h"

namespace kaoping::evaluations {

// Invitations (rater assignments): who rates whom in which group, the
// one-time access codes of raters without an account (shown once, kept as
// a hash, redeemed by the gateway), and participation. The rater's identity
// lives here, never beside the answers (forms).
class Invitations {
 public:
  explicit Invitations(Context& context) : ctx_(context), access_(context) {}

  absl::StatusOr<v1::Invitation> CreateInvitation(const Principal& caller, AuditScope& audit,
                                                  const v1::CreateInvitationRequest& request);
  absl::StatusOr<v1::BatchCreateInvitationsResponse> BatchCreateInvitations(
      const Principal& caller, AuditScope& audit, const v1::BatchCreateInvitationsRequest& request);
  absl::StatusOr<v1::Invitation> GetInvitation(const Principal& caller, AuditScope& audit,
                                               const v1::GetInvitationRequest& request);
  absl::StatusOr<v1::ListInvitationsResponse> ListInvitations(
      const Principal& caller, AuditScope& audit, const v1::ListInvitationsRequest& request);
  absl::StatusOr<v1::Invitation> UpdateInvitation(const Principal& caller, AuditScope& audit,
                                                  const v1::UpdateInvitationRequest& request);
  absl::StatusOr<v1::Invitation> RevokeInvitation(const Principal& caller, AuditScope& audit,
                                                  const v1::RevokeInvitationRequest& request);
  absl::StatusOr<v1::Invitation> ResetInvitationCode(const Principal& caller, AuditScope& audit,
                                                     const v1::ResetInvitationCodeRequest& request);
  absl::StatusOr<v1::RedeemInvitationCodeResponse> RedeemInvitationCode(
      const Principal& caller, AuditScope& audit, const v1::RedeemInvitationCodeRequest& request);

 private:
  // One new invitation, checked against the campaign's subjects; its code
  // (plain) when one is issued.
  struct NewInvitation {
    StoredInvitation stored;
    std::string code;
  };
  absl::StatusOr<NewInvitation> Prepare(db::Transaction& tx, const CampaignKey& key,
                                        const v1::Campaign& campaign, absl::string_view field,
                                        const v1::Invitation& given) const;
  // Writes rows prepared in the same transaction; a row refused by the
  // store (a rater invited twice) gets its status.
  absl::StatusOr<v1::Invitation> Insert(db::Transaction& tx, const CampaignKey& key,
                                        NewInvitation& row, absl::string_view field) const;
  // An invitation the caller may read, trimmed to what it may read.
  absl::StatusOr<v1::Invitation> Readable(db::Transaction& tx, const Principal& caller,
                                          const CampaignKey& key, StoredInvitation stored) const;
  // Loads an invitation about to change (etag current, campaign DRAFT or OPEN).
  absl::StatusOr<StoredInvitation> LoadForChange(db::Transaction& tx, const CampaignChild& id,
                                                 absl::string_view etag_field,
                                                 const std::string& etag) const;

  Context& ctx_;
  Access access_;
};

}  // namespace kaoping::evaluations
