// SubmitForm and BatchSubmitForms: checking a form against the campaign,
// its assignment and its frozen catalog, and writing it apart from its rater.
#include "services/evaluations/forms.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/body_names.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/text_limits.h"
#include "services/common/db/row_lock.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr int kMaxBatch = 200;
constexpr size_t kMaxPaperReference = 40;

std::string FormatMicros(int64_t micros) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

// Forms are accepted only while OPEN and inside the campaign's window.
absl::Status RequireAcceptingForms(const v1::Campaign& campaign, absl::Time now) {
  if (campaign.state() != v1::Campaign::OPEN) {
    return WrongCampaignState(campaign, "forms are accepted only while OPEN");
  }
  const int64_t at = Micros(now);
  if (at < Micros(campaign.window_start_time())) {
    return absl::FailedPreconditionError(
        absl::StrCat(campaign.name(), ": the window opens at ",
                     FormatMicros(Micros(campaign.window_start_time()))));
  }
  if (at >= Micros(campaign.window_end_time())) {
    return absl::FailedPreconditionError(
        absl::StrCat(campaign.name(), ": the window ended at ",
                     FormatMicros(Micros(campaign.window_end_time()))));
  }
  return absl::OkStatus();
}

// What an idempotency record keeps of a form: it is keyed by the caller
// (the rater), so nothing that leads from them to their answers — no name,
// no marks, no sealed field. A replay returns this.
void Seal(v1::Form& form) {
  v1::Form kept;
  kept.set_subject(form.subject());
  kept.set_catalog(form.catalog());
  kept.set_rater_group(form.rater_group());
  kept.set_channel(form.channel());
  kept.set_state(form.state());
  *kept.mutable_submit_time() = form.submit_time();
  form = std::move(kept);
}
struct WithoutRater {
  void operator()(v1::Form& form) const { Seal(form); }
  void operator()(v1::BatchSubmitFormsResponse& response) const {
    for (v1::RowResult& row : *response.mutable_results()) {
      row.clear_name();
    }
  }
};

// A rater submits their own form; the team keys in paper slips.
absl::Status CheckSubmitter(const Principal& caller, const CampaignKey& key, bool transcribing) {
  if (transcribing) {
    if (!Allows(kTeam, caller, key.region_code)) {
      return absl::PermissionDeniedError(
          "form.invitation: only the county's assessment team keys in paper forms; a rater "
          "leaves it empty");
    }
    return absl::OkStatus();
  }
  if (Allows(Rule{.roles = {Role::kRater}, .region = RegionRelation::kOwn}, caller,
             key.region_code)) {
    return absl::OkStatus();
  }
  if (Allows(kTeam, caller, key.region_code)) {
    return absl::InvalidArgumentError(
        "form.invitation: required when the assessment team keys in a paper form");
  }
  return absl::PermissionDeniedError("forms are submitted by raters and the assessment team");
}

// Row errors a batch answers in the row; anything else fails the call.
bool IsRowError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::Status LockAssignment(db::Transaction& tx, const CampaignKey& key,
                            const std::string& invitation_id, const std::string& subject_id) {
  return db::LockKey(tx, "form", key.region_code,
                     absl::StrCat(key.campaign_id, "/", invitation_id, "/", subject_id));
}

absl::StatusOr<std::shared_ptr<const FrozenCatalog>> CatalogOfSubject(
    const Context& ctx, db::Transaction& tx, const CampaignKey& key,
    const std::string& subject_id) {
  std::string catalog_id = ctx.catalogs.SubjectCatalog(key, subject_id);
  if (catalog_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> found, ctx.subjects.CatalogOf(tx, key, subject_id));
    if (!found.has_value() || found->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(SubjectName(key, subject_id), " has no frozen catalog"));
    }
    catalog_id = *found;
    ctx.catalogs.PutSubject(key, subject_id, catalog_id);
  }
  if (std::shared_ptr<const FrozenCatalog> cached = ctx.catalogs.Find(key, catalog_id)) {
    return cached;
  }
  ASSIGN_OR_RETURN(std::optional<v1::CampaignCatalog> stored,
                   ctx.campaigns.FindCatalog(tx, key, catalog_id));
  if (!stored.has_value()) {
    return absl::DataLossError(
        absl::StrCat(CampaignChildName(key, "catalogs", catalog_id), " is missing"));
  }
  std::shared_ptr<const FrozenCatalog> catalog = Index(catalog_id, *std::move(stored));
  ctx.catalogs.Put(key, catalog);
  return catalog;
}

absl::StatusOr<PreparedForm> Forms::Prepare(db::Transaction& tx, const Principal& caller,
                                            const CampaignKey& key, const std::string& field,
                                            const v1::Form& given, const Submission& how) const {
  PreparedForm p;
  p.campaign = key;
  p.field = field;
  const PathScope scope{key.region_code, key.campaign_id, ""};
  if (how.transcribing) {
    ASSIGN_OR_RETURN(NameParts invitation,
                     CheckBodyName(absl::StrCat(field, ".invitation"), given.invitation(),
                                   kInvitationPattern, scope));
    p.invitation_id = invitation["invitation"];
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".paper_reference"), given.paper_reference(),
                              kMaxPaperReference));
    p.paper_reference = given.paper_reference();
    p.transcriber = caller.subject;
  } else {
    if (!given.paper_reference().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".paper_reference: only for paper forms keyed in by the assessment team"));
    }
    ASSIGN_OR_RETURN(p.invitation_id, access_.RaterInvitation(tx, caller, key));
    if (p.invitation_id.empty()) {
      return absl::NotFoundError(absl::StrCat(key.Name(), " not found"));
    }
  }
  ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
  RETURN_IF_ERROR(RequireAcceptingForms(campaign.campaign, ctx_.Now()));
  ASSIGN_OR_RETURN(std::optional<StoredInvitation> invitation,
                   ctx_.invitations.Find(tx, key, p.invitation_id));
  if (!invitation.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".invitation: not an invitation of ", key.Name()));
  }
  if (invitation->revoked) {
    return absl::FailedPreconditionError(
        absl::StrCat(invitation->invitation.name(), " is REVOKED; its forms are not accepted"));
  }
  ASSIGN_OR_RETURN(NameParts subject, CheckBodyName(absl::StrCat(field, ".subject"),
                                                    given.subject(), kSubjectPattern, scope));
  p.subject_id = subject["subject"];
  if (!how.validate_only) {
    RETURN_IF_ERROR(LockAssignment(tx, key, p.invitation_id, p.subject_id));
  }
  ASSIGN_OR_RETURN(std::vector<AssignmentRow> assignment,
                   ctx_.invitations.Assignments(tx, key, {{p.invitation_id, p.subject_id}}));
  if (assignment.empty()) {
    ASSIGN_OR_RETURN(std::optional<StoredSubject> known, ctx_.subjects.Find(tx, key, p.subject_id));
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".subject: ",
                     known.has_value() ? "not assigned to the invitation"
                                       : absl::StrCat("not a subject of ", key.Name())));
  }
  if (!assignment[0].form_id.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat(field, ".subject: a form about ", given.subject(),
                     " was already submitted from this invitation; the team voids it first"));
  }
  v1::RaterGroup group = v1::RATER_GROUP_UNSPECIFIED;
  v1::RaterGroup_Parse(assignment[0].rater_group, &group);
  p.rater_group = group;
  ASSIGN_OR_RETURN(p.catalog, CatalogOfSubject(ctx_, tx, key, p.subject_id));
  RETURN_IF_ERROR(PrepareAnswers(given, p));
  if (p.channel == v1::RATING_CHANNEL_UNSPECIFIED) {
    p.channel = invitation->invitation.channel();
  }
  if (!p.paper_reference.empty()) {
    if (!how.validate_only) {
      RETURN_IF_ERROR(db::LockKey(tx, "paper", key.region_code,
                                  absl::StrCat(key.campaign_id, "/", p.paper_reference)));
    }
    ASSIGN_OR_RETURN(auto taken, ctx_.forms.TakenPaperReferences(tx, key, {p.paper_reference}));
    if (!taken.empty()) {
      return absl::AlreadyExistsError(absl::StrCat(field, ".paper_reference: slip ",
                                                   p.paper_reference, " was already keyed in"));
    }
  }
  return p;
}

v1::Form Forms::Answers(const PreparedForm& p) const {
  v1::Form form;
  form.set_subject(SubjectName(p.campaign, p.subject_id));
  form.set_catalog(CampaignChildName(p.campaign, "catalogs", p.catalog->id));
  form.set_rater_group(p.rater_group);
  form.set_channel(p.channel);
  form.set_overall_grade(p.overall);
  form.set_comment(p.comment);
  for (const TickedItem& tick : p.ticks) {
    v1::NegativeMark* mark = form.add_negative_marks();
    mark->set_negative_item_id(tick.item_id);
    mark->set_remark(tick.remark);
  }
  form.set_straight_lined(p.straight_lined);
  FillCriterionMarks(*p.catalog, p.grades, form);
  return form;
}

absl::StatusOr<v1::Form> Forms::Write(db::Transaction& tx, FormLeads& leads,
                                      const PreparedForm& p) const {
  const CampaignKey& key = p.campaign;
  const std::string form_id = RandomId();
  v1::Form form = Answers(p);
  form.clear_criterion_marks();  // kept as the grades column
  form.set_name(CampaignChildName(key, "forms", form_id));
  form.set_state(v1::Form::SUBMITTED);
  *form.mutable_submit_time() = ToProtoTimestamp(ctx_.Now());
  for (const TickedItem& tick : p.ticks) {
    ASSIGN_OR_RETURN(std::string lead, leads.Tick(key, p.subject_id, *p.catalog, tick, form_id));
    form.add_leads(lead);
  }
  RETURN_IF_ERROR(ctx_.forms.Insert(tx, key, StoredForm{form, p.grades, 1},
                                    FormSeal{p.invitation_id, p.transcriber, p.paper_reference}));
  RETURN_IF_ERROR(
      ctx_.invitations.SetAssignmentForm(tx, key, p.invitation_id, p.subject_id, form_id));
  RETURN_IF_ERROR(ctx_.invitations.Touch(tx, key, p.invitation_id, Micros(ctx_.Now())));
  RETURN_IF_ERROR(ctx_.campaigns.AddCounts(tx, key, 0, 0, 1));
  v1::FormSubmitted event;
  event.set_campaign(key.Name());
  event.set_subject(form.subject());
  event.set_rater_group(form.rater_group());
  event.set_channel(form.channel());
  // Neither the form nor the actor: the event must not lead to the rater.
  RETURN_IF_ERROR(ctx_.deps.outbox->Enqueue(tx, key.region_code, key.Name(), "", event).status());
  FillCriterionMarks(*p.catalog, p.grades, form);
  form.set_invitation(CampaignChildName(key, "invitations", p.invitation_id));
  form.set_transcriber(p.transcriber);
  form.set_paper_reference(p.paper_reference);
  form.set_etag(ComputeEtag(form.name(), 1, form.submit_time()));
  return form;
}

absl::StatusOr<v1::Form> Forms::SubmitForm(const Principal& caller, AuditScope& audit,
                                           const v1::SubmitFormRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  const Submission how{.transcribing = !request.form().invitation().empty(),
                       .validate_only = request.validate_only()};
  RETURN_IF_ERROR(CheckSubmitter(caller, key, how.transcribing));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.request_id().empty()) {
    return absl::InvalidArgumentError("request_id: required, so that a retry is safe");
  }
  auto write = [&](db::Transaction& tx) -> absl::StatusOr<v1::Form> {
    ASSIGN_OR_RETURN(PreparedForm prepared, Prepare(tx, caller, key, "form", request.form(), how));
    if (how.validate_only) {
      return Answers(prepared);
    }
    FormLeads leads(ctx_, tx, ctx_.Now());
    ASSIGN_OR_RETURN(v1::Form form, Write(tx, leads, prepared));
    RETURN_IF_ERROR(leads.Flush());
    RETURN_IF_ERROR(audit.Record(tx));  // no form name: the entry carries the caller
    return form;
  };
  if (how.validate_only) {
    audit.NothingWritten();
    return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly, write);
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), WithoutRater(), write);
}

absl::StatusOr<v1::BatchSubmitFormsResponse> Forms::BatchSubmitForms(
    const Principal& caller, AuditScope& audit, const v1::BatchSubmitFormsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  if (!Allows(kTeam, caller, key.region_code)) {
    return absl::PermissionDeniedError("only the county's assessment team keys in paper forms");
  }
  RETURN_IF_ERROR(CheckCount("forms", request.forms_size(), kMaxBatch, 1));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.request_id().empty()) {
    return absl::InvalidArgumentError("request_id: required, so that a retry is safe");
  }
  const Submission how{.transcribing = true, .validate_only = request.validate_only()};
  auto write = [&](db::Transaction& tx) -> absl::StatusOr<v1::BatchSubmitFormsResponse> {
    ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
    RETURN_IF_ERROR(RequireAcceptingForms(campaign.campaign, ctx_.Now()));
    FormLeads leads(ctx_, tx, ctx_.Now());
    v1::BatchSubmitFormsResponse response;
    for (int i = 0; i < request.forms_size(); ++i) {
      const std::string field = absl::StrCat("forms[", i, "]");
      const v1::Form& given = request.forms(i);
      absl::StatusOr<v1::Form> row =
          given.paper_reference().empty()
              ? absl::InvalidArgumentError(absl::StrCat(
                    field, ".paper_reference: required, the serial number printed on the slip"))
              : absl::StatusOr<v1::Form>(v1::Form());
      absl::StatusOr<PreparedForm> prepared =
          row.ok() ? Prepare(tx, caller, key, field, given, how) : row.status();
      if (prepared.ok()) {
        row = how.validate_only ? Answers(*prepared) : Write(tx, leads, *prepared);
      } else {
        row = prepared.status();
      }
      if (!row.ok() && !IsRowError(row.status())) {
        return row.status();
      }
      v1::RowResult* result = response.add_results();
      result->set_index(i);
      result->mutable_status()->set_code(static_cast<int32_t>(row.status().code()));
      result->mutable_status()->set_message(std::string(row.status().message()));
      if (row.ok()) {
        result->set_name(row->name());
      }
      response.set_accepted_count(response.accepted_count() + (row.ok() ? 1 : 0));
      response.set_rejected_count(response.rejected_count() + (row.ok() ? 0 : 1));
    }
    if (!how.validate_only) {
      RETURN_IF_ERROR(leads.Flush());
      RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("accepted=", response.accepted_count(),
                                                    " rejected=", response.rejected_count())));
    }
    return response;
  };
  if (how.validate_only) {
    audit.NothingWritten();
    return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly, write);
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), WithoutRater(), write);
}

}  // namespace kaoping::evaluations
