#include "services/results/roster_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/results/results_names.h"

namespace kaoping::results {
namespace {

template <typename Resource>
absl::StatusOr<Revised<Resource>> DecodeAt(const db::Row& row, size_t content, size_t revision) {
  ASSIGN_OR_RETURN(Resource resource, DecodeContent<Resource>(row[content]));
  return Revised<Resource>{std::move(resource), row[revision].AsInt()};
}

// LIKE pattern matching `text` anywhere, with \ escaping % and _.
std::string Contains(absl::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern.push_back('\\');
    }
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace

absl::StatusOr<std::optional<Revised<v1::Unit>>> RosterStore::FindUnit(
    db::Transaction& tx, const std::string& region_code, const std::string& unit_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM units"
                                           " WHERE region_code = $1 AND unit_id = $2",
                                           {region_code, unit_id}));
  if (rows.empty()) {
    return std::optional<Revised<v1::Unit>>();
  }
  ASSIGN_OR_RETURN(Revised<v1::Unit> unit, DecodeAt<v1::Unit>(rows[0], 0, 1));
  return std::optional<Revised<v1::Unit>>(std::move(unit));
}

absl::StatusOr<std::optional<Revised<v1::Cadre>>> RosterStore::FindCadre(
    db::Transaction& tx, const std::string& region_code, const std::string& cadre_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM cadres"
                                           " WHERE region_code = $1 AND cadre_id = $2",
                                           {region_code, cadre_id}));
  if (rows.empty()) {
    return std::optional<Revised<v1::Cadre>>();
  }
  ASSIGN_OR_RETURN(Revised<v1::Cadre> cadre, DecodeAt<v1::Cadre>(rows[0], 0, 1));
  return std::optional<Revised<v1::Cadre>>(std::move(cadre));
}

absl::StatusOr<absl::flat_hash_map<std::string, Revised<v1::Unit>>> RosterStore::AllUnits(
    db::Transaction& tx, const std::string& region_code) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT unit_id, content, revision FROM units"
                                           " WHERE region_code = $1",
                                           {region_code}));
  absl::flat_hash_map<std::string, Revised<v1::Unit>> units;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(Revised<v1::Unit> unit, DecodeAt<v1::Unit>(row, 1, 2));
    units.emplace(row[0].AsText(), std::move(unit));
  }
  return units;
}

absl::StatusOr<absl::flat_hash_map<std::string, Revised<v1::Cadre>>> RosterStore::AllCadres(
    db::Transaction& tx, const std::string& region_code) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT cadre_id, content, revision FROM cadres"
                                           " WHERE region_code = $1",
                                           {region_code}));
  absl::flat_hash_map<std::string, Revised<v1::Cadre>> cadres;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(Revised<v1::Cadre> cadre, DecodeAt<v1::Cadre>(row, 1, 2));
    cadres.emplace(row[0].AsText(), std::move(cadre));
  }
  return cadres;
}

absl::Status RosterStore::PutUnit(db::Transaction& tx, const std::string& region_code,
                                  const std::string& unit_id, const v1::Unit& unit,
                                  int64_t revision, int64_t expected_revision) const {
  db::Params params = {region_code,
                       unit_id,
                       unit.display_name(),
                       v1::Sector_Name(unit.sector()),
                       v1::Unit::State_Name(unit.state()),
                       revision,
                       db::Blob{unit.SerializeAsString()}};
  if (expected_revision == 0) {
    auto inserted = tx.Execute(
        "INSERT INTO units (region_code, unit_id, display_name, sector, state, revision, content)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return absl::AbortedError(
          absl::StrCat(unit.name(), " was created concurrently; read it again and retry"));
    }
    return inserted.status();
  }
  params.emplace_back(expected_revision);
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE units SET display_name = $3, sector = $4, state = $5,"
                              " revision = $6, content = $7"
                              " WHERE region_code = $1 AND unit_id = $2 AND revision = $8",
                              params));
  return ChangedOne(changed, unit.name());
}

absl::Status RosterStore::PutCadre(db::Transaction& tx, const std::string& region_code,
                                   const std::string& cadre_id, const v1::Cadre& cadre,
                                   int64_t revision, int64_t expected_revision) const {
  db::Params params = {region_code,
                       cadre_id,
                       std::string(LastSegment(cadre.unit())),
                       cadre.display_name(),
                       v1::PostTier_Name(cadre.post_tier()),
                       v1::Sector_Name(cadre.sector()),
                       v1::CadreRank_Name(cadre.rank()),
                       v1::Cadre::Status_Name(cadre.status()),
                       revision,
                       db::Blob{cadre.SerializeAsString()}};
  if (expected_revision == 0) {
    auto inserted = tx.Execute(
        "INSERT INTO cadres (region_code, cadre_id, unit_id, display_name, post_tier, sector,"
        " cadre_rank, status, revision, facts_version, content)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)",
        params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return absl::AbortedError(
          absl::StrCat(cadre.name(), " was created concurrently; read it again and retry"));
    }
    return inserted.status();
  }
  params.emplace_back(expected_revision);
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE cadres SET unit_id = $3, display_name = $4, post_tier = $5,"
                              " sector = $6, cadre_rank = $7, status = $8, revision = $9,"
                              " facts_version = facts_version + 1, content = $10"
                              " WHERE region_code = $1 AND cadre_id = $2 AND revision = $11",
                              params));
  return ChangedOne(changed, cadre.name());
}

absl::StatusOr<std::vector<Revised<v1::Unit>>> RosterStore::ListUnits(
    db::Transaction& tx, const std::string& region_code, const std::string& sector,
    const std::string& state, const std::vector<std::string>& after, int limit) const {
  db::Params params = {region_code};
  std::string sql = "SELECT content, revision FROM units WHERE region_code = $1";
  AndEquals(params, sql, "sector", sector);
  AndEquals(params, sql, "state", state);
  if (after.size() == 2) {
    params.emplace_back(after[0]);
    params.emplace_back(after[1]);
    const size_t n = params.size();
    absl::StrAppend(&sql, " AND (display_name > $", n - 1, " OR (display_name = $", n - 1,
                    " AND unit_id > $", n, "))");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY display_name, unit_id LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  return DecodeRevised<v1::Unit>(rows);
}

absl::StatusOr<std::vector<Revised<v1::Cadre>>> RosterStore::ListCadres(
    db::Transaction& tx, const std::string& region_code, const CadreFilter& filter,
    const std::vector<std::string>& after, int limit) const {
  db::Params params = {region_code};
  std::string sql = "SELECT content, revision FROM cadres WHERE region_code = $1";
  AndEquals(params, sql, "unit_id", filter.unit_id);
  AndEquals(params, sql, "post_tier", filter.post_tier);
  AndEquals(params, sql, "sector", filter.sector);
  AndEquals(params, sql, "status", filter.status);
  AndEquals(params, sql, "cadre_rank", filter.rank);
  if (!filter.query.empty()) {
    params.emplace_back(Contains(filter.query));
    absl::StrAppend(&sql, " AND display_name LIKE $", params.size(), " ESCAPE '\\'");
  }
  if (after.size() == 3) {
    for (const std::string& part : after) {
      params.emplace_back(part);
    }
    const size_t n = params.size();
    absl::StrAppend(&sql, " AND (unit_id > $", n - 2, " OR (unit_id = $", n - 2,
                    " AND (display_name > $", n - 1, " OR (display_name = $", n - 1,
                    " AND cadre_id > $", n, "))))");
  }
  params.emplace_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY unit_id, display_name, cadre_id LIMIT $", params.size());
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(sql, params));
  return DecodeRevised<v1::Cadre>(rows);
}

absl::StatusOr<std::vector<Revised<v1::Cadre>>> RosterStore::GetCadres(
    db::Transaction& tx, const std::string& region_code,
    const std::vector<std::string>& cadre_ids) const {
  db::Params params = {region_code};
  const std::string in = InList(params, cadre_ids);
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT content, revision FROM cadres"
                                                        " WHERE region_code = $1 AND cadre_id IN (",
                                                        in, ")"),
                                           params));
  return DecodeRevised<v1::Cadre>(rows);
}

absl::StatusOr<absl::flat_hash_map<std::string, int32_t>> RosterStore::ActiveCadreCounts(
    db::Transaction& tx, const std::string& region_code,
    const std::vector<std::string>& unit_ids) const {
  absl::flat_hash_map<std::string, int32_t> counts;
  if (unit_ids.empty()) {
    return counts;
  }
  db::Params params = {region_code};
  const std::string in = InList(params, unit_ids);
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT unit_id, COUNT(*) FROM cadres"
                                         " WHERE region_code = $1 AND status = 'ACTIVE'"
                                         " AND unit_id IN (",
                                         in, ") GROUP BY unit_id"),
                            params));
  for (const db::Row& row : rows) {
    counts[row[0].AsText()] = static_cast<int32_t>(row[1].AsInt());
  }
  return counts;
}

absl::Status RosterStore::TouchFacts(db::Transaction& tx, const std::string& region_code,
                                     const std::string& cadre_id) const {
  return tx
      .Execute(
          "UPDATE cadres SET facts_version = facts_version + 1"
          " WHERE region_code = $1 AND cadre_id = $2",
          {region_code, cadre_id})
      .status();
}

absl::StatusOr<RosterStore::Versions> RosterStore::FactsVersions(
    db::Transaction& tx, const std::string& region_code,
    const std::vector<std::string>& cadre_ids) const {
  db::Params params = {region_code};
  const std::string in = InList(params, cadre_ids);
  // One statement: the policy revision rides on every row, and on a row of
  // its own (cadre_id NULL) so that it arrives when no cadre matches.
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT cadre_id, facts_version FROM cadres"
                                         " WHERE region_code = $1 AND cadre_id IN (",
                                         in,
                                         ") UNION ALL SELECT NULL, revision FROM policies"
                                         " WHERE region_code = $1"),
                            params));
  Versions versions;
  for (const db::Row& row : rows) {
    if (row[0].is_null()) {
      versions.policy_revision = row[1].AsInt();
    } else {
      versions.cadres.emplace_back(row[0].AsText(), row[1].AsInt());
    }
  }
  return versions;
}

}  // namespace kaoping::results
