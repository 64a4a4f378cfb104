#include "services/results/lead_application.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/events/stream_consumer.h"
#include "services/common/status_macros.h"
#include "services/results/archive_store.h"
#include "services/results/eligibility_view.h"
#include "services/results/roster_store.h"

namespace kaoping::results {
namespace {

constexpr absl::string_view kConsumer = "results";

absl::Status Unappliable(const v1::Event& event, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("event ", event.id(), ": ", why));
}

bool Confirmed(v1::Lead::State state) {
  return state == v1::Lead::CONFIRMED || state == v1::Lead::PARTLY_CONFIRMED;
}

// Marks the event applied without writing anything else.
absl::Status Consumed(db::Database& db, const v1::Event& event, const Clock& clock) {
  return ApplyOnce(db, kConsumer, event, clock, [](db::Transaction&) { return absl::OkStatus(); });
}

}  // namespace

v1::VerifiedLead LeadApplication::VerifiedLeadOf(const v1::Lead& lead) {
  v1::VerifiedLead verified;
  verified.set_lead(lead.name());
  verified.set_source(lead.source());
  verified.set_cadre(lead.cadre());
  verified.set_campaign(lead.campaign());
  *verified.mutable_negative_item() = lead.verification().negative_item();
  verified.set_deduction(lead.verification().deduction());
  verified.set_findings(lead.verification().findings());
  *verified.mutable_occur_date() = lead.occur_date();
  *verified.mutable_verify_time() = lead.verify_time();
  verified.set_partly(lead.state() == v1::Lead::PARTLY_CONFIRMED);
  return verified;
}

absl::Status LeadApplication::ApplyIn(db::Transaction& tx, const std::string& region_code,
                                      const v1::Lead& lead, const std::string& source_event) const {
  const std::string lead_id(LastSegment(lead.name()));
  ASSIGN_OR_RETURN(std::optional<int64_t> applied,
                   ArchiveStore().FindAppliedLead(tx, region_code, lead_id));
  if (applied.has_value()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const CadreKey cadre,
                   ParseCadreName("lead.cadre", lead.cadre(), InRegion(region_code)));
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, region_code, cadre.cadre_id));
  if (!profile.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(lead.name(), ": ", lead.cadre(), " is not on the roster"));
  }
  const v1::VerifiedLead verified = VerifiedLeadOf(lead);
  const bool veto = verified.negative_item().severity() == v1::VETO;
  v1::ArchiveEntry entry;
  entry.set_kind(v1::ArchiveEntry::VERIFIED_LEAD);
  entry.set_campaign(lead.campaign());
  *entry.mutable_conclude_date() = CivilDayToDate(
      absl::ToCivilDay(absl::FromUnixSeconds(lead.verify_time().seconds()), ChinaStandardTime()));
  entry.set_vetoed(veto);
  *entry.mutable_verified_lead() = verified;
  entry.set_source_event(source_event);
  ASSIGN_OR_RETURN(const v1::ArchiveEntry written,
                   writer_.Append(tx, cadre, profile->resource, std::move(entry), ""));
  ASSIGN_OR_RETURN(const EntryKey key, ParseEntryName("archive_entry", written.name()));
  RETURN_IF_ERROR(
      ArchiveStore().InsertAppliedLead(tx, region_code, lead_id, cadre.cadre_id, key.seq));
  if (veto) {
    ASSIGN_OR_RETURN(const v1::Policy policy, LoadPolicy(tx, region_code));
    RETURN_IF_ERROR(
        writer_.ImposeVeto(tx, cadre, profile->resource, verified, "", written.name(), policy, "")
            .status());
  }
  return absl::OkStatus();
}

absl::Status LeadApplication::OnLeadVerified(const v1::Event& event) {
  v1::LeadVerified verified;
  if (!event.payload().UnpackTo(&verified)) {
    return Unappliable(event, "payload is not a LeadVerified");
  }
  const std::string& region_code = event.region_code();
  absl::StatusOr<ChildKey> key =
      ParseChildName("lead", verified.lead(), kLeadPattern, InRegion(region_code));
  if (!key.ok()) {
    return Unappliable(event, key.status().message());
  }
  db::Database& db = *context_.deps.db;
  const Clock& clock = *context_.deps.clock;
  if (verified.outcome() == v1::Verification::UNFOUNDED) {
    return Consumed(db, event, clock);  // counts for nothing: nothing to archive
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> applied,
                   db::RunInTransaction(db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return ArchiveStore().FindAppliedLead(tx, region_code, key->id);
                   }));
  if (applied.has_value()) {
    return Consumed(db, event, clock);
  }
  ASSIGN_OR_RETURN(const std::string token, context_.deps.identity->Token());
  absl::StatusOr<v1::Lead> lead = context_.upstreams.GetLead(verified.lead(), token);
  if (lead.status().code() == absl::StatusCode::kNotFound) {
    return Unappliable(event, lead.status().message());
  }
  RETURN_IF_ERROR(lead.status());
  if (!Confirmed(lead->state())) {
    return Consumed(db, event, clock);  // unfounded as read: nothing to archive
  }
  if (lead->name() != verified.lead()) {
    return Unappliable(event, "evaluations answered another lead");
  }
  return ApplyOnce(db, kConsumer, event, clock, [&](db::Transaction& tx) {
    return ApplyIn(tx, region_code, *lead, event.id());
  });
}

}  // namespace kaoping::results
