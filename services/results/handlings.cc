#include "services/results/handlings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/results/archive_store.h"
#include "services/results/eligibility_view.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"
#include "services/results/results_policy.h"
#include "services/results/roster_store.h"
#include "services/results/store_values.h"
#include "services/results/veto_store.h"
#include "services/results/vetoes.h"

namespace kaoping::results {
namespace {

constexpr size_t kMaxText = 2000;
constexpr size_t kMaxDocumentNumber = 100;

v1::HandlingKind EffectiveKind(const v1::Handling& handling) {
  return handling.decided_kind() != v1::HANDLING_KIND_UNSPECIFIED ? handling.decided_kind()
                                                                  : handling.kind();
}

bool Decided(const v1::Handling& handling) {
  return handling.state() == v1::DECIDED || handling.state() == v1::CARRIED_OUT;
}

bool Visible(HandlingAudience audience, const Principal& caller, const v1::Handling& handling) {
  switch (audience) {
    case HandlingAudience::kAll:
      return true;
    case HandlingAudience::kOwnDecided:
      return IsOwnCadre(caller, handling.cadre()) && Decided(handling);
    case HandlingAudience::kDecidedReferrals:
      return EffectiveKind(handling) == v1::DISCIPLINE_REFERRAL && Decided(handling);
  }
  return false;
}

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

}  // namespace

v1::Handling WithOverdue(v1::Handling handling, absl::CivilDay today) {
  handling.set_overdue(handling.state() == v1::DECIDED && IsDateSet(handling.due_date()) &&
                       DayOf(handling.due_date()) < today);
  return handling;
}

absl::StatusOr<v1::Handling> Handlings::Proposal(db::Transaction& tx,
                                                 const std::string& region_code,
                                                 const v1::Handling& given,
                                                 v1::Cadre* profile) const {
  if (given.cadre().empty()) {
    return Invalid("handling.cadre", "required");
  }
  ASSIGN_OR_RETURN(const CadreKey cadre,
                   ParseCadreName("handling.cadre", given.cadre(), InRegion(region_code)));
  ASSIGN_OR_RETURN(auto stored, RosterStore().FindCadre(tx, region_code, cadre.cadre_id));
  if (!stored.has_value()) {
    return Invalid("handling.cadre", absl::StrCat(given.cadre(), " is not on the roster"));
  }
  *profile = std::move(stored->resource);
  if (!given.cause().empty()) {
    bool found = false;
    if (auto veto =
            ParseChildName("handling.cause", given.cause(), kVetoPattern, InRegion(region_code));
        veto.ok()) {
      ASSIGN_OR_RETURN(auto stored_veto, VetoStore().Find(tx, region_code, veto->id));
      found = stored_veto.has_value() && stored_veto->cadre() == given.cadre();
    } else if (auto entry = ParseEntryName("handling.cause", given.cause(),
                                           InArchive(region_code, cadre.cadre_id));
               entry.ok()) {
      ASSIGN_OR_RETURN(auto stored_entry,
                       ArchiveStore().Get(tx, region_code, cadre.cadre_id, entry->seq));
      found = stored_entry.has_value();
    }
    if (!found) {
      return Invalid("handling.cause", absl::StrCat(given.cause(),
                                                    " is not a veto or an archive"
                                                    " entry of ",
                                                    given.cadre()));
    }
  }
  v1::Handling handling;
  handling.set_kind(given.kind());
  handling.set_origin(v1::Handling::BY_HAND);
  handling.set_cause(given.cause());
  handling.set_reason(given.reason());
  return handling;
}

absl::StatusOr<v1::Handling> Handlings::CreateHandling(const Principal& caller, AuditScope& audit,
                                                       const v1::CreateHandlingRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  const v1::Handling& given = request.handling();
  RETURN_IF_ERROR(CheckEnum("handling.kind", given.kind(), true));
  RETURN_IF_ERROR(
      CheckText("handling.reason", given.reason(), kMaxText, false, TextKind::kParagraph));
  if (request.validate_only()) {
    RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
    v1::Cadre profile;
    ASSIGN_OR_RETURN(
        v1::Handling handling,
        db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
          return Proposal(tx, region_code, given, &profile);
        }));
    audit.NothingWritten();
    handling.set_cadre(given.cadre());
    handling.set_state(v1::PROPOSED);
    return handling;
  }
  return IdempotentCreate(
      *context_.deps.db, *context_.deps.idempotency, audit, request, request.request_id(),
      NoSecrets(), [&](db::Transaction& tx) -> absl::StatusOr<v1::Handling> {
        v1::Cadre profile;
        ASSIGN_OR_RETURN(v1::Handling handling, Proposal(tx, region_code, given, &profile));
        handling.set_creator(caller.subject);
        ASSIGN_OR_RETURN(const CadreKey cadre, ParseCadreName("handling.cadre", given.cadre()));
        ASSIGN_OR_RETURN(ArchiveWriter::Proposed proposed,
                         writer_.Propose(tx, cadre, profile, std::move(handling), caller.subject));
        RETURN_IF_ERROR(audit.Record(
            tx, absl::StrCat("kind=", v1::HandlingKind_Name(proposed.handling.kind()))));
        return proposed.handling;
      });
}

absl::StatusOr<v1::Handling> Handlings::GetHandling(const Principal& caller, AuditScope&,
                                                    const v1::GetHandlingRequest& request) {
  ASSIGN_OR_RETURN(const ChildKey key, ParseChildName("name", request.name(), kHandlingPattern));
  ASSIGN_OR_RETURN(
      auto handling,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.Find(tx, key.region_code, key.id);
      }));
  if (!handling.has_value() || !Visible(HandlingAudienceOf(caller), caller, handling->resource)) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  return WithOverdue(std::move(handling->resource), Today(*context_.deps.clock));
}

absl::StatusOr<v1::ListHandlingsResponse> Handlings::ListHandlings(
    const Principal& caller, AuditScope&, const v1::ListHandlingsRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), false));
  RETURN_IF_ERROR(CheckEnum("state", request.state(), false));
  ASSIGN_OR_RETURN(const CadreScope scope,
                   ListCadreScope(kHandlingReaders, caller, region_code, request.cadre()));
  const HandlingAudience audience = HandlingAudienceOf(caller);
  const bool referrals = audience == HandlingAudience::kDecidedReferrals;
  if (scope.none || (referrals && request.kind() != v1::HANDLING_KIND_UNSPECIFIED &&
                     request.kind() != v1::DISCIPLINE_REFERRAL)) {
    return v1::ListHandlingsResponse();
  }
  const absl::CivilDay today = Today(*context_.deps.clock);
  HandlingFilter filter;
  filter.cadre_id = scope.cadre_id;
  filter.kind = referrals             ? "DISCIPLINE_REFERRAL"
                : request.kind() == 0 ? ""
                                      : v1::HandlingKind_Name(request.kind());
  filter.state = request.state() == 0 ? "" : v1::HandlingState_Name(request.state());
  if (request.overdue_only()) {
    filter.due_before = today;
  }
  filter.decided_only = audience != HandlingAudience::kAll;
  const std::string fingerprint = absl::StrCat(
      request.parent(), "|", filter.cadre_id, "|", filter.kind, "|", filter.state, "|",
      filter.decided_only, "|", request.overdue_only() ? FormatDay(today) : std::string());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const std::vector<std::string> after, SplitKey(page.after_key, 2));
  ASSIGN_OR_RETURN(
      std::vector<v1::Handling> handlings,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.List(tx, region_code, filter, after, page.limit + 1);
      }));
  for (v1::Handling& handling : handlings) {
    handling = WithOverdue(std::move(handling), today);
  }
  Page<v1::Handling> cut =
      CutPage(std::move(handlings), page, fingerprint, [](const v1::Handling& handling) {
        return JoinKey({absl::StrCat(Micros(handling.create_time())),
                        std::string(LastSegment(handling.name()))});
      });
  v1::ListHandlingsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Handling& handling : cut.items) {
    *response.add_handlings() = std::move(handling);
  }
  return response;
}

absl::StatusOr<v1::Handling> Handlings::Transition(
    const Principal& caller, AuditScope& audit, const std::string& name, const std::string& etag,
    std::initializer_list<v1::HandlingState> from, v1::HandlingState to,
    const std::function<absl::Status(db::Transaction&, v1::Handling&)>& change) {
  ASSIGN_OR_RETURN(const ChildKey key, ParseChildName("name", name, kHandlingPattern));
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Handling> {
        ASSIGN_OR_RETURN(auto stored, store_.Find(tx, key.region_code, key.id));
        if (!stored.has_value()) {
          return absl::NotFoundError(absl::StrCat(name, " not found"));
        }
        v1::Handling handling = std::move(stored->resource);
        RETURN_IF_ERROR(CheckEtag("etag", etag, handling.etag(), name));
        const v1::HandlingState previous = handling.state();
        if (std::find(from.begin(), from.end(), previous) == from.end()) {
          std::vector<std::string> states;
          for (v1::HandlingState state : from) {
            states.push_back(v1::HandlingState_Name(state));
          }
          return absl::FailedPreconditionError(absl::StrCat(
              name, " is ", v1::HandlingState_Name(previous), "; only a ",
              absl::StrJoin(states, " or "), " handling can become ", v1::HandlingState_Name(to)));
        }
        RETURN_IF_ERROR(change(tx, handling));
        handling.set_state(to);
        *handling.mutable_update_time() = ToProtoTimestamp(context_.deps.clock->Now());
        handling.set_etag(
            ComputeEtag(handling.name(), stored->revision + 1, handling.create_time()));
        RETURN_IF_ERROR(store_.Replace(tx, key.region_code, key.id, handling, stored->revision + 1,
                                       stored->revision));
        v1::HandlingStateChanged event;
        event.set_handling(handling.name());
        event.set_cadre(handling.cadre());
        event.set_kind(EffectiveKind(handling));
        event.set_state(to);
        event.set_previous_state(previous);
        *event.mutable_due_date() = handling.due_date();
        RETURN_IF_ERROR(context_.deps.outbox
                            ->Enqueue(tx, key.region_code, handling.name(), caller.subject, event)
                            .status());
        RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("state=", v1::HandlingState_Name(to))));
        return WithOverdue(std::move(handling), Today(*context_.deps.clock));
      });
}

absl::StatusOr<v1::Handling> Handlings::DecideHandling(const Principal& caller, AuditScope& audit,
                                                       const v1::DecideHandlingRequest& request) {
  ASSIGN_OR_RETURN(const ChildKey key, ParseChildName("name", request.name(), kHandlingPattern));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), false));
  RETURN_IF_ERROR(CheckText("document_number", request.document_number(), kMaxDocumentNumber));
  RETURN_IF_ERROR(CheckText("note", request.note(), kMaxText, false, TextKind::kParagraph));
  const absl::CivilDay today = Today(*context_.deps.clock);
  std::optional<absl::CivilDay> due;
  if (IsDateSet(request.due_date())) {
    ASSIGN_OR_RETURN(due, DateToCivilDay("due_date", request.due_date()));
    if (*due < today) {
      return Invalid("due_date", absl::StrCat(FormatDay(*due), " is in the past (today is ",
                                              FormatDay(today), ")"));
    }
  }
  return Transition(
      caller, audit, request.name(), request.etag(), {v1::PROPOSED}, v1::DECIDED,
      [&](db::Transaction& tx, v1::Handling& handling) -> absl::Status {
        if (!due.has_value()) {
          ASSIGN_OR_RETURN(const v1::Policy policy, LoadPolicy(tx, key.region_code));
          due = today + policy.handling_due_days();
        }
        handling.set_decided_kind(
            request.kind() != v1::HANDLING_KIND_UNSPECIFIED ? request.kind() : handling.kind());
        handling.set_document_number(request.document_number());
        handling.set_note(request.note());
        *handling.mutable_due_date() = CivilDayToDate(*due);
        *handling.mutable_decide_time() = ToProtoTimestamp(context_.deps.clock->Now());
        handling.set_decider(caller.subject);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Handling> Handlings::CarryOutHandling(
    const Principal& caller, AuditScope& audit, const v1::CarryOutHandlingRequest& request) {
  RETURN_IF_ERROR(CheckText("note", request.note(), kMaxText, false, TextKind::kParagraph));
  const absl::CivilDay today = Today(*context_.deps.clock);
  absl::CivilDay day = today;
  if (IsDateSet(request.carry_out_date())) {
    ASSIGN_OR_RETURN(day, DateToCivilDay("carry_out_date", request.carry_out_date()));
    if (day > today) {
      return Invalid("carry_out_date", absl::StrCat(FormatDay(day), " is in the future"));
    }
  }
  return Transition(caller, audit, request.name(), request.etag(), {v1::DECIDED}, v1::CARRIED_OUT,
                    [&](db::Transaction&, v1::Handling& handling) {
                      *handling.mutable_carry_out_date() = CivilDayToDate(day);
                      if (!request.note().empty()) {
                        handling.set_note(request.note());
                      }
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Handling> Handlings::DismissHandling(const Principal& caller, AuditScope& audit,
                                                        const v1::DismissHandlingRequest& request) {
  RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxText, true, TextKind::kParagraph));
  return Transition(caller, audit, request.name(), request.etag(), {v1::PROPOSED, v1::DECIDED},
                    v1::DISMISSED, [&](db::Transaction&, v1::Handling& handling) {
                      handling.set_dismiss_reason(request.reason());
                      return absl::OkStatus();
                    });
}

}  // namespace kaoping::results
