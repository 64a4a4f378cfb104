#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// An invitation as stored: the message with its assignments, derived state,
// unanswered count and etag filled in on read, and what the columns hold.
struct StoredInvitation {
  v1::Invitation invitation;
  int64_t revision = 0;
  bool revoked = false;
  // Set when a pending one-time code exists.
  std::string code_hash;
  int64_t code_expire_micros = 0;
};

// One assignment as the form writer needs it.
struct AssignmentRow {
  std::string invitation_id;
  std::string subject_id;
  std::string rater_group;
  std::string form_id;  // "" while pending
};

// Invitations and their assignments, keyed by (region_code, campaign_id,
// invitation_id). Every method runs in the caller's transaction.
class InvitationStore {
 public:
  // ALREADY_EXISTS when the rater's principal or cadre is already invited
  // to the campaign (the caller names the field).
  absl::Status Insert(db::Transaction& tx, const CampaignKey& campaign,
                      const StoredInvitation& stored) const;
  absl::StatusOr<std::optional<StoredInvitation>> Find(db::Transaction& tx,
                                                       const CampaignKey& campaign,
                                                       const std::string& invitation_id) const;
  // NOT_FOUND naming the invitation.
  absl::StatusOr<StoredInvitation> Get(db::Transaction& tx, const CampaignKey& campaign,
                                       const std::string& invitation_id) const;
  // The invitation of a rater's principal in a campaign, if any.
  absl::StatusOr<std::optional<std::string>> FindByPrincipal(db::Transaction& tx,
                                                             const CampaignKey& campaign,
                                                             const std::string& principal) const;
  // Campaigns (ids) a principal is invited to in a region.
  absl::StatusOr<std::vector<std::string>> CampaignsOfPrincipal(db::Transaction& tx,
                                                                const std::string& region_code,
                                                                const std::string& principal) const;

  // Replaces the invitation row (not its assignments) if still at
  // `stored.revision` (ABORTED otherwise).
  absl::Status Replace(db::Transaction& tx, const CampaignKey& campaign,
                       const StoredInvitation& stored, const StoredInvitation& updated) const;
  // Replaces the assignments by `assignments` (subject, group); those kept
  // keep their forms.
  absl::Status ReplaceAssignments(
      db::Transaction& tx, const CampaignKey& campaign, const std::string& invitation_id,
      const google::protobuf::RepeatedPtrField<v1::Assignment>& assignments) const;
  absl::Status DeleteAll(db::Transaction& tx, const CampaignKey& campaign) const;

  // The invitation holding a pending code (hash) in a region.
  struct CodeHolder {
    CampaignKey campaign;
    std::string invitation_id;
    int64_t expire_micros = 0;
  };
  absl::StatusOr<std::optional<CodeHolder>> FindByCode(db::Transaction& tx,
                                                       const std::string& region_code,
                                                       const std::string& code_hash) const;

  struct ListQuery {
    std::string region_code;
    std::string campaign_id;  // "" for every campaign of the region
    bool pending_only = false;
    bool open_campaigns_only = false;
    std::string channel;
    std::string subject_id;
    std::string principal;                                     // a rater's own
    std::optional<std::pair<std::string, std::string>> after;  // campaign_id, invitation_id
    int limit = 50;
  };
  absl::StatusOr<std::vector<StoredInvitation>> List(db::Transaction& tx,
                                                     const ListQuery& query) const;

  // The assignments of these (invitation, subject) pairs of a campaign.
  absl::StatusOr<std::vector<AssignmentRow>> Assignments(
      db::Transaction& tx, const CampaignKey& campaign,
      const std::vector<std::pair<std::string, std::string>>& pairs) const;
  // Subjects (ids) assigned to an invitation.
  absl::StatusOr<std::vector<std::string>> AssignedSubjects(db::Transaction& tx,
                                                            const CampaignKey& campaign,
                                                            const std::string& invitation_id) const;
  // Sets an assignment's counted form ("" clears it).
  absl::Status SetAssignmentForm(db::Transaction& tx, const CampaignKey& campaign,
                                 const std::string& invitation_id, const std::string& subject_id,
                                 const std::string& form_id) const;
  // Assignments of the campaign's active invitations.
  absl::StatusOr<int64_t> CountAssignments(db::Transaction& tx, const CampaignKey& campaign) const;
  // Marks the invitation changed now (its update time), for participation tracking.
  absl::Status Touch(db::Transaction& tx, const CampaignKey& campaign,
                     const std::string& invitation_id, int64_t now_micros) const;

 private:
  absl::Status FillAssignments(db::Transaction& tx, const CampaignKey& campaign,
                               std::vector<StoredInvitation>& invitations) const;
};

// The state an invitation's assignments give it (REVOKED aside).
v1::Invitation::State DerivedState(const v1::Invitation& invitation, bool revoked);

}  // namespace kaoping::evaluations
