#include "services/results/roster.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"
#include "services/results/field_checks.h"
#include "services/results/results_policy.h"
#include "services/results/roster_rows.h"

namespace kaoping::results {
namespace {

constexpr int kMaxBatch = 1000;
constexpr size_t kMaxQuery = 50;

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

std::string EnumFilter(const google::protobuf::EnumDescriptor& type, int value) {
  return value == 0 ? "" : type.FindValueByNumber(value)->name();
}

std::string SortedPaths(const absl::flat_hash_set<std::string>& paths) {
  std::vector<std::string> sorted(paths.begin(), paths.end());
  std::sort(sorted.begin(), sorted.end());
  return absl::StrCat("paths=", absl::StrJoin(sorted, ","));
}

}  // namespace

absl::StatusOr<v1::Unit> Roster::Counted(db::Transaction& tx, const std::string& region_code,
                                         v1::Unit unit) const {
  const std::string id(LastSegment(unit.name()));
  ASSIGN_OR_RETURN(auto counts, store_.ActiveCadreCounts(tx, region_code, {id}));
  unit.set_cadre_count(counts[id]);
  return unit;
}

absl::StatusOr<v1::Unit> Roster::GetUnit(const Principal&, AuditScope&,
                                         const v1::GetUnitRequest& request) {
  ASSIGN_OR_RETURN(const UnitKey key, ParseUnitName("name", request.name()));
  return db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly,
                              [&](db::Transaction& tx) -> absl::StatusOr<v1::Unit> {
                                ASSIGN_OR_RETURN(auto unit,
                                                 store_.FindUnit(tx, key.region_code, key.unit_id));
                                if (!unit.has_value()) {
                                  return NotFound(request.name());
                                }
                                return Counted(tx, key.region_code, std::move(unit->resource));
                              });
}

absl::StatusOr<v1::ListUnitsResponse> Roster::ListUnits(const Principal&, AuditScope&,
                                                        const v1::ListUnitsRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(CheckEnum("sector", request.sector(), false));
  RETURN_IF_ERROR(CheckEnum("state", request.state(), false));
  const std::string sector = EnumFilter(*v1::Sector_descriptor(), request.sector());
  const std::string state = EnumFilter(*v1::Unit::State_descriptor(), request.state());
  const std::string fingerprint = absl::StrCat(request.parent(), "|", sector, "|", state);
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const std::vector<std::string> after, SplitKey(page.after_key, 2));
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::ListUnitsResponse> {
        ASSIGN_OR_RETURN(auto rows,
                         store_.ListUnits(tx, region_code, sector, state, after, page.limit + 1));
        std::vector<v1::Unit> units;
        std::vector<std::string> ids;
        for (auto& row : rows) {
          ids.emplace_back(LastSegment(row.resource.name()));
          units.push_back(std::move(row.resource));
        }
        ASSIGN_OR_RETURN(auto counts, store_.ActiveCadreCounts(tx, region_code, ids));
        for (v1::Unit& unit : units) {
          unit.set_cadre_count(counts[LastSegment(unit.name())]);
        }
        Page<v1::Unit> cut = CutPage(std::move(units), page, fingerprint, [](const v1::Unit& u) {
          return JoinKey({u.display_name(), std::string(LastSegment(u.name()))});
        });
        v1::ListUnitsResponse response;
        response.set_next_page_token(cut.next_page_token);
        for (v1::Unit& unit : cut.items) {
          *response.add_units() = std::move(unit);
        }
        return response;
      });
}

absl::Status Roster::CheckUnitChange(db::Transaction& tx, const UnitKey& key,
                                     const v1::Unit& updated) const {
  if (!updated.parent_unit().empty()) {
    ASSIGN_OR_RETURN(const auto units, store_.AllUnits(tx, key.region_code));
    const std::string parent_id(LastSegment(updated.parent_unit()));
    if (!units.contains(parent_id)) {
      return Invalid("unit.parent_unit", absl::StrCat(updated.parent_unit(), " is not a unit"));
    }
    RETURN_IF_ERROR(CheckNoLoop(
        "unit.parent_unit", key.unit_id, parent_id, [&](const std::string& id) -> std::string {
          auto it = units.find(id);
          return it == units.end() ? ""
                                   : std::string(LastSegment(it->second.resource.parent_unit()));
        }));
  }
  if (updated.state() == v1::Unit::DISSOLVED) {
    ASSIGN_OR_RETURN(auto counts, store_.ActiveCadreCounts(tx, key.region_code, {key.unit_id}));
    if (counts[key.unit_id] > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(updated.name(), " has ", counts[key.unit_id],
                       " ACTIVE cadres; move or deactivate them before dissolving it"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Unit> Roster::UpdateUnit(const Principal& caller, AuditScope& audit,
                                            const v1::UpdateUnitRequest& request) {
  const v1::Unit& patch = request.unit();
  ASSIGN_OR_RETURN(const UnitKey key, ParseUnitName("unit.name", patch.name()));
  ASSIGN_OR_RETURN(const auto paths,
                   ResolveUpdateMask(request.update_mask(), patch, UnitInputPaths()));
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Unit> {
        ASSIGN_OR_RETURN(auto stored, store_.FindUnit(tx, key.region_code, key.unit_id));
        if (!stored.has_value()) {
          return NotFound(patch.name());
        }
        RETURN_IF_ERROR(
            CheckEtag("unit.etag", patch.etag(), stored->resource.etag(), patch.name()));
        v1::Unit updated = stored->resource;
        ApplyUpdateMask(paths, patch, updated);
        RETURN_IF_ERROR(CheckUnitRow("unit", updated, key.region_code).status());
        if (updated.state() == v1::Unit::STATE_UNSPECIFIED) {
          return Invalid("unit.state", "must be ACTIVE or DISSOLVED");
        }
        RETURN_IF_ERROR(CheckUnitChange(tx, key, updated));
        if (request.validate_only()) {
          audit.NothingWritten();
          return Counted(tx, key.region_code, std::move(updated));
        }
        Stamp(updated, stored->revision + 1, context_.deps.clock->Now(), caller.subject);
        RETURN_IF_ERROR(store_.PutUnit(tx, key.region_code, key.unit_id, updated,
                                       stored->revision + 1, stored->revision));
        RETURN_IF_ERROR(audit.Record(tx, SortedPaths(paths)));
        return Counted(tx, key.region_code, std::move(updated));
      });
}

absl::StatusOr<v1::Cadre> Roster::GetCadre(const Principal& caller, AuditScope&,
                                           const v1::GetCadreRequest& request) {
  ASSIGN_OR_RETURN(const CadreKey key, ParseCadreName("name", request.name()));
  if (!CadreMayRead(kCadreReaders, caller, request.name())) {
    return NotFound(request.name());
  }
  ASSIGN_OR_RETURN(
      auto cadre,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.FindCadre(tx, key.region_code, key.cadre_id);
      }));
  if (!cadre.has_value()) {
    return NotFound(request.name());
  }
  return std::move(cadre->resource);
}

absl::StatusOr<v1::ListCadresResponse> Roster::ListCadres(const Principal&, AuditScope&,
                                                          const v1::ListCadresRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  CadreFilter filter;
  if (!request.unit().empty()) {
    ASSIGN_OR_RETURN(const UnitKey unit,
                     ParseUnitName("unit", request.unit(), InRegion(region_code)));
    filter.unit_id = unit.unit_id;
  }
  RETURN_IF_ERROR(CheckEnum("post_tier", request.post_tier(), false));
  RETURN_IF_ERROR(CheckEnum("sector", request.sector(), false));
  RETURN_IF_ERROR(CheckEnum("status", request.status(), false));
  RETURN_IF_ERROR(CheckEnum("rank", request.rank(), false));
  RETURN_IF_ERROR(CheckText("query", request.query(), kMaxQuery));
  filter.post_tier = EnumFilter(*v1::PostTier_descriptor(), request.post_tier());
  filter.sector = EnumFilter(*v1::Sector_descriptor(), request.sector());
  filter.status = EnumFilter(*v1::Cadre::Status_descriptor(), request.status());
  filter.rank = EnumFilter(*v1::CadreRank_descriptor(), request.rank());
  filter.query = request.query();
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", filter.unit_id, "|", filter.post_tier, "|", filter.sector,
                   "|", filter.status, "|", filter.rank, "|", filter.query);
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const std::vector<std::string> after, SplitKey(page.after_key, 3));
  ASSIGN_OR_RETURN(
      auto rows,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.ListCadres(tx, region_code, filter, after, page.limit + 1);
      }));
  std::vector<v1::Cadre> cadres;
  for (auto& row : rows) {
    cadres.push_back(std::move(row.resource));
  }
  Page<v1::Cadre> cut = CutPage(std::move(cadres), page, fingerprint, [](const v1::Cadre& c) {
    return JoinKey(
        {std::string(LastSegment(c.unit())), c.display_name(), std::string(LastSegment(c.name()))});
  });
  v1::ListCadresResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Cadre& cadre : cut.items) {
    *response.add_cadres() = std::move(cadre);
  }
  return response;
}

absl::StatusOr<v1::BatchGetCadresResponse> Roster::BatchGetCadres(
    const Principal&, AuditScope&, const v1::BatchGetCadresRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  if (request.names().empty()) {
    return Invalid("names", "at least one name");
  }
  RETURN_IF_ERROR(CheckCount("names", request.names_size(), kMaxBatch));
  std::vector<std::string> ids;
  for (int i = 0; i < request.names_size(); ++i) {
    ASSIGN_OR_RETURN(const CadreKey key, ParseCadreName(absl::StrCat("names[", i, "]"),
                                                        request.names(i), InRegion(region_code)));
    ids.push_back(key.cadre_id);
  }
  ASSIGN_OR_RETURN(auto rows, db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly,
                                                   [&](db::Transaction& tx) {
                                                     return store_.GetCadres(tx, region_code, ids);
                                                   }));
  absl::flat_hash_map<std::string, v1::Cadre> found;
  for (auto& row : rows) {
    found.emplace(row.resource.name(), std::move(row.resource));
  }
  v1::BatchGetCadresResponse response;
  for (const std::string& name : request.names()) {
    auto it = found.find(name);
    if (it == found.end()) {
      response.add_missing_names(name);
    } else {
      *response.add_cadres() = it->second;
    }
  }
  return response;
}

absl::StatusOr<v1::Unit> Roster::UnitOfCadre(db::Transaction& tx, const std::string& region_code,
                                             const v1::Cadre& cadre) const {
  ASSIGN_OR_RETURN(auto unit,
                   store_.FindUnit(tx, region_code, std::string(LastSegment(cadre.unit()))));
  if (!unit.has_value()) {
    return Invalid("cadre.unit", absl::StrCat(cadre.unit(), " is not a unit"));
  }
  return std::move(unit->resource);
}

absl::StatusOr<v1::Cadre> Roster::UpdateCadre(const Principal& caller, AuditScope& audit,
                                              const v1::UpdateCadreRequest& request) {
  const v1::Cadre& patch = request.cadre();
  ASSIGN_OR_RETURN(const CadreKey key, ParseCadreName("cadre.name", patch.name()));
  ASSIGN_OR_RETURN(const auto paths,
                   ResolveUpdateMask(request.update_mask(), patch, CadreInputPaths()));
  return db::RunInTransaction(
      *context_.deps.db, db::Access::kReadWrite,
      [&](db::Transaction& tx) -> absl::StatusOr<v1::Cadre> {
        ASSIGN_OR_RETURN(auto stored, store_.FindCadre(tx, key.region_code, key.cadre_id));
        if (!stored.has_value()) {
          return NotFound(patch.name());
        }
        RETURN_IF_ERROR(
            CheckEtag("cadre.etag", patch.etag(), stored->resource.etag(), patch.name()));
        v1::Cadre updated = stored->resource;
        ApplyUpdateMask(paths, patch, updated);
        RETURN_IF_ERROR(CheckCadreRow("cadre", updated, key.region_code).status());
        ASSIGN_OR_RETURN(const v1::Unit unit, UnitOfCadre(tx, key.region_code, updated));
        if (unit.state() == v1::Unit::DISSOLVED && updated.unit() != stored->resource.unit()) {
          return absl::FailedPreconditionError(
              absl::StrCat("cadre.unit: ", unit.name(), " is DISSOLVED"));
        }
        CadreDefaults(unit.sector(), updated);
        if (request.validate_only()) {
          audit.NothingWritten();
          return updated;
        }
        Stamp(updated, stored->revision + 1, context_.deps.clock->Now(), caller.subject);
        RETURN_IF_ERROR(store_.PutCadre(tx, key.region_code, key.cadre_id, updated,
                                        stored->revision + 1, stored->revision));
        RETURN_IF_ERROR(audit.Record(tx, SortedPaths(paths)));
        return updated;
      });
}

}  // namespace kaoping::results
