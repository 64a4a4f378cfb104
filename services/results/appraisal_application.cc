#include "services/results/appraisal_application.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_name.h"
#include "services/common/events/stream_consumer.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/results/archive_store.h"
#include "services/results/eligibility_rule.h"
#include "services/results/eligibility_view.h"
#include "services/results/handling_store.h"
#include "services/results/roster_store.h"
#include "services/results/signature_check.h"
#include "services/results/use_policy.h"
#include "services/results/veto_store.h"

namespace kaoping::results {
namespace {

constexpr absl::string_view kConsumer = "results";

bool IsVetoLead(const v1::VerifiedLead& lead) {
  return lead.negative_item().severity() == v1::VETO;
}

// An event that can never apply: to the dead-letter stream.
absl::Status Unappliable(const v1::Event& event, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("event ", event.id(), ": ", why));
}

}  // namespace

v1::ArchiveEntry AppraisalApplication::EntryOf(const v1::Appraisal& appraisal,
                                               const std::string& source_event) {
  const v1::AppraisalContent& content = appraisal.content();
  v1::ArchiveEntry entry;
  entry.set_kind(v1::ArchiveEntry::APPRAISAL);
  entry.set_appraisal(appraisal.name());
  entry.set_campaign(content.campaign());
  entry.set_campaign_kind(content.campaign_kind());
  entry.set_grade(content.grade());
  entry.set_proposed_grade(content.summary().proposal().grade());
  *entry.mutable_conclude_date() = CivilDayToDate(absl::ToCivilDay(
      absl::FromUnixSeconds(appraisal.conclude_time().seconds()), ChinaStandardTime()));
  entry.set_vetoed(content.summary().vetoed());
  *entry.mutable_catalog() = content.summary().catalog();
  *entry.mutable_content() = content;
  entry.set_signed_content(appraisal.signed_content());
  entry.set_content_sha256(appraisal.content_sha256());
  *entry.mutable_signatures() = appraisal.signatures();
  entry.set_summary_snapshot(appraisal.summary_snapshot());
  entry.set_source_event(source_event);
  return entry;
}

absl::StatusOr<std::optional<v1::ApplyAppraisalResponse>> AppraisalApplication::Previous(
    db::Transaction& tx, const std::string& region_code, const std::string& appraisal_id,
    const std::string& content_sha256) const {
  ASSIGN_OR_RETURN(std::optional<AppliedAppraisal> applied,
                   ArchiveStore().FindAppliedAppraisal(tx, region_code, appraisal_id));
  if (!applied.has_value()) {
    return std::optional<v1::ApplyAppraisalResponse>();
  }
  if (!content_sha256.empty() && applied->content_sha256 != content_sha256) {
    return absl::FailedPreconditionError(
        absl::StrCat("regions/", region_code, "/appraisals/", appraisal_id,
                     " was archived with other content (another content_sha256)"));
  }
  ASSIGN_OR_RETURN(std::optional<v1::ArchiveEntry> entry,
                   ArchiveStore().Get(tx, region_code, applied->cadre_id, applied->entry_seq));
  if (!entry.has_value()) {
    return absl::DataLossError("an applied appraisal's archive entry is missing");
  }
  v1::ApplyAppraisalResponse response;
  response.set_already_applied(true);
  const absl::CivilDay today = Today(*context_.deps.clock);
  auto add_handling = [&](absl::string_view origin, const std::string& cause) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto handling,
        HandlingStore().Find(tx, region_code, DerivedId("h-", absl::StrCat(origin, "|", cause))));
    if (handling.has_value()) {
      *response.add_handlings() = std::move(handling->resource);
    }
    return absl::OkStatus();
  };
  for (const v1::VerifiedLead& lead : entry->content().summary().verified_leads()) {
    if (!IsVetoLead(lead)) {
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<v1::Veto> veto,
                     VetoStore().Find(tx, region_code, std::string(LastSegment(lead.lead()))));
    if (veto.has_value()) {
      RETURN_IF_ERROR(add_handling("FROM_VETO", veto->name()));
      *response.add_vetoes() = WithState(*std::move(veto), today);
    }
  }
  RETURN_IF_ERROR(add_handling("FROM_POOR_GRADE", entry->name()));
  *response.mutable_archive_entry() = *std::move(entry);
  return std::optional<v1::ApplyAppraisalResponse>(std::move(response));
}

absl::StatusOr<v1::ApplyAppraisalResponse> AppraisalApplication::ApplyIn(
    db::Transaction& tx, const std::string& region_code, const v1::Appraisal& appraisal,
    const std::string& source_event, const std::string& actor) const {
  const std::string appraisal_id(LastSegment(appraisal.name()));
  ASSIGN_OR_RETURN(auto previous,
                   Previous(tx, region_code, appraisal_id, appraisal.content_sha256()));
  if (previous.has_value()) {
    return *std::move(previous);
  }
  absl::StatusOr<CadreKey> cadre =
      ParseCadreName("content.cadre", appraisal.content().cadre(), InRegion(region_code));
  if (!cadre.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(appraisal.name(), ": ", cadre.status().message()));
  }
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, region_code, cadre->cadre_id));
  if (!profile.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(appraisal.name(), ": ", appraisal.content().cadre(), " is not on the roster"));
  }
  ASSIGN_OR_RETURN(const v1::Policy policy, LoadPolicy(tx, region_code));
  v1::ApplyAppraisalResponse response;
  ASSIGN_OR_RETURN(
      *response.mutable_archive_entry(),
      writer_.Append(tx, *cadre, profile->resource, EntryOf(appraisal, source_event), actor));
  const v1::ArchiveEntry& entry = response.archive_entry();
  RETURN_IF_ERROR(ArchiveStore().InsertAppliedAppraisal(
      tx, region_code, appraisal_id,
      {appraisal.content_sha256(), cadre->cadre_id, ParseEntryName("", entry.name())->seq}));
  const absl::CivilDay today = Today(*context_.deps.clock);
  for (const v1::VerifiedLead& lead : appraisal.content().summary().verified_leads()) {
    if (!IsVetoLead(lead) ||
        !ParseChildName("lead", lead.lead(), kLeadPattern, InRegion(region_code)).ok()) {
      continue;
    }
    ASSIGN_OR_RETURN(ArchiveWriter::Imposed imposed,
                     writer_.ImposeVeto(tx, *cadre, profile->resource, lead, appraisal.name(),
                                        entry.name(), policy, actor));
    if (imposed.handling.has_value()) {
      *response.add_handlings() = *std::move(imposed.handling);
    }
    *response.add_vetoes() = WithState(std::move(imposed.veto), today);
  }
  if (auto kind = HandlingForGrade(policy, entry.grade()); kind.has_value()) {
    v1::Handling handling;
    handling.set_kind(*kind);
    handling.set_origin(v1::Handling::FROM_POOR_GRADE);
    handling.set_cause(entry.name());
    handling.set_reason(absl::StrCat("concluded grade ", v1::Grade_Name(entry.grade()), " (",
                                     appraisal.name(), ")"));
    ASSIGN_OR_RETURN(ArchiveWriter::Proposed proposed,
                     writer_.Propose(tx, *cadre, profile->resource, std::move(handling), actor));
    *response.add_handlings() = std::move(proposed.handling);
  }
  return response;
}

absl::StatusOr<v1::ApplyAppraisalResponse> AppraisalApplication::ApplyAppraisal(
    const Principal& caller, AuditScope& audit, const v1::ApplyAppraisalRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("region", request.region()));
  ASSIGN_OR_RETURN(
      const ChildKey appraisal_key,
      ParseChildName("appraisal", request.appraisal(), kAppraisalPattern, InRegion(region_code)));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  // Applied before: nothing to read from appraisals.
  ASSIGN_OR_RETURN(
      auto previous,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return Previous(tx, region_code, appraisal_key.id, "");
      }));
  if (previous.has_value()) {
    audit.NothingWritten();
    return *std::move(previous);
  }
  ASSIGN_OR_RETURN(const v1::Appraisal appraisal,
                   context_.upstreams.GetAppraisal(request.appraisal(), caller.bearer_token));
  RETURN_IF_ERROR(CheckConcludedAppraisal(appraisal));
  const std::string source_event =
      absl::StrCat("apply:", request.request_id().empty() ? caller.subject : request.request_id());
  return IdempotentCreate(
      *context_.deps.db, *context_.deps.idempotency, audit, request, request.request_id(),
      NoSecrets(), [&](db::Transaction& tx) -> absl::StatusOr<v1::ApplyAppraisalResponse> {
        ASSIGN_OR_RETURN(v1::ApplyAppraisalResponse response,
                         ApplyIn(tx, region_code, appraisal, source_event, caller.subject));
        if (response.already_applied()) {
          audit.NothingWritten();
          return response;
        }
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("entry=", response.archive_entry().name())));
        return response;
      });
}

absl::Status AppraisalApplication::OnAppraisalConcluded(const v1::Event& event) {
  v1::AppraisalConcluded concluded;
  if (!event.payload().UnpackTo(&concluded)) {
    return Unappliable(event, "payload is not an AppraisalConcluded");
  }
  const std::string& region_code = event.region_code();
  absl::StatusOr<ChildKey> key =
      ParseChildName("appraisal", concluded.appraisal(), kAppraisalPattern, InRegion(region_code));
  if (!key.ok()) {
    return Unappliable(event, key.status().message());
  }
  db::Database& db = *context_.deps.db;
  auto previous = db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
    return Previous(tx, region_code, key->id, concluded.content_sha256());
  });
  if (previous.status().code() == absl::StatusCode::kFailedPrecondition) {
    return Unappliable(event, previous.status().message());
  }
  RETURN_IF_ERROR(previous.status());
  if (previous->has_value()) {
    return ApplyOnce(db, kConsumer, event, *context_.deps.clock,
                     [](db::Transaction&) { return absl::OkStatus(); });
  }
  ASSIGN_OR_RETURN(const std::string token, context_.deps.identity->Token());
  absl::StatusOr<v1::Appraisal> appraisal =
      context_.upstreams.GetAppraisal(concluded.appraisal(), token);
  if (appraisal.status().code() == absl::StatusCode::kNotFound) {
    return Unappliable(event, appraisal.status().message());
  }
  RETURN_IF_ERROR(appraisal.status());
  if (appraisal->content_sha256() != concluded.content_sha256()) {
    return Unappliable(event, "the appraisal's content_sha256 is not the event's");
  }
  if (absl::Status st = CheckConcludedAppraisal(*appraisal); !st.ok()) {
    return Unappliable(event, st.message());
  }
  return ApplyOnce(db, kConsumer, event, *context_.deps.clock, [&](db::Transaction& tx) {
    return ApplyIn(tx, region_code, *appraisal, event.id(), "").status();
  });
}

}  // namespace kaoping::results
