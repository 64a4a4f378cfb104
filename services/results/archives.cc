#include "services/results/archives.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/view.h"
#include "services/common/status_macros.h"
#include "services/results/eligibility_view.h"
#include "services/results/field_checks.h"
#include "services/results/results_policy.h"
#include "services/results/roster_store.h"
#include "services/results/sealed_fields.h"

namespace kaoping::results {
namespace {

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

google::protobuf::Timestamp TimeOfMicros(int64_t micros) {
  return ToProtoTimestamp(absl::FromUnixMicros(micros));
}

}  // namespace

const std::vector<std::string>& EntryFieldsOmittedInBasicView() {
  static const auto* paths =
      new std::vector<std::string>{"content", "signed_content", "summary_snapshot", "signatures"};
  return *paths;
}

absl::StatusOr<CadreKey> Archives::ReadableArchive(const Rule& rule, const Principal& caller,
                                                   absl::string_view field, const std::string& name,
                                                   absl::string_view pattern) {
  ASSIGN_OR_RETURN(CadreKey cadre, ParseCadreOf(field, name, pattern));
  if (!CadreMayRead(rule, caller, CadreName(cadre.region_code, cadre.cadre_id))) {
    return NotFound(name);
  }
  return cadre;
}

absl::StatusOr<v1::Archive> Archives::Header(db::Transaction& tx, const CadreKey& cadre) const {
  ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(tx, cadre.region_code, cadre.cadre_id));
  ASSIGN_OR_RETURN(std::optional<CadreFacts> facts,
                   LoadCadreFacts(tx, cadre.region_code, cadre.cadre_id));
  if (!profile.has_value() || !facts.has_value()) {
    return NotFound(ArchiveName(cadre.region_code, cadre.cadre_id));
  }
  ASSIGN_OR_RETURN(const ArchiveStore::Span span,
                   store_.RecordSpan(tx, cadre.region_code, cadre.cadre_id));
  const absl::CivilDay today = Today(*context_.deps.clock);
  v1::Archive archive;
  archive.set_name(ArchiveName(cadre.region_code, cadre.cadre_id));
  archive.set_cadre(profile->resource.name());
  archive.set_cadre_display_name(profile->resource.display_name());
  archive.set_entry_count(static_cast<int32_t>(span.count));
  if (const std::optional<GradeFact> latest = LatestGrade(*facts, today); latest.has_value()) {
    archive.set_latest_appraisal_entry(EntryName(cadre.region_code, cadre.cadre_id, latest->seq));
    archive.set_latest_grade(latest->grade);
    *archive.mutable_latest_conclude_date() = CivilDayToDate(*latest->conclude_day);
  }
  for (const v1::Veto& veto : facts->vetoes) {
    if (VetoInForce(veto, today)) {
      archive.add_vetoes_in_force(veto.name());
    }
  }
  *archive.mutable_create_time() =
      span.count > 0 ? TimeOfMicros(span.first_micros) : profile->resource.create_time();
  *archive.mutable_update_time() =
      span.count > 0 ? TimeOfMicros(span.last_micros) : profile->resource.create_time();
  return archive;
}

absl::StatusOr<v1::Archive> Archives::GetArchive(const Principal& caller, AuditScope&,
                                                 const v1::GetArchiveRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre, ReadableArchive(kArchiveReaders, caller, "name",
                                                         request.name(), kArchivePattern));
  return db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly,
                              [&](db::Transaction& tx) { return Header(tx, cadre); });
}

absl::StatusOr<v1::ListArchiveEntriesResponse> Archives::ListArchiveEntries(
    const Principal& caller, AuditScope&, const v1::ListArchiveEntriesRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre, ReadableArchive(kArchiveReaders, caller, "parent",
                                                         request.parent(), kArchivePattern));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), false));
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  const std::string kind = request.kind() == 0 ? "" : v1::ArchiveEntry::Kind_Name(request.kind());
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", kind, "|", request.current_only());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  int64_t before = 0;
  if (!page.after_key.empty() && (!absl::SimpleAtoi(page.after_key, &before) || before <= 0)) {
    return Invalid("page_token", "not a token returned by this query");
  }
  ASSIGN_OR_RETURN(std::vector<v1::ArchiveEntry> entries,
                   db::RunInTransaction(
                       *context_.deps.db, db::Access::kReadOnly,
                       [&](db::Transaction& tx) -> absl::StatusOr<std::vector<v1::ArchiveEntry>> {
                         ASSIGN_OR_RETURN(auto profile, RosterStore().FindCadre(
                                                            tx, cadre.region_code, cadre.cadre_id));
                         if (!profile.has_value()) {
                           return NotFound(request.parent());
                         }
                         return store_.List(tx, cadre.region_code, cadre.cadre_id, kind,
                                            request.current_only(), before, page.limit + 1);
                       }));
  const bool as_cadre = OnlyAsCadre(kArchiveReaders, caller);
  for (v1::ArchiveEntry& entry : entries) {
    ApplyView(view, EntryFieldsOmittedInBasicView(), entry);
    if (as_cadre) {
      ClearSealedIdentities(entry);
    }
  }
  Page<v1::ArchiveEntry> cut =
      CutPage(std::move(entries), page, fingerprint,
              [](const v1::ArchiveEntry& entry) { return std::string(LastSegment(entry.name())); });
  v1::ListArchiveEntriesResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::ArchiveEntry& entry : cut.items) {
    *response.add_entries() = std::move(entry);
  }
  return response;
}

absl::StatusOr<v1::ArchiveEntry> Archives::GetArchiveEntry(
    const Principal& caller, AuditScope&, const v1::GetArchiveEntryRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey cadre,
                   ReadableArchive(kArchiveReaders, caller, "name", request.name(), kEntryPattern));
  absl::StatusOr<EntryKey> key = ParseEntryName("name", request.name());
  if (!key.ok()) {
    return NotFound(request.name());
  }
  ASSIGN_OR_RETURN(
      std::optional<v1::ArchiveEntry> entry,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.Get(tx, cadre.region_code, cadre.cadre_id, key->seq);
      }));
  if (!entry.has_value()) {
    return NotFound(request.name());
  }
  if (OnlyAsCadre(kArchiveReaders, caller)) {
    ClearSealedIdentities(*entry);
  }
  return *std::move(entry);
}

}  // namespace kaoping::results
