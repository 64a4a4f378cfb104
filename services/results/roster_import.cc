#include "services/results/roster_import.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/api/resource_name.h"
#include "services/common/db/row_lock.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/results/field_checks.h"
#include "services/results/roster_rows.h"

namespace kaoping::results {
namespace {

using UnitMap = absl::flat_hash_map<std::string, Revised<v1::Unit>>;
using CadreMap = absl::flat_hash_map<std::string, Revised<v1::Cadre>>;

v1::RowResult RowOf(int index, const std::string& name, const absl::Status& status) {
  v1::RowResult row;
  row.set_index(index);
  if (status.ok()) {
    row.set_name(name);
  }
  row.mutable_status()->set_code(static_cast<int>(status.code()));
  row.mutable_status()->set_message(std::string(status.message()));
  return row;
}

// The id of a row's name when it parses (also for rows otherwise
// rejected: a SNAPSHOT must not deactivate a row it was given).
template <typename Key>
std::string IdOf(const absl::StatusOr<Key>& key);
template <>
std::string IdOf(const absl::StatusOr<UnitKey>& key) {
  return key.ok() ? key->unit_id : "";
}
template <>
std::string IdOf(const absl::StatusOr<CadreKey>& key) {
  return key.ok() ? key->cadre_id : "";
}

// Rejects a later row naming the same resource as an earlier one.
void RejectDuplicates(absl::string_view field, const std::vector<std::string>& ids,
                      std::vector<absl::Status>& errors) {
  absl::flat_hash_map<std::string, size_t> first;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].empty()) {
      continue;
    }
    auto [it, inserted] = first.try_emplace(ids[i], i);
    if (!inserted && errors[i].ok()) {
      errors[i] = Invalid(absl::StrCat(field, "[", i, "].name"),
                          absl::StrCat("the same as ", field, "[", it->second, "]"));
    }
  }
}

void Count(v1::RosterImportCounts& counts, bool existed, bool same) {
  if (!existed) {
    counts.set_created(counts.created() + 1);
  } else if (same) {
    counts.set_unchanged(counts.unchanged() + 1);
  } else {
    counts.set_updated(counts.updated() + 1);
  }
}

}  // namespace

absl::Status RosterImport::CheckRequest(const v1::ImportRosterRequest& request) {
  RETURN_IF_ERROR(CheckEnum("mode", request.mode(), false));
  const int rows = request.units_size() + request.cadres_size();
  if (rows > kMaxRows) {
    return Invalid(
        request.units_size() > kMaxRows ? "units" : "cadres",
        absl::StrCat("units and cadres together at most ", kMaxRows, " rows, got ", rows, " (",
                     request.units_size(), " units, ", request.cadres_size(), " cadres)"));
  }
  if (request.request_id().empty() && !request.validate_only()) {
    return Invalid("request_id", "required for pushes (a retry must not import twice)");
  }
  return ValidateRequestId(request.request_id());
}

RosterImport::Checked RosterImport::CheckRows(const v1::ImportRosterRequest& request,
                                              const std::string& region_code) {
  Checked checked;
  for (int i = 0; i < request.units_size(); ++i) {
    auto key = CheckUnitRow(absl::StrCat("units[", i, "]"), request.units(i), region_code);
    checked.unit_errors.push_back(key.status());
    checked.unit_ids.push_back(
        IdOf(ParseUnitName("name", request.units(i).name(), InRegion(region_code))));
  }
  for (int i = 0; i < request.cadres_size(); ++i) {
    auto key = CheckCadreRow(absl::StrCat("cadres[", i, "]"), request.cadres(i), region_code);
    checked.cadre_errors.push_back(key.status());
    checked.cadre_ids.push_back(
        IdOf(ParseCadreName("name", request.cadres(i).name(), InRegion(region_code))));
  }
  RejectDuplicates("units", checked.unit_ids, checked.unit_errors);
  RejectDuplicates("cadres", checked.cadre_ids, checked.cadre_errors);
  return checked;
}

void RosterImport::PlanUnits(const v1::ImportRosterRequest& request, const std::string& region_code,
                             Checked& checked, const UnitMap& stored, const Principal& caller,
                             Plan& plan) const {
  absl::flat_hash_map<std::string, std::string> parent_of;
  for (const auto& [id, unit] : stored) {
    parent_of[id] = std::string(LastSegment(unit.resource.parent_unit()));
  }
  absl::flat_hash_set<std::string> accepted;
  for (int i = 0; i < request.units_size(); ++i) {
    if (checked.unit_errors[i].ok()) {
      accepted.insert(checked.unit_ids[i]);
      parent_of[checked.unit_ids[i]] = std::string(LastSegment(request.units(i).parent_unit()));
    }
  }
  auto parent_lookup = [&](const std::string& id) -> std::string {
    auto it = parent_of.find(id);
    return it == parent_of.end() ? "" : it->second;
  };
  const absl::Time now = context_.deps.clock->Now();
  for (int i = 0; i < request.units_size(); ++i) {
    const v1::Unit& row = request.units(i);
    const std::string& id = checked.unit_ids[i];
    absl::Status& error = checked.unit_errors[i];
    const std::string parent(LastSegment(row.parent_unit()));
    const std::string field = absl::StrCat("units[", i, "].parent_unit");
    if (error.ok() && !parent.empty() && !stored.contains(parent) && !accepted.contains(parent)) {
      error = Invalid(field, absl::StrCat(row.parent_unit(),
                                          " is not a unit of the roster or of"
                                          " this push"));
    }
    if (error.ok() && !parent.empty()) {
      error = CheckNoLoop(field, id, parent, parent_lookup);
    }
    if (!error.ok()) {
      accepted.erase(id);
      auto it = stored.find(id);
      parent_of[id] =
          it == stored.end() ? "" : std::string(LastSegment(it->second.resource.parent_unit()));
      plan.response.mutable_unit_counts()->set_rejected(plan.response.unit_counts().rejected() + 1);
      *plan.response.add_unit_results() = RowOf(i, "", error);
      continue;
    }
    auto it = stored.find(id);
    const bool existed = it != stored.end();
    Write<v1::Unit> write{id, existed ? it->second.resource : v1::Unit(), 1, 0};
    write.resource.set_name(UnitName(region_code, id));
    CopyUnitInput(row, write.resource);
    const bool same = existed && SameUnitInput(it->second.resource, write.resource);
    Count(*plan.response.mutable_unit_counts(), existed, same);
    *plan.response.add_unit_results() = RowOf(i, write.resource.name(), absl::OkStatus());
    if (!same) {
      write.expected_revision = existed ? it->second.revision : 0;
      write.revision = write.expected_revision + 1;
      Stamp(write.resource, write.revision, now, caller.subject);
      plan.event.add_changed_units(write.resource.name());
      plan.units.push_back(std::move(write));
    }
  }
}

void RosterImport::PlanCadres(const v1::ImportRosterRequest& request,
                              const std::string& region_code, Checked& checked,
                              const UnitMap& stored_units, const CadreMap& stored,
                              const Principal& caller, Plan& plan) const {
  // The sector of every unit as it will stand after the push.
  absl::flat_hash_map<std::string, v1::Sector> unit_sector;
  for (const auto& [id, unit] : stored_units) {
    unit_sector[id] = unit.resource.sector();
  }
  for (const v1::RowResult& result : plan.response.unit_results()) {
    if (!result.name().empty()) {
      unit_sector[LastSegment(result.name())] = request.units(result.index()).sector();
    }
  }
  const absl::Time now = context_.deps.clock->Now();
  for (int i = 0; i < request.cadres_size(); ++i) {
    const v1::Cadre& row = request.cadres(i);
    const std::string& id = checked.cadre_ids[i];
    absl::Status& error = checked.cadre_errors[i];
    auto unit = unit_sector.find(LastSegment(row.unit()));
    if (error.ok() && unit == unit_sector.end()) {
      error = Invalid(absl::StrCat("cadres[", i, "].unit"),
                      absl::StrCat(row.unit(), " is not a unit of the roster or of this push"));
    }
    if (!error.ok()) {
      plan.response.mutable_cadre_counts()->set_rejected(plan.response.cadre_counts().rejected() +
                                                         1);
      *plan.response.add_cadre_results() = RowOf(i, "", error);
      continue;
    }
    auto it = stored.find(id);
    const bool existed = it != stored.end();
    Write<v1::Cadre> write{id, existed ? it->second.resource : v1::Cadre(), 1, 0};
    write.resource.set_name(CadreName(region_code, id));
    CopyCadreInput(row, unit->second, write.resource);
    const bool same = existed && SameCadreInput(it->second.resource, write.resource);
    Count(*plan.response.mutable_cadre_counts(), existed, same);
    *plan.response.add_cadre_results() = RowOf(i, write.resource.name(), absl::OkStatus());
    if (!same) {
      write.expected_revision = existed ? it->second.revision : 0;
      write.revision = write.expected_revision + 1;
      Stamp(write.resource, write.revision, now, caller.subject);
      plan.event.add_changed_cadres(write.resource.name());
      plan.cadres.push_back(std::move(write));
    }
  }
}

absl::Status RosterImport::PlanSnapshot(const v1::ImportRosterRequest& request,
                                        const Checked& checked, const UnitMap& units,
                                        const CadreMap& cadres, const Principal& caller,
                                        Plan& plan) const {
  const absl::flat_hash_set<std::string> pushed_cadres(checked.cadre_ids.begin(),
                                                       checked.cadre_ids.end());
  const absl::flat_hash_set<std::string> pushed_units(checked.unit_ids.begin(),
                                                      checked.unit_ids.end());
  // ACTIVE cadres per unit once the push is applied.
  absl::flat_hash_map<std::string, std::string> unit_of_active;
  for (const auto& [id, cadre] : cadres) {
    if (cadre.resource.status() == v1::Cadre::ACTIVE) {
      unit_of_active[id] = std::string(LastSegment(cadre.resource.unit()));
    }
  }
  for (const auto& write : plan.cadres) {
    unit_of_active.erase(write.id);
    if (write.resource.status() == v1::Cadre::ACTIVE) {
      unit_of_active[write.id] = std::string(LastSegment(write.resource.unit()));
    }
  }
  std::vector<const Revised<v1::Cadre>*> leaving;
  int64_t active = 0;
  for (const auto& [id, cadre] : cadres) {
    if (cadre.resource.status() != v1::Cadre::ACTIVE) {
      continue;
    }
    ++active;
    if (!pushed_cadres.contains(id)) {
      leaving.push_back(&cadre);
      unit_of_active.erase(id);
    }
  }
  if (!request.allow_mass_deactivation() &&
      static_cast<double>(leaving.size()) > kMassDeactivationShare * static_cast<double>(active)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "a SNAPSHOT leaving out %d of the %d ACTIVE cadres would deactivate %.0f%% of them (more"
        " than %.0f%%): is the file complete? Set allow_mass_deactivation to import it anyway",
        leaving.size(), active, 100.0 * leaving.size() / active, 100 * kMassDeactivationShare));
  }
  const absl::Time now = context_.deps.clock->Now();
  for (const Revised<v1::Cadre>* cadre : leaving) {
    Write<v1::Cadre> write{std::string(LastSegment(cadre->resource.name())), cadre->resource,
                           cadre->revision + 1, cadre->revision};
    write.resource.set_status(v1::Cadre::INACTIVE);
    Stamp(write.resource, write.revision, now, caller.subject);
    plan.event.add_changed_cadres(write.resource.name());
    plan.cadres.push_back(std::move(write));
  }
  plan.response.mutable_cadre_counts()->set_deactivated(static_cast<int32_t>(leaving.size()));
  absl::flat_hash_set<std::string> units_in_use;
  for (const auto& [cadre, unit] : unit_of_active) {
    units_in_use.insert(unit);
  }
  for (const auto& [id, unit] : units) {
    if (unit.resource.state() != v1::Unit::ACTIVE || pushed_units.contains(id) ||
        units_in_use.contains(id)) {
      continue;
    }
    Write<v1::Unit> write{id, unit.resource, unit.revision + 1, unit.revision};
    write.resource.set_state(v1::Unit::DISSOLVED);
    Stamp(write.resource, write.revision, now, caller.subject);
    plan.event.add_changed_units(write.resource.name());
    plan.units.push_back(std::move(write));
    plan.response.mutable_unit_counts()->set_deactivated(plan.response.unit_counts().deactivated() +
                                                         1);
  }
  return absl::OkStatus();
}

absl::StatusOr<RosterImport::Plan> RosterImport::PlanImport(db::Transaction& tx,
                                                            const Principal& caller,
                                                            const v1::ImportRosterRequest& request,
                                                            const std::string& region_code,
                                                            Checked checked) const {
  ASSIGN_OR_RETURN(const UnitMap units, store_.AllUnits(tx, region_code));
  ASSIGN_OR_RETURN(const CadreMap cadres, store_.AllCadres(tx, region_code));
  Plan plan;
  PlanUnits(request, region_code, checked, units, caller, plan);
  PlanCadres(request, region_code, checked, units, cadres, caller, plan);
  const bool snapshot = request.mode() == v1::ImportRosterRequest::SNAPSHOT;
  if (snapshot) {
    RETURN_IF_ERROR(PlanSnapshot(request, checked, units, cadres, caller, plan));
  }
  const v1::RosterImportCounts& u = plan.response.unit_counts();
  const v1::RosterImportCounts& c = plan.response.cadre_counts();
  plan.event.set_snapshot(snapshot);
  plan.event.set_units_created(u.created());
  plan.event.set_units_updated(u.updated());
  plan.event.set_units_deactivated(u.deactivated());
  plan.event.set_cadres_created(c.created());
  plan.event.set_cadres_updated(c.updated());
  plan.event.set_cadres_deactivated(c.deactivated());
  return plan;
}

absl::Status RosterImport::Apply(db::Transaction& tx, const Principal& caller, AuditScope& audit,
                                 const std::string& region_code, const Plan& plan) const {
  for (const auto& write : plan.units) {
    RETURN_IF_ERROR(store_.PutUnit(tx, region_code, write.id, write.resource, write.revision,
                                   write.expected_revision));
  }
  for (const auto& write : plan.cadres) {
    RETURN_IF_ERROR(store_.PutCadre(tx, region_code, write.id, write.resource, write.revision,
                                    write.expected_revision));
  }
  if (!plan.units.empty() || !plan.cadres.empty()) {
    RETURN_IF_ERROR(
        context_.deps.outbox
            ->Enqueue(tx, region_code, RegionName(region_code), caller.subject, plan.event)
            .status());
  }
  const v1::RosterImportCounts& u = plan.response.unit_counts();
  const v1::RosterImportCounts& c = plan.response.cadre_counts();
  return audit.Record(
      tx, absl::StrFormat("units +%d ~%d =%d x%d -%d; cadres +%d ~%d =%d x%d -%d", u.created(),
                          u.updated(), u.unchanged(), u.rejected(), u.deactivated(), c.created(),
                          c.updated(), c.unchanged(), c.rejected(), c.deactivated()));
}

absl::StatusOr<v1::ImportRosterResponse> RosterImport::ImportRoster(
    const Principal& caller, AuditScope& audit, const v1::ImportRosterRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("region", request.region()));
  RETURN_IF_ERROR(CheckRequest(request));
  const Checked checked = CheckRows(request, region_code);
  if (request.validate_only()) {
    ASSIGN_OR_RETURN(
        Plan plan,
        db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
          return PlanImport(tx, caller, request, region_code, checked);
        }));
    audit.NothingWritten();
    return std::move(plan.response);
  }
  return IdempotentCreate(
      *context_.deps.db, *context_.deps.idempotency, audit, request, request.request_id(),
      NoSecrets(), [&](db::Transaction& tx) -> absl::StatusOr<v1::ImportRosterResponse> {
        // One import of a region at a time: each plans against what the last one wrote.
        RETURN_IF_ERROR(db::LockKey(tx, "roster-import", region_code, ""));
        ASSIGN_OR_RETURN(Plan plan, PlanImport(tx, caller, request, region_code, checked));
        RETURN_IF_ERROR(Apply(tx, caller, audit, region_code, plan));
        return std::move(plan.response);
      });
}

}  // namespace kaoping::results
