#include "services/evaluations/invitations.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/body_names.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/text_limits.h"
#include "services/common/api/view.h"
#include "services/common/idempotency.h"
#include "services/common/privacy/field_access.h"
#include "services/common/privacy/form_lead_disclosure.h"
#include "services/common/status_macros.h"
#include "services/evaluations/access_code.h"
#include "services/evaluations/evaluation_policy.h"
#include "services/evaluations/paging.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr int kMaxBatch = 1000;
constexpr int kMaxAssignments = 200;

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "rater", "rater.display_name", "rater.phone", "rater.affiliation", "channel", "assignments"};
  return *paths;
}

// What a reminder system (SYSTEM `invitations:read`) reads of an invitation.
const privacy::ReadableFields& ReminderView() {
  static const auto* fields =
      new privacy::ReadableFields({"name", "rater.display_name", "rater.phone", "channel", "state",
                                   "unanswered_count", "update_time"});
  return *fields;
}

const std::vector<privacy::FilterBinding>& ListFilters() {
  static const auto* filters =
      new std::vector<privacy::FilterBinding>{{"subject", "assignments.subject"}};
  return *filters;
}

absl::Status ValidateRater(absl::string_view field, const v1::RaterIdentity& rater,
                           const PathScope& scope) {
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".display_name"), rater.display_name(), 100, true));
  RETURN_IF_ERROR(
      CheckOptionalBodyName(absl::StrCat(field, ".cadre"), rater.cadre(), kCadrePattern, scope));
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".principal"), rater.principal(), 200));
  if (absl::StartsWith(rater.principal(), "invitation:")) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".principal: output only for raters without an account; leave it empty"));
  }
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".phone"), rater.phone(), 50));
  return CheckText(absl::StrCat(field, ".affiliation"), rater.affiliation(), 200);
}

absl::Status ValidateChannel(absl::string_view field, v1::RatingChannel channel) {
  if (channel == v1::RATING_CHANNEL_UNSPECIFIED || !v1::RatingChannel_IsValid(channel)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required, ON_SITE or ONLINE"));
  }
  return absl::OkStatus();
}

// The assignments: 1..200 subjects of the campaign, each once, none the rater.
absl::Status ValidateAssignments(db::Transaction& tx, const Context& ctx, const CampaignKey& key,
                                 absl::string_view field, const v1::Invitation& invitation) {
  const auto& list = invitation.assignments();
  RETURN_IF_ERROR(CheckCount(field, list.size(), kMaxAssignments, 1));
  const PathScope scope{key.region_code, key.campaign_id, ""};
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < list.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    ASSIGN_OR_RETURN(NameParts parts, CheckBodyName(absl::StrCat(at, ".subject"), list[i].subject(),
                                                    kSubjectPattern, scope));
    if (list[i].rater_group() == v1::RATER_GROUP_UNSPECIFIED ||
        !v1::RaterGroup_IsValid(list[i].rater_group())) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".rater_group: required, one of SUPERIOR, PEER, SUBORDINATE, PUBLIC"));
    }
    if (!seen.insert(parts["subject"]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".subject: ", list[i].subject(), " is assigned twice"));
    }
    ASSIGN_OR_RETURN(std::optional<StoredSubject> subject,
                     ctx.subjects.Find(tx, key, parts["subject"]));
    if (!subject.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".subject: not a subject of ", key.Name()));
    }
    if (!invitation.rater().cadre().empty() &&
        subject->subject.cadre() == invitation.rater().cadre()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ".subject: the rater is the subject themselves"));
    }
  }
  return absl::OkStatus();
}

absl::Status RequireDraftOrOpen(const v1::Campaign& campaign, absl::string_view what) {
  if (campaign.state() == v1::Campaign::DRAFT || campaign.state() == v1::Campaign::OPEN) {
    return absl::OkStatus();
  }
  return WrongCampaignState(campaign, absl::StrCat(what, " only while DRAFT or OPEN"));
}

// A code's hash, its expiry (the campaign's window end) and the plain code.
struct IssuedCode {
  std::string code;
  std::string hash;
  int64_t expire_micros;
};
IssuedCode IssueCode(const CampaignKey& key, const v1::Campaign& campaign) {
  IssuedCode issued;
  issued.code = NewAccessCode();
  issued.hash = AccessCodeHash(key.region_code, issued.code);
  issued.expire_micros = Micros(campaign.window_end_time());
  return issued;
}

// Redacted for the idempotency record: a code is never kept in plain, and
// the rater's identity is kept only in the invitation row (audited reads),
// never in a copy beside it. A replay returns the invitation without both.
void Seal(v1::Invitation& invitation) {
  invitation.clear_access_code();
  invitation.clear_rater();
}
struct WithoutSecrets {
  void operator()(v1::Invitation& invitation) const { Seal(invitation); }
  void operator()(v1::BatchCreateInvitationsResponse& response) const {
    for (v1::Invitation& invitation : *response.mutable_invitations()) {
      Seal(invitation);
    }
  }
};

std::string PageKey(const v1::Invitation& invitation) {
  absl::StatusOr<CampaignChild> id =
      ParseCampaignChild("name", invitation.name(), kInvitationPattern);
  return id.ok() ? JoinKey({id->campaign.campaign_id, id->id}) : "";
}

}  // namespace

absl::StatusOr<Invitations::NewInvitation> Invitations::Prepare(db::Transaction& tx,
                                                                const CampaignKey& key,
                                                                const v1::Campaign& campaign,
                                                                absl::string_view field,
                                                                const v1::Invitation& given) const {
  const PathScope scope{key.region_code, key.campaign_id, ""};
  RETURN_IF_ERROR(ValidateRater(absl::StrCat(field, ".rater"), given.rater(), scope));
  RETURN_IF_ERROR(ValidateChannel(absl::StrCat(field, ".channel"), given.channel()));
  RETURN_IF_ERROR(ValidateAssignments(tx, ctx_, key, absl::StrCat(field, ".assignments"), given));
  NewInvitation row;
  v1::Invitation& inv = row.stored.invitation;
  inv.set_name(CampaignChildName(key, "invitations", RandomId()));
  *inv.mutable_rater() = given.rater();
  inv.set_channel(given.channel());
  for (const v1::Assignment& a : given.assignments()) {
    v1::Assignment* added = inv.add_assignments();
    added->set_subject(a.subject());
    added->set_rater_group(a.rater_group());
  }
  *inv.mutable_create_time() = ToProtoTimestamp(ctx_.Now());
  *inv.mutable_update_time() = inv.create_time();
  if (inv.rater().principal().empty() || inv.channel() == v1::ON_SITE) {
    const IssuedCode issued = IssueCode(key, campaign);
    row.code = issued.code;
    row.stored.code_hash = issued.hash;
    row.stored.code_expire_micros = issued.expire_micros;
  }
  if (inv.rater().principal().empty()) {
    inv.mutable_rater()->set_principal(CodeRaterPrincipal(inv.name()));
  }
  row.stored.revision = 1;
  return row;
}

absl::StatusOr<v1::Invitation> Invitations::Insert(db::Transaction& tx, const CampaignKey& key,
                                                   NewInvitation& row,
                                                   absl::string_view field) const {
  if (absl::Status st = ctx_.invitations.Insert(tx, key, row.stored); !st.ok()) {
    return st.code() == absl::StatusCode::kAlreadyExists
               ? absl::AlreadyExistsError(absl::StrCat(field, ".rater: ", st.message()))
               : st;
  }
  v1::Invitation shown = row.stored.invitation;
  shown.set_state(v1::Invitation::PENDING);
  shown.set_unanswered_count(shown.assignments_size());
  shown.set_etag(ComputeEtag(shown.name(), 1, shown.create_time()));
  if (!row.code.empty()) {
    shown.set_access_code(row.code);
    shown.set_access_code_pending(true);
    *shown.mutable_access_code_expire_time() = TimestampOfMicros(row.stored.code_expire_micros);
  }
  return shown;
}

absl::StatusOr<v1::Invitation> Invitations::CreateInvitation(
    const Principal&, AuditScope& audit, const v1::CreateInvitationRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  auto write = [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
    ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
    RETURN_IF_ERROR(RequireDraftOrOpen(campaign.campaign, "raters are invited"));
    ASSIGN_OR_RETURN(NewInvitation row,
                     Prepare(tx, key, campaign.campaign, "invitation", request.invitation()));
    if (request.validate_only()) {
      return row.stored.invitation;
    }
    ASSIGN_OR_RETURN(v1::Invitation created, Insert(tx, key, row, "invitation"));
    RETURN_IF_ERROR(ctx_.campaigns.AddCounts(tx, key, 0, 1, 0));
    RETURN_IF_ERROR(audit.Record(tx, created.name()));
    return created;
  };
  if (request.validate_only()) {
    RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
    audit.NothingWritten();
    return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly, write);
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), WithoutSecrets(), write);
}

absl::StatusOr<v1::BatchCreateInvitationsResponse> Invitations::BatchCreateInvitations(
    const Principal&, AuditScope& audit, const v1::BatchCreateInvitationsRequest& request) {
  ASSIGN_OR_RETURN(CampaignKey key, ParseCampaign("parent", request.parent()));
  RETURN_IF_ERROR(CheckCount("invitations", request.invitations_size(), kMaxBatch, 1));
  auto write = [&](db::Transaction& tx) -> absl::StatusOr<v1::BatchCreateInvitationsResponse> {
    ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
    RETURN_IF_ERROR(RequireDraftOrOpen(campaign.campaign, "raters are invited"));
    v1::BatchCreateInvitationsResponse response;
    int accepted = 0;
    for (int i = 0; i < request.invitations_size(); ++i) {
      v1::RowResult* result = response.add_results();
      result->set_index(i);
      absl::StatusOr<NewInvitation> row = Prepare(
          tx, key, campaign.campaign, absl::StrCat("invitations[", i, "]"), request.invitations(i));
      absl::StatusOr<v1::Invitation> created =
          !row.ok()                 ? absl::StatusOr<v1::Invitation>(row.status())
          : request.validate_only() ? absl::StatusOr<v1::Invitation>(row->stored.invitation)
                                    : Insert(tx, key, *row, absl::StrCat("invitations[", i, "]"));
      if (!created.ok() && created.status().code() != absl::StatusCode::kAlreadyExists &&
          created.status().code() != absl::StatusCode::kInvalidArgument) {
        return created.status();
      }
      result->mutable_status()->set_code(static_cast<int32_t>(created.status().code()));
      result->mutable_status()->set_message(std::string(created.status().message()));
      if (created.ok()) {
        result->set_name(created->name());
        *response.add_invitations() = *std::move(created);
        ++accepted;
      }
    }
    if (!request.validate_only()) {
      RETURN_IF_ERROR(ctx_.campaigns.AddCounts(tx, key, 0, accepted, 0));
      RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("accepted=", accepted, " rejected=",
                                                    request.invitations_size() - accepted)));
    }
    return response;
  };
  if (request.validate_only()) {
    RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
    audit.NothingWritten();
    return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly, write);
  }
  return IdempotentCreate(*ctx_.deps.db, *ctx_.deps.idempotency, audit, request,
                          request.request_id(), WithoutSecrets(), write);
}

absl::StatusOr<v1::Invitation> Invitations::Readable(db::Transaction& tx, const Principal& caller,
                                                     const CampaignKey& key,
                                                     StoredInvitation stored) const {
  v1::Invitation& inv = stored.invitation;
  const absl::Status not_found = absl::NotFoundError(absl::StrCat(inv.name(), " not found"));
  if (IsCampaignStaff(caller, key.region_code)) {
    return std::move(inv);
  }
  if (caller.IsSystem()) {
    ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, key));
    const bool pending =
        inv.state() == v1::Invitation::PENDING || inv.state() == v1::Invitation::IN_PROGRESS;
    if (!caller.HasScope(kInvitationsReadScope) || !pending ||
        campaign.campaign.state() != v1::Campaign::OPEN) {
      return not_found;
    }
    privacy::TrimToReadable(ReminderView(), inv);
    *inv.mutable_update_time() = privacy::CoarsenToDay(inv.update_time());
    return std::move(inv);
  }
  ASSIGN_OR_RETURN(std::string own, access_.RaterInvitation(tx, caller, key));
  if (own.empty() || own != LastSegment(inv.name())) {
    return not_found;
  }
  return std::move(inv);
}

absl::StatusOr<v1::Invitation> Invitations::GetInvitation(const Principal& caller, AuditScope&,
                                                          const v1::GetInvitationRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id,
                   ParseCampaignChild("name", request.name(), kInvitationPattern));
  return db::RunInTransaction(*ctx_.deps.db, db::Access::kReadOnly,
                              [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
                                ASSIGN_OR_RETURN(StoredInvitation stored,
                                                 ctx_.invitations.Get(tx, id.campaign, id.id));
                                return Readable(tx, caller, id.campaign, std::move(stored));
                              });
}

absl::StatusOr<v1::ListInvitationsResponse> Invitations::ListInvitations(
    const Principal& caller, AuditScope&, const v1::ListInvitationsRequest& request) {
  ASSIGN_OR_RETURN(std::vector<std::string> parent,
                   NameVariables("parent", request.parent(), kCampaignPattern, 1));
  const CampaignKey key{parent[0], parent[1] == "-" ? "" : parent[1]};
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  if (!v1::RatingChannel_IsValid(request.channel())) {
    return absl::InvalidArgumentError("channel: unknown channel");
  }
  const bool staff = IsCampaignStaff(caller, key.region_code);
  if (caller.IsSystem()) {
    RETURN_IF_ERROR(privacy::CheckFiltersReadable(request, ListFilters(), ReminderView()));
  }
  std::string subject_id;
  if (!request.subject().empty()) {
    if (key.campaign_id.empty()) {
      return absl::InvalidArgumentError(
          "subject: filtering by subject needs one campaign in parent, not campaigns/-");
    }
    ASSIGN_OR_RETURN(NameParts parts,
                     CheckBodyName("subject", request.subject(), kSubjectPattern,
                                   PathScope{key.region_code, key.campaign_id, ""}));
    subject_id = parts["subject"];
  }
  const std::string fingerprint = absl::StrCat(request.parent(), "|", request.pending_only(), "|",
                                               request.channel(), "|", request.subject());
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  InvitationStore::ListQuery query;
  query.region_code = key.region_code;
  query.campaign_id = key.campaign_id;
  query.pending_only = request.pending_only() || caller.IsSystem();
  query.open_campaigns_only = caller.IsSystem();
  query.subject_id = subject_id;
  if (request.channel() != v1::RATING_CHANNEL_UNSPECIFIED) {
    query.channel = v1::RatingChannel_Name(request.channel());
  }
  if (!staff && !caller.IsSystem()) {
    query.principal = caller.subject;  // a rater's own (raters with an account)
  }
  if (!page.after_key.empty()) {
    std::vector<std::string> after = SplitKey(page.after_key);
    if (after.size() != 2) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    query.after = std::make_pair(after[0], after[1]);
  }
  query.limit = page.limit + 1;
  std::optional<CampaignChild> code_rater = CodeRaterInvitation(caller);
  using Scanned = std::pair<std::vector<v1::Invitation>, std::vector<bool>>;
  ASSIGN_OR_RETURN(
      Scanned scanned,
      db::RunInTransaction(
          *ctx_.deps.db, db::Access::kReadOnly,
          [&](db::Transaction& tx) -> absl::StatusOr<Scanned> {
            if (code_rater.has_value()) {
              // A rater without an account has one invitation, named by their token.
              query.principal.clear();
              query.campaign_id = code_rater->campaign.campaign_id;
            }
            ASSIGN_OR_RETURN(std::vector<StoredInvitation> rows, ctx_.invitations.List(tx, query));
            Scanned out;
            for (StoredInvitation& row : rows) {
              const std::string name = row.invitation.name();
              ASSIGN_OR_RETURN(CampaignChild id,
                               ParseCampaignChild("name", name, kInvitationPattern));
              absl::StatusOr<v1::Invitation> readable =
                  Readable(tx, caller, id.campaign, std::move(row));
              if (!readable.ok() && readable.status().code() != absl::StatusCode::kNotFound) {
                return readable.status();
              }
              out.second.push_back(readable.ok());
              if (readable.ok()) {
                ApplyView(view, {"assignments"}, *readable);
                out.first.push_back(*std::move(readable));
              } else {
                v1::Invitation hidden;  // only its key, for the next page's start
                hidden.set_name(name);
                out.first.push_back(std::move(hidden));
              }
            }
            return out;
          }));
  Page<v1::Invitation> cut =
      VisiblePage(std::move(scanned.first), scanned.second, page, fingerprint, PageKey);
  v1::ListInvitationsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Invitation& invitation : cut.items) {
    *response.add_invitations() = std::move(invitation);
  }
  return response;
}

absl::StatusOr<StoredInvitation> Invitations::LoadForChange(db::Transaction& tx,
                                                            const CampaignChild& id,
                                                            absl::string_view etag_field,
                                                            const std::string& etag) const {
  ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, id.campaign));
  RETURN_IF_ERROR(RequireDraftOrOpen(campaign.campaign, "invitations change"));
  ASSIGN_OR_RETURN(StoredInvitation stored, ctx_.invitations.Get(tx, id.campaign, id.id));
  RETURN_IF_ERROR(CheckEtag(etag_field, etag, stored.invitation.etag(), stored.invitation.name()));
  return stored;
}

absl::StatusOr<v1::Invitation> Invitations::UpdateInvitation(
    const Principal&, AuditScope& audit, const v1::UpdateInvitationRequest& request) {
  const v1::Invitation& patch = request.invitation();
  ASSIGN_OR_RETURN(CampaignChild id,
                   ParseCampaignChild("invitation.name", patch.name(), kInvitationPattern));
  ASSIGN_OR_RETURN(auto paths, ResolveUpdateMask(request.update_mask(), patch, UpdatablePaths()));
  std::vector<std::string> sorted(paths.begin(), paths.end());
  std::sort(sorted.begin(), sorted.end());
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
        ASSIGN_OR_RETURN(StoredInvitation stored,
                         LoadForChange(tx, id, "invitation.etag", patch.etag()));
        if (stored.revoked) {
          return absl::FailedPreconditionError(
              absl::StrCat(patch.name(), " is REVOKED; invite the rater anew"));
        }
        StoredInvitation updated = stored;
        const v1::RaterIdentity before = stored.invitation.rater();
        ApplyUpdateMask(paths, patch, updated.invitation);
        v1::Invitation& inv = updated.invitation;
        if (inv.rater().cadre() != before.cadre() ||
            (paths.contains("rater") && !patch.rater().principal().empty() &&
             patch.rater().principal() != before.principal())) {
          return absl::InvalidArgumentError(
              "invitation.rater: the rater's cadre and principal never change; revoke the "
              "invitation and invite the rater anew");
        }
        inv.mutable_rater()->set_principal(before.principal());
        v1::RaterIdentity checked = inv.rater();
        checked.clear_principal();  // as stored, perhaps the output-only invitation:{name}
        RETURN_IF_ERROR(
            ValidateRater("invitation.rater", checked,
                          PathScope{id.campaign.region_code, id.campaign.campaign_id, ""}));
        RETURN_IF_ERROR(ValidateChannel("invitation.channel", inv.channel()));
        if (paths.contains("assignments")) {
          RETURN_IF_ERROR(
              ValidateAssignments(tx, ctx_, id.campaign, "invitation.assignments", inv));
          for (const v1::Assignment& old : stored.invitation.assignments()) {
            const bool kept =
                std::any_of(inv.assignments().begin(), inv.assignments().end(),
                            [&](const v1::Assignment& a) { return a.subject() == old.subject(); });
            if (old.answered() && !kept) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "invitation.assignments: ", old.subject(),
                  " already has a form from this invitation; void the form before removing it"));
            }
          }
          for (v1::Assignment& a : *inv.mutable_assignments()) {
            for (const v1::Assignment& old : stored.invitation.assignments()) {
              if (old.subject() == a.subject()) {
                a.set_form(old.form());
                a.set_answered(old.answered());
              }
            }
          }
        }
        if (request.validate_only()) {
          audit.NothingWritten();
          return inv;
        }
        *inv.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
        RETURN_IF_ERROR(ctx_.invitations.Replace(tx, id.campaign, stored, updated));
        if (paths.contains("assignments")) {
          RETURN_IF_ERROR(
              ctx_.invitations.ReplaceAssignments(tx, id.campaign, id.id, inv.assignments()));
        }
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("paths=", absl::StrJoin(sorted, ","))));
        ASSIGN_OR_RETURN(StoredInvitation written, ctx_.invitations.Get(tx, id.campaign, id.id));
        return std::move(written.invitation);
      });
}

absl::StatusOr<v1::Invitation> Invitations::RevokeInvitation(
    const Principal&, AuditScope& audit, const v1::RevokeInvitationRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id,
                   ParseCampaignChild("name", request.name(), kInvitationPattern));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), 500, true));
  return db::RunInTransaction(
      *ctx_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
        ASSIGN_OR_RETURN(StoredInvitation stored, ctx_.invitations.Get(tx, id.campaign, id.id));
        RETURN_IF_ERROR(
            CheckEtag("etag", request.etag(), stored.invitation.etag(), request.name()));
        if (stored.revoked) {
          return absl::FailedPreconditionError(absl::StrCat(request.name(), " is REVOKED already"));
        }
        StoredInvitation revoked = stored;
        revoked.revoked = true;
        revoked.code_hash.clear();
        *revoked.invitation.mutable_revoke_time() = ToProtoTimestamp(ctx_.Now());
        revoked.invitation.set_revoke_reason(request.reason());
        *revoked.invitation.mutable_update_time() = revoked.invitation.revoke_time();
        RETURN_IF_ERROR(ctx_.invitations.Replace(tx, id.campaign, stored, revoked));
        RETURN_IF_ERROR(audit.Record(tx));
        ASSIGN_OR_RETURN(StoredInvitation written, ctx_.invitations.Get(tx, id.campaign, id.id));
        return std::move(written.invitation);
      });
}

absl::StatusOr<v1::Invitation> Invitations::ResetInvitationCode(
    const Principal&, AuditScope& audit, const v1::ResetInvitationCodeRequest& request) {
  ASSIGN_OR_RETURN(CampaignChild id,
                   ParseCampaignChild("name", request.name(), kInvitationPattern));
  return IdempotentCreate(
      *ctx_.deps.db, *ctx_.deps.idempotency, audit, request, request.request_id(), WithoutSecrets(),
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Invitation> {
        ASSIGN_OR_RETURN(StoredInvitation stored, LoadForChange(tx, id, "etag", request.etag()));
        if (stored.revoked) {
          return absl::FailedPreconditionError(
              absl::StrCat(request.name(), " is REVOKED; its code cannot be reset"));
        }
        ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, id.campaign));
        const IssuedCode issued = IssueCode(id.campaign, campaign.campaign);
        StoredInvitation reset = stored;
        reset.code_hash = issued.hash;
        reset.code_expire_micros = issued.expire_micros;
        *reset.invitation.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
        RETURN_IF_ERROR(ctx_.invitations.Replace(tx, id.campaign, stored, reset));
        RETURN_IF_ERROR(audit.Record(tx));
        ASSIGN_OR_RETURN(StoredInvitation written, ctx_.invitations.Get(tx, id.campaign, id.id));
        written.invitation.set_access_code(issued.code);
        return std::move(written.invitation);
      });
}

absl::StatusOr<v1::RedeemInvitationCodeResponse> Invitations::RedeemInvitationCode(
    const Principal&, AuditScope& audit, const v1::RedeemInvitationCodeRequest& request) {
  ASSIGN_OR_RETURN(std::string region_code, ParseRegionName("region", request.region()));
  if (request.request_id().empty()) {
    return absl::InvalidArgumentError("request_id: required, so that a retry is safe");
  }
  const std::string code = NormalizeAccessCode(request.access_code());
  const absl::Status unknown = absl::NotFoundError("access_code: no such code");
  return IdempotentCreate(
      *ctx_.deps.db, *ctx_.deps.idempotency, audit, request, request.request_id(), NoSecrets(),
      [&](db::Transaction& tx) -> absl::StatusOr<v1::RedeemInvitationCodeResponse> {
        if (code.empty()) {
          return unknown;
        }
        ASSIGN_OR_RETURN(
            std::optional<InvitationStore::CodeHolder> holder,
            ctx_.invitations.FindByCode(tx, region_code, AccessCodeHash(region_code, code)));
        if (!holder.has_value() || holder->expire_micros <= Micros(ctx_.Now())) {
          return unknown;
        }
        ASSIGN_OR_RETURN(StoredCampaign campaign, ctx_.campaigns.Get(tx, holder->campaign));
        if (campaign.campaign.state() != v1::Campaign::OPEN) {
          return WrongCampaignState(campaign.campaign, "codes are redeemed only while OPEN");
        }
        ASSIGN_OR_RETURN(StoredInvitation stored,
                         ctx_.invitations.Get(tx, holder->campaign, holder->invitation_id));
        StoredInvitation redeemed = stored;
        redeemed.code_hash.clear();
        *redeemed.invitation.mutable_update_time() = ToProtoTimestamp(ctx_.Now());
        RETURN_IF_ERROR(ctx_.invitations.Replace(tx, holder->campaign, stored, redeemed));
        RETURN_IF_ERROR(audit.Record(tx));
        v1::RedeemInvitationCodeResponse response;
        response.set_invitation(stored.invitation.name());
        response.set_rater_principal(CodeRaterPrincipal(stored.invitation.name()));
        *response.mutable_window_end_time() = campaign.campaign.window_end_time();
        return response;
      });
}

}  // namespace kaoping::evaluations
