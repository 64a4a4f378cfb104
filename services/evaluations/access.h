#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/db/database.h"
#include "services/evaluations/context.h"
#include "services/evaluations/names.h"

// What a caller may see beyond its RPC's rule, where that depends on stored
// state: a campaign a party secretary's unit has a subject in, a rater's own
// invitation, a cadre's own subject (protos/README.md, "EvaluationService").
// Everything refused here is NOT_FOUND to the caller, as if it did not exist.
namespace kaoping::evaluations {

// The JWT `sub` of a rater without an account (RaterIdentity.principal),
// which the gateway puts in the token it issues for a redeemed code.
std::string CodeRaterPrincipal(const std::string& invitation_name);
// The invitation such a `sub` names, when the principal is a RATER holding one.
std::optional<CampaignChild> CodeRaterInvitation(const Principal& principal);

class Access {
 public:
  explicit Access(const Context& context) : ctx_(context) {}

  absl::StatusOr<bool> CanSeeCampaign(db::Transaction& tx, const Principal& principal,
                                      const CampaignKey& key, const v1::Campaign& campaign) const;
  // RATER: assigned to one of their invitations; CADRE: themselves; PS,
  // DS: of a unit they act for; staff: every subject.
  absl::StatusOr<bool> CanSeeSubject(db::Transaction& tx, const Principal& principal,
                                     const CampaignKey& key, const v1::Subject& subject) const;
  // The invitation (id) a RATER answers through in the campaign, "" if none.
  absl::StatusOr<std::string> RaterInvitation(db::Transaction& tx, const Principal& principal,
                                              const CampaignKey& key) const;
  // The cadre (id) a CADRE principal is, "" unless of this region.
  static std::string CadreIdOf(const Principal& principal, const std::string& region_code);

 private:
  const Context& ctx_;
};

// "regions/…/campaigns/x is CLOSED; <what> only while OPEN": FAILED_PRECONDITION naming the state.
absl::Status WrongCampaignState(const v1::Campaign& campaign, absl::string_view what);

}  // namespace kaoping::evaluations
