#include "services/results/decisions.h"

#include "absl/strings/str_cat.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/results/archive_store.h"
#include "services/results/eligibility_rule.h"
#include "services/results/eligibility_view.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"
#include "services/results/results_policy.h"
#include "services/results/store_values.h"
#include "services/results/vetoes.h"

namespace kaoping::results {
namespace {

constexpr size_t kMaxText = 2000;
constexpr size_t kMaxDocumentNumber = 100;

bool IsPromotion(v1::DecisionKind kind) {
  return kind == v1::PROMOTION || kind == v1::RANK_ADVANCEMENT;
}

// The checks that need nothing stored.
absl::Status CheckFields(const v1::Decision& decision, const Clock& clock) {
  RETURN_IF_ERROR(CheckEnum("decision.kind", decision.kind(), true));
  if (!IsDateSet(decision.decision_date())) {
    return Invalid("decision.decision_date", "required");
  }
  ASSIGN_OR_RETURN(const absl::CivilDay day,
                   DateToCivilDay("decision.decision_date", decision.decision_date()));
  if (day > Today(clock)) {
    return Invalid("decision.decision_date",
                   absl::StrCat(FormatDay(day), " is in the future: record decisions taken"));
  }
  RETURN_IF_ERROR(CheckText("decision.description", decision.description(), kMaxText, false,
                            TextKind::kParagraph));
  RETURN_IF_ERROR(
      CheckText("decision.document_number", decision.document_number(), kMaxDocumentNumber));
  return CheckText("decision.deviation_reason", decision.deviation_reason(), kMaxText, false,
                   TextKind::kParagraph);
}

}  // namespace

absl::StatusOr<v1::Decision> Decisions::Checked(db::Transaction& tx, const std::string& region_code,
                                                const v1::Decision& given,
                                                std::string* unit_id) const {
  if (given.cadre().empty()) {
    return Invalid("decision.cadre", "required");
  }
  ASSIGN_OR_RETURN(const CadreKey cadre,
                   ParseCadreName("decision.cadre", given.cadre(), InRegion(region_code)));
  ASSIGN_OR_RETURN(std::optional<CadreFacts> facts,
                   LoadCadreFacts(tx, region_code, cadre.cadre_id));
  if (!facts.has_value()) {
    return Invalid("decision.cadre", absl::StrCat(given.cadre(), " is not on the roster"));
  }
  if (!given.archive_entry().empty()) {
    absl::StatusOr<EntryKey> entry = ParseEntryName("decision.archive_entry", given.archive_entry(),
                                                    InArchive(region_code, cadre.cadre_id));
    std::optional<v1::ArchiveEntry> stored;
    if (entry.ok()) {
      ASSIGN_OR_RETURN(stored, ArchiveStore().Get(tx, region_code, cadre.cadre_id, entry->seq));
    }
    if (!stored.has_value()) {
      return Invalid(
          "decision.archive_entry",
          absl::StrCat(given.archive_entry(), " is not an entry of ", given.cadre(), "'s archive"));
    }
  }
  ASSIGN_OR_RETURN(const v1::Policy policy, LoadPolicy(tx, region_code));
  const v1::Eligibility eligibility = Evaluate(
      *facts, policy, *DateToCivilDay("", given.decision_date()), Today(*context_.deps.clock));
  if (IsPromotion(given.kind()) && !eligibility.eligible() && given.deviation_reason().empty()) {
    return Invalid(
        "decision.deviation_reason",
        absl::StrCat("required: ", given.cadre(), " was not eligible for promotion on ",
                     DayText(given.decision_date()), " (", eligibility.reasons(0).message(), ")"));
  }
  v1::Decision decision;
  decision.set_cadre(given.cadre());
  decision.set_kind(given.kind());
  *decision.mutable_decision_date() = given.decision_date();
  decision.set_description(given.description());
  decision.set_document_number(given.document_number());
  decision.set_archive_entry(given.archive_entry());
  decision.set_eligible_at_decision(eligibility.eligible());
  *decision.mutable_eligibility_reasons() = eligibility.reasons();
  decision.set_deviation_reason(given.deviation_reason());
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, region_code, cadre.cadre_id));
  *unit_id = std::string(LastSegment(profile->resource.unit()));
  return decision;
}

absl::StatusOr<v1::Decision> Decisions::CreateDecision(const Principal& caller, AuditScope& audit,
                                                       const v1::CreateDecisionRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(CheckFields(request.decision(), *context_.deps.clock));
  if (request.validate_only()) {
    RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
    std::string unit_id;
    ASSIGN_OR_RETURN(
        v1::Decision decision,
        db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
          return Checked(tx, region_code, request.decision(), &unit_id);
        }));
    audit.NothingWritten();
    return decision;
  }
  return IdempotentCreate(
      *context_.deps.db, *context_.deps.idempotency, audit, request, request.request_id(),
      NoSecrets(), [&](db::Transaction& tx) -> absl::StatusOr<v1::Decision> {
        std::string unit_id;
        ASSIGN_OR_RETURN(v1::Decision decision,
                         Checked(tx, region_code, request.decision(), &unit_id));
        const std::string id = NewId("d-");
        decision.set_name(DecisionName(region_code, id));
        *decision.mutable_create_time() = ToProtoTimestamp(context_.deps.clock->Now());
        decision.set_creator(caller.subject);
        ASSIGN_OR_RETURN(const CadreKey cadre, ParseCadreName("decision.cadre", decision.cadre()));
        RETURN_IF_ERROR(store_.Insert(tx, region_code, id, cadre.cadre_id, unit_id, decision));
        v1::DecisionRecorded event;
        event.set_decision(decision.name());
        event.set_cadre(decision.cadre());
        event.set_kind(decision.kind());
        *event.mutable_decision_date() = decision.decision_date();
        event.set_archive_entry(decision.archive_entry());
        event.set_eligible_at_decision(decision.eligible_at_decision());
        RETURN_IF_ERROR(
            context_.deps.outbox->Enqueue(tx, region_code, decision.name(), caller.subject, event)
                .status());
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("cadre=", decision.cadre(), " kind=",
                                                      v1::DecisionKind_Name(decision.kind()))));
        return decision;
      });
}

absl::StatusOr<v1::Decision> Decisions::GetDecision(const Principal& caller, AuditScope&,
                                                    const v1::GetDecisionRequest& request) {
  ASSIGN_OR_RETURN(const ChildKey key, ParseChildName("name", request.name(), kDecisionPattern));
  ASSIGN_OR_RETURN(
      std::optional<v1::Decision> decision,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.Find(tx, key.region_code, key.id);
      }));
  if (!decision.has_value() || !CadreMayRead(kDecisionReaders, caller, decision->cadre())) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  return *std::move(decision);
}

absl::StatusOr<v1::ListDecisionsResponse> Decisions::ListDecisions(
    const Principal& caller, AuditScope&, const v1::ListDecisionsRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), false));
  DecisionFilter filter;
  if (IsDateSet(request.start_date())) {
    ASSIGN_OR_RETURN(const absl::CivilDay day, DateToCivilDay("start_date", request.start_date()));
    filter.start_day = FormatDay(day);
  }
  if (IsDateSet(request.end_date())) {
    ASSIGN_OR_RETURN(const absl::CivilDay day, DateToCivilDay("end_date", request.end_date()));
    filter.end_day = FormatDay(day);
  }
  ASSIGN_OR_RETURN(const CadreScope scope,
                   ListCadreScope(kDecisionReaders, caller, region_code, request.cadre()));
  if (scope.none) {
    return v1::ListDecisionsResponse();
  }
  filter.cadre_id = scope.cadre_id;
  filter.kind = request.kind() == 0 ? "" : v1::DecisionKind_Name(request.kind());
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", filter.cadre_id, "|", filter.kind, "|", filter.start_day,
                   "|", filter.end_day);
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const std::vector<std::string> after, SplitKey(page.after_key, 2));
  ASSIGN_OR_RETURN(
      std::vector<v1::Decision> decisions,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.List(tx, region_code, filter, after, page.limit + 1);
      }));
  Page<v1::Decision> cut =
      CutPage(std::move(decisions), page, fingerprint, [](const v1::Decision& decision) {
        return JoinKey(
            {DayText(decision.decision_date()), std::string(LastSegment(decision.name()))});
      });
  v1::ListDecisionsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Decision& decision : cut.items) {
    *response.add_decisions() = std::move(decision);
  }
  return response;
}

}  // namespace kaoping::results
