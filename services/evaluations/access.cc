#include "services/evaluations/access.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kCodeRaterPrefix = "invitation:";

}  // namespace

std::string CodeRaterPrincipal(const std::string& invitation_name) {
  return absl::StrCat(kCodeRaterPrefix, invitation_name);
}

absl::Status WrongCampaignState(const v1::Campaign& campaign, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(
      campaign.name(), " is ", v1::Campaign::State_Name(campaign.state()), "; ", what));
}

std::string Access::CadreIdOf(const Principal& principal, const std::string& region_code) {
  if (!principal.HasRole(Role::kCadre) || principal.cadre.empty()) {
    return "";
  }
  if (!absl::StrContains(principal.cadre, '/')) {
    return principal.cadre;
  }
  absl::StatusOr<std::vector<std::string>> vars =
      NameVariables("cadre", principal.cadre, kCadrePattern);
  if (!vars.ok() || (*vars)[0] != region_code) {
    return "";
  }
  return (*vars)[1];
}

std::optional<CampaignChild> CodeRaterInvitation(const Principal& principal) {
  if (!principal.HasRole(Role::kRater) || !absl::StartsWith(principal.subject, kCodeRaterPrefix)) {
    return std::nullopt;
  }
  absl::StatusOr<CampaignChild> id = ParseCampaignChild(
      "sub", absl::string_view(principal.subject).substr(kCodeRaterPrefix.size()),
      kInvitationPattern);
  if (!id.ok()) {
    return std::nullopt;
  }
  return *std::move(id);
}

absl::StatusOr<std::string> Access::RaterInvitation(db::Transaction& tx, const Principal& principal,
                                                    const CampaignKey& key) const {
  if (!principal.HasRole(Role::kRater)) {
    return std::string();
  }
  if (std::optional<CampaignChild> code = CodeRaterInvitation(principal); code.has_value()) {
    if (!(code->campaign == key)) {
      return std::string();
    }
    ASSIGN_OR_RETURN(std::optional<StoredInvitation> found,
                     ctx_.invitations.Find(tx, key, code->id));
    return found.has_value() && !found->revoked ? code->id : std::string();
  }
  ASSIGN_OR_RETURN(std::optional<std::string> id,
                   ctx_.invitations.FindByPrincipal(tx, key, principal.subject));
  return id.value_or("");
}

absl::StatusOr<bool> Access::CanSeeCampaign(db::Transaction& tx, const Principal& principal,
                                            const CampaignKey& key,
                                            const v1::Campaign& campaign) const {
  if (IsCampaignStaff(principal, key.region_code)) {
    return true;
  }
  if (principal.IsSystem()) {
    return principal.HasScope(kInvitationsReadScope) && campaign.state() == v1::Campaign::OPEN;
  }
  if (ActsForUnit(principal, principal.unit)) {
    ASSIGN_OR_RETURN(bool has, ctx_.subjects.HasSubjectInUnits(tx, key, principal.unit));
    if (has) {
      return true;
    }
  }
  ASSIGN_OR_RETURN(std::string invitation, RaterInvitation(tx, principal, key));
  if (!invitation.empty()) {
    return true;
  }
  const std::string cadre = CadreIdOf(principal, key.region_code);
  if (!cadre.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> subject,
                     ctx_.subjects.SubjectOfCadre(tx, key, cadre));
    return subject.has_value();
  }
  return false;
}

absl::StatusOr<bool> Access::CanSeeSubject(db::Transaction& tx, const Principal& principal,
                                           const CampaignKey& key,
                                           const v1::Subject& subject) const {
  if (IsCampaignStaff(principal, key.region_code)) {
    return true;
  }
  if (ActsForUnit(principal, subject.unit())) {
    return true;
  }
  ASSIGN_OR_RETURN(std::string invitation, RaterInvitation(tx, principal, key));
  if (!invitation.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> assigned,
                     ctx_.invitations.AssignedSubjects(tx, key, invitation));
    if (std::find(assigned.begin(), assigned.end(), LastSegment(subject.name())) !=
        assigned.end()) {
      return true;
    }
  }
  const std::string cadre = CadreIdOf(principal, key.region_code);
  return !cadre.empty() && cadre == LastSegment(subject.cadre());
}

}  // namespace kaoping::evaluations
