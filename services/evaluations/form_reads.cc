// GetForm and ListForms: who reads which form, and how much of it. The
// county's team and auditors read everything (the sealed rater included;
// the runtime audits the read); a rater their own forms without what is
// sealed from them; everyone else nothing (NOT_FOUND).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/api/body_names.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/view.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/forms.h"
#include "services/evaluations/paging.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

std::string PageKey(const v1::Form& form) {
  return JoinKey({absl::StrCat(Micros(form.submit_time())), LastSegment(form.name())});
}

absl::Status CheckEnums(const v1::ListFormsRequest& request) {
  if (!v1::RaterGroup_IsValid(request.rater_group())) {
    return absl::InvalidArgumentError("rater_group: unknown rater group");
  }
  if (!v1::Form::State_IsValid(request.state())) {
    return absl::InvalidArgumentError("state: SUBMITTED or VOIDED");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Form> Forms::Readable(db::Transaction& tx, const Principal& caller,
                                         const CampaignKey& key, StoredForm stored,
                                         const FormSeal& seal, bool with_marks) const {
  v1::Form& form = stored.form;
  const bool sealed_reader = ReadsSealed(caller, key.region_code);
  if (!sealed_reader) {
    ASSIGN_OR_RETURN(std::string own, access_.RaterInvitation(tx, caller, key));
    if (own.empty() || own != seal.invitation_id) {
      return absl::NotFoundError(absl::StrCat(form.name(), " not found"));
    }
  }
  if (with_marks) {
    ASSIGN_OR_RETURN(std::shared_ptr<const FrozenCatalog> catalog,
                     CatalogOfSubject(ctx_, tx, key, LastSegment(form.subject())));
    FillCriterionMarks(*catalog, stored.grades, form);
  }
  form.set_state(stored.revision > 1 ? v1::Form::VOIDED : v1::Form::SUBMITTED);
  form.set_invitation(CampaignChildName(key, "invitations", seal.invitation_id));
  ASSIGN_OR_RETURN(StoredInvitation invitation, ctx_.invitations.Get(tx, key, seal.invitation_id));
  *form.mutable_rater() = invitation.invitation.rater();
  if (sealed_reader) {
    form.set_transcriber(seal.transcriber);
    form.set_paper_reference(seal.paper_reference);
  } else {
    form.clear_straight_lined();
  }
  form.set_etag(ComputeEtag(form.name(), stored.revision, form.submit_time()));
  return std::move(form);
}

absl::StatusOr<v1::Form> Forms::GetForm(const Principal& caller, AuditScope&,
                                        const v1::GetFormRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id, ParseCampaignChild("name", request.name(), kFormPattern));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<v1::Form> {
        ASSIGN_OR_RETURN(std::optional<StoredForm> stored, ctx_.forms.Find(tx, id.campaign, id.id));
        if (!stored.has_value()) {
          return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
        }
        ASSIGN_OR_RETURN(FormSeal seal, ctx_.forms.Seal(tx, id.campaign, id.id));
        return Readable(tx, caller, id.campaign, *std::move(stored), seal, true);
      });
}

absl::StatusOr<v1::ListFormsResponse> Forms::ListForms(const Principal& caller, AuditScope&,
                                                       const v1::ListFormsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  RETURN_IF_ERROR(CheckEnums(request));
  const bool sealed_reader = ReadsSealed(caller, key.region_code);
  if (request.straight_lined_only() && !sealed_reader) {
    return absl::PermissionDeniedError(
        "straight_lined_only: sealed; only the county's assessment team and auditors filter on "
        "it");
  }
  const PathScope scope{key.region_code, key.campaign_id, ""};
  FormStore::ListQuery query;
  if (!request.subject().empty()) {
    ASSIGN_OR_RETURN(NameParts parts,
                     CheckBodyName("subject", request.subject(), kSubjectPattern, scope));
    query.subject_id = parts["subject"];
  }
  if (!request.invitation().empty()) {
    ASSIGN_OR_RETURN(NameParts parts,
                     CheckBodyName("invitation", request.invitation(), kInvitationPattern, scope));
    query.invitation_id = parts["invitation"];
  }
  if (request.rater_group() != v1::RATER_GROUP_UNSPECIFIED) {
    query.rater_group = v1::RaterGroup_Name(request.rater_group());
  }
  if (request.state() != v1::Form::STATE_UNSPECIFIED) {
    query.state = v1::Form::State_Name(request.state());
  }
  query.straight_lined_only = request.straight_lined_only();
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", request.subject(), "|", request.invitation(), "|",
                   request.rater_group(), "|", request.state(), "|", request.straight_lined_only());
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  if (!page.after_key.empty()) {
    std::vector<std::string> after = SplitKey(page.after_key);
    int64_t micros = 0;
    if (after.size() != 2 || !absl::SimpleAtoi(after[0], &micros)) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    query.after = std::make_pair(micros, after[1]);
  }
  query.limit = page.limit + 1;
  ASSIGN_OR_RETURN(
      std::vector<v1::Form> scanned,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<std::vector<v1::Form>> {
            if (!sealed_reader) {
              ASSIGN_OR_RETURN(std::string own, access_.RaterInvitation(tx, caller, key));
              if (own.empty()) {
                return absl::NotFoundError(absl::StrCat(request.parent(), " not found"));
              }
              query.restrict_to_invitations = true;
              query.invitation_ids = {own};
            }
            ASSIGN_OR_RETURN(auto rows, ctx_.forms.List(tx, key, query));
            std::vector<v1::Form> forms;
            for (auto& [stored, seal] : rows) {
              ASSIGN_OR_RETURN(v1::Form form, Readable(tx, caller, key, std::move(stored), seal,
                                                       view == ViewKind::kFull));
              ApplyView(view, {"criterion_marks", "negative_marks", "comment"}, form);
              forms.push_back(std::move(form));
            }
            return forms;
          }));
  const std::vector<bool> shown(scanned.size(), true);
  Page<v1::Form> cut = VisiblePage(std::move(scanned), shown, page, fingerprint, PageKey);
  v1::ListFormsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Form& form : cut.items) {
    *response.add_forms() = std::move(form);
  }
  return response;
}

}  // namespace kaoping::evaluations
