#include "services/results/archive_corrections.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/results/eligibility_view.h"
#include "services/results/field_checks.h"
#include "services/results/roster_store.h"
#include "services/results/use_policy.h"
#include "services/results/veto_store.h"

namespace kaoping::results {
namespace {

constexpr size_t kMaxReason = 2000;
constexpr absl::string_view kSupersedes = "archive_entry.supersedes";

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// Whether the veto rests on what `entry` recorded.
bool CarriedBy(const v1::Veto& veto, const v1::ArchiveEntry& entry) {
  if (veto.archive_entry() == entry.name() ||
      (!entry.appraisal().empty() && veto.appraisal() == entry.appraisal()) ||
      (entry.has_verified_lead() && veto.lead() == entry.verified_lead().lead())) {
    return true;
  }
  for (const v1::VerifiedLead& lead : entry.content().summary().verified_leads()) {
    if (lead.lead() == veto.lead()) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<v1::ArchiveEntry> ArchiveCorrections::Correction(
    db::Transaction& tx, const Principal& caller, const v1::CreateArchiveEntryRequest& request,
    const CadreKey& cadre, const EntryKey& superseded) const {
  ASSIGN_OR_RETURN(std::optional<v1::ArchiveEntry> old,
                   store_.Get(tx, cadre.region_code, cadre.cadre_id, superseded.seq));
  const std::string archive = ArchiveName(cadre.region_code, cadre.cadre_id);
  if (!old.has_value()) {
    return Invalid(kSupersedes, absl::StrCat(request.archive_entry().supersedes(),
                                             " is not an entry of ", archive));
  }
  if (!old->superseded_by().empty()) {
    return Invalid(kSupersedes, absl::StrCat(old->name(), " is already superseded by ",
                                             old->superseded_by(), "; correct that one"));
  }
  const v1::ArchiveEntry& given = request.archive_entry();
  v1::ArchiveEntry entry;
  entry.set_kind(v1::ArchiveEntry::CORRECTION);
  entry.set_appraisal(old->appraisal());
  entry.set_campaign(old->campaign());
  entry.set_campaign_kind(old->campaign_kind());
  entry.set_grade(given.grade() != v1::GRADE_UNSPECIFIED ? given.grade() : old->grade());
  entry.set_proposed_grade(old->proposed_grade());
  *entry.mutable_conclude_date() = old->conclude_date();
  entry.set_vetoed(given.vetoed());
  *entry.mutable_catalog() = old->catalog();
  if (old->has_verified_lead()) {
    *entry.mutable_verified_lead() = old->verified_lead();
  }
  entry.set_supersedes(old->name());
  entry.set_correction_reason(given.correction_reason());
  entry.set_source_event(absl::StrCat("correction:", request.request_id()));
  entry.set_recorder(caller.subject);
  return entry;
}

absl::Status ArchiveCorrections::LiftVetoes(db::Transaction& tx, const CadreKey& cadre,
                                            const v1::ArchiveEntry& superseded) const {
  const VetoStore vetoes;
  const absl::CivilDay today = Today(*context_.deps.clock);
  ASSIGN_OR_RETURN(std::vector<v1::Veto> all,
                   vetoes.ForCadre(tx, cadre.region_code, cadre.cadre_id));
  for (v1::Veto& veto : all) {
    if (!CarriedBy(veto, superseded) || DayOf(veto.end_date()) <= today) {
      continue;
    }
    *veto.mutable_end_date() = CivilDayToDate(std::max(DayOf(veto.start_date()), today));
    RETURN_IF_ERROR(
        vetoes.Replace(tx, cadre.region_code, std::string(LastSegment(veto.name())), veto));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ArchiveEntry> ArchiveCorrections::Write(
    db::Transaction& tx, const Principal& caller, AuditScope& audit,
    const v1::CreateArchiveEntryRequest& request, const CadreKey& cadre,
    const EntryKey& superseded) const {
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, cadre.region_code, cadre.cadre_id));
  if (!profile.has_value()) {
    return absl::NotFoundError(absl::StrCat(request.parent(), " not found"));
  }
  ASSIGN_OR_RETURN(v1::ArchiveEntry entry, Correction(tx, caller, request, cadre, superseded));
  ASSIGN_OR_RETURN(const std::optional<v1::ArchiveEntry> old,
                   store_.Get(tx, cadre.region_code, cadre.cadre_id, superseded.seq));
  ASSIGN_OR_RETURN(const v1::ArchiveEntry written,
                   writer_.Append(tx, cadre, profile->resource, std::move(entry), caller.subject));
  if (old->vetoed() && !written.vetoed()) {
    RETURN_IF_ERROR(LiftVetoes(tx, cadre, *old));
  }
  ASSIGN_OR_RETURN(const v1::Policy policy, LoadPolicy(tx, cadre.region_code));
  if (auto kind = HandlingForGrade(policy, written.grade());
      kind.has_value() && written.grade() != old->grade()) {
    v1::Handling handling;
    handling.set_kind(*kind);
    handling.set_origin(v1::Handling::FROM_POOR_GRADE);
    handling.set_cause(written.name());
    handling.set_reason(absl::StrCat("grade corrected to ", v1::Grade_Name(written.grade())));
    RETURN_IF_ERROR(
        writer_.Propose(tx, cadre, profile->resource, std::move(handling), caller.subject)
            .status());
  }
  RETURN_IF_ERROR(audit.Record(tx, absl::StrCat("supersedes=", old->name())));
  return written;
}

absl::StatusOr<v1::ArchiveEntry> ArchiveCorrections::CreateArchiveEntry(
    const Principal& caller, AuditScope& audit, const v1::CreateArchiveEntryRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre, ParseCadreOf("parent", request.parent(), kArchivePattern));
  if (request.request_id().empty()) {
    return Invalid("request_id", "required (a retry must not correct twice)");
  }
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const v1::ArchiveEntry& given = request.archive_entry();
  if (given.supersedes().empty()) {
    return Invalid(kSupersedes, "required: the entry this correction supersedes");
  }
  absl::StatusOr<EntryKey> superseded =
      ParseEntryName(kSupersedes, given.supersedes(), InArchive(cadre.region_code, cadre.cadre_id));
  if (superseded.status().code() == absl::StatusCode::kNotFound) {
    return Invalid(kSupersedes,
                   absl::StrCat(given.supersedes(), " is not an entry of ", request.parent()));
  }
  RETURN_IF_ERROR(superseded.status());
  RETURN_IF_ERROR(CheckText("archive_entry.correction_reason", given.correction_reason(),
                            kMaxReason, true, TextKind::kParagraph));
  RETURN_IF_ERROR(CheckEnum("archive_entry.grade", given.grade(), false));
  if (request.validate_only()) {
    ASSIGN_OR_RETURN(
        v1::ArchiveEntry entry,
        db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
          return Correction(tx, caller, request, cadre, *superseded);
        }));
    audit.NothingWritten();
    return entry;
  }
  return IdempotentCreate(*context_.deps.db, *context_.deps.idempotency, audit, request,
                          request.request_id(), NoSecrets(), [&](db::Transaction& tx) {
                            return Write(tx, caller, audit, request, cadre, *superseded);
                          });
}

}  // namespace kaoping::results
