#include "services/results/archive_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/api/date.h"
#include "services/common/api/resource_meta.h"
#include "services/common/db/row_lock.h"
#include "services/common/status_macros.h"
#include "services/results/archive_store.h"
#include "services/results/handling_store.h"
#include "services/results/roster_store.h"
#include "services/results/use_policy.h"
#include "services/results/veto_store.h"

namespace kaoping::results {
namespace {

constexpr absl::string_view kRecorder = "results";

v1::ArchiveEntryAdded EntryAdded(const v1::ArchiveEntry& entry, const std::string& cadre) {
  v1::ArchiveEntryAdded event;
  event.set_archive_entry(entry.name());
  event.set_cadre(cadre);
  switch (entry.kind()) {
    case v1::ArchiveEntry::APPRAISAL:
      event.set_appraisal(entry.appraisal());
      break;
    case v1::ArchiveEntry::VERIFIED_LEAD:
      event.set_lead(entry.verified_lead().lead());
      break;
    default:
      event.set_supersedes(entry.supersedes());
      break;
  }
  return event;
}

}  // namespace

absl::StatusOr<v1::ArchiveEntry> ArchiveWriter::Append(db::Transaction& tx, const CadreKey& cadre,
                                                       const v1::Cadre& profile,
                                                       v1::ArchiveEntry entry,
                                                       const std::string& actor) const {
  const ArchiveStore archive;
  RETURN_IF_ERROR(db::LockKey(tx, "archive", cadre.region_code, cadre.cadre_id));
  ASSIGN_OR_RETURN(const int64_t seq, archive.NextSeq(tx, cadre.region_code, cadre.cadre_id));
  entry.set_name(EntryName(cadre.region_code, cadre.cadre_id, seq));
  entry.set_unit(profile.unit());
  entry.set_post_title(profile.post_title());
  entry.set_post_tier(profile.post_tier());
  *entry.mutable_record_time() = ToProtoTimestamp(deps_.clock->Now());
  if (entry.recorder().empty()) {
    entry.set_recorder(std::string(kRecorder));
  }
  entry.clear_superseded_by();
  RETURN_IF_ERROR(archive.Insert(tx, cadre.region_code, cadre.cadre_id, seq,
                                 std::string(LastSegment(profile.unit())), entry));
  if (!entry.supersedes().empty()) {
    ASSIGN_OR_RETURN(EntryKey old, ParseEntryName("supersedes", entry.supersedes()));
    RETURN_IF_ERROR(archive.MarkSuperseded(tx, cadre.region_code, cadre.cadre_id, old.seq, seq));
  }
  RETURN_IF_ERROR(RosterStore().TouchFacts(tx, cadre.region_code, cadre.cadre_id));
  RETURN_IF_ERROR(
      deps_.outbox
          ->Enqueue(tx, cadre.region_code, entry.name(), actor, EntryAdded(entry, profile.name()))
          .status());
  return entry;
}

absl::StatusOr<ArchiveWriter::Imposed> ArchiveWriter::ImposeVeto(
    db::Transaction& tx, const CadreKey& cadre, const v1::Cadre& profile,
    const v1::VerifiedLead& lead, const std::string& appraisal, const std::string& entry,
    const v1::Policy& policy, const std::string& actor) const {
  const VetoStore vetoes;
  const std::string veto_id(LastSegment(lead.lead()));
  ASSIGN_OR_RETURN(std::optional<v1::Veto> existing, vetoes.Find(tx, cadre.region_code, veto_id));
  if (existing.has_value()) {
    return Imposed{*std::move(existing), false, std::nullopt};
  }
  const absl::CivilDay start =
      lead.has_verify_time() ? absl::ToCivilDay(absl::FromUnixSeconds(lead.verify_time().seconds()),
                                                ChinaStandardTime())
                             : Today(*deps_.clock);
  v1::Veto veto;
  veto.set_name(VetoName(cadre.region_code, veto_id));
  veto.set_cadre(profile.name());
  veto.set_lead(lead.lead());
  *veto.mutable_verified_lead() = lead;
  veto.set_appraisal(appraisal);
  veto.set_archive_entry(entry);
  *veto.mutable_start_date() = CivilDayToDate(start);
  *veto.mutable_end_date() = CivilDayToDate(AddMonths(start, policy.veto_months()));
  *veto.mutable_create_time() = ToProtoTimestamp(deps_.clock->Now());
  RETURN_IF_ERROR(vetoes.Insert(tx, cadre.region_code, veto_id, cadre.cadre_id,
                                std::string(LastSegment(profile.unit())), veto));
  RETURN_IF_ERROR(RosterStore().TouchFacts(tx, cadre.region_code, cadre.cadre_id));
  v1::VetoImposed event;
  event.set_veto(veto.name());
  event.set_cadre(veto.cadre());
  event.set_lead(veto.lead());
  *event.mutable_start_date() = veto.start_date();
  *event.mutable_end_date() = veto.end_date();
  RETURN_IF_ERROR(deps_.outbox->Enqueue(tx, cadre.region_code, veto.name(), actor, event).status());
  v1::Handling handling;
  handling.set_kind(policy.veto_handling());
  handling.set_origin(v1::Handling::FROM_VETO);
  handling.set_cause(veto.name());
  handling.set_reason(absl::StrCat("一票否决: ", lead.negative_item().title(), " (", lead.lead(),
                                   ", verified ", FormatDay(start), ")"));
  ASSIGN_OR_RETURN(Proposed proposed, Propose(tx, cadre, profile, std::move(handling), actor));
  return Imposed{std::move(veto), true, std::move(proposed.handling)};
}

absl::StatusOr<ArchiveWriter::Proposed> ArchiveWriter::Propose(db::Transaction& tx,
                                                               const CadreKey& cadre,
                                                               const v1::Cadre& profile,
                                                               v1::Handling handling,
                                                               const std::string& actor) const {
  const HandlingStore store;
  const std::string id =
      handling.origin() == v1::Handling::BY_HAND
          ? NewId("h-")
          : DerivedId("h-", absl::StrCat(v1::Handling::Origin_Name(handling.origin()), "|",
                                         handling.cause()));
  handling.set_name(HandlingName(cadre.region_code, id));
  handling.set_cadre(profile.name());
  handling.set_state(v1::PROPOSED);
  *handling.mutable_create_time() = ToProtoTimestamp(deps_.clock->Now());
  *handling.mutable_update_time() = handling.create_time();
  if (handling.creator().empty()) {
    handling.set_creator(std::string(kRecorder));
  }
  handling.set_etag(ComputeEtag(handling.name(), 1, handling.create_time()));
  ASSIGN_OR_RETURN(bool created,
                   store.InsertIfAbsent(tx, cadre.region_code, id, cadre.cadre_id,
                                        std::string(LastSegment(profile.unit())), handling));
  if (!created) {
    ASSIGN_OR_RETURN(std::optional<Revised<v1::Handling>> existing,
                     store.Find(tx, cadre.region_code, id));
    if (!existing.has_value()) {
      return absl::InternalError(absl::StrCat(handling.name(), " vanished while proposed"));
    }
    return Proposed{std::move(existing->resource), false};
  }
  v1::HandlingProposed event;
  event.set_handling(handling.name());
  event.set_cadre(handling.cadre());
  event.set_kind(handling.kind());
  event.set_cause(handling.cause());
  RETURN_IF_ERROR(
      deps_.outbox->Enqueue(tx, cadre.region_code, handling.name(), actor, event).status());
  return Proposed{std::move(handling), true};
}

}  // namespace kaoping::results
