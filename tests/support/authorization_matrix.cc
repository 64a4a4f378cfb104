#include "tests/support/authorization_matrix.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/common/client/generic_call.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"

namespace kaoping::testing {
namespace {

constexpr Placement kPlacements[] = {Placement::kOwn, Placement::kChild, Placement::kSibling,
                                     Placement::kParent};
constexpr UnitPlacement kUnits[] = {UnitPlacement::kOwnUnit, UnitPlacement::kOtherUnit};

absl::string_view PlacementName(Placement p) {
  switch (p) {
    case Placement::kOwn:
      return "own";
    case Placement::kChild:
      return "child";
    case Placement::kSibling:
      return "sibling";
    case Placement::kParent:
      return "parent";
  }
  return "?";
}

// The caller's region for a placement relative to a city XXYY00.
std::string CallerRegion(const std::string& city, Placement placement) {
  const int yy = std::stoi(city.substr(2, 2));
  switch (placement) {
    case Placement::kOwn:
      return city;
    case Placement::kChild:
      return absl::StrCat(city.substr(0, 4), "14");
    case Placement::kSibling:
      return absl::StrFormat("%s%02d00", city.substr(0, 2), yy < 99 ? yy + 1 : yy - 1);
    case Placement::kParent:
      return absl::StrCat(city.substr(0, 2), "0000");
  }
  return city;
}

std::vector<MatrixCaller> Callers() {
  std::vector<MatrixCaller> callers;
  for (Placement placement : kPlacements) {
    for (UnitPlacement unit : kUnits) {
      for (Role role : kAllRoles) {
        callers.push_back({role, false, placement, unit});
        if (role == Role::kSystem) {
          callers.push_back({role, true, placement, unit});
        }
      }
    }
  }
  return callers;
}

std::string CellName(const MatrixRpc& rpc, const MatrixCaller& caller) {
  return absl::StrCat(rpc.method, " as ", RoleName(caller.role),
                      caller.role == Role::kSystem ? (caller.with_scope ? "+scope" : "-scope") : "",
                      " of the ", PlacementName(caller.placement), " region, ",
                      caller.unit == UnitPlacement::kOwnUnit ? "own" : "other", " unit");
}

std::string ValueText(const db::Value& v) {
  if (v.is_null()) {
    return "NULL";
  }
  if (v.is_int()) {
    return absl::StrCat(v.AsInt());
  }
  if (v.is_double()) {
    return absl::StrCat(v.AsDouble());
  }
  return absl::StrCat(v.AsText().size(), ":", v.AsText());
}

}  // namespace

ExpectedOutcome Expect(const MatrixRpc& rpc, const MatrixCaller& caller) {
  const Rule& rule = rpc.rule;
  const bool covers = caller.placement == Placement::kOwn || caller.placement == Placement::kParent;
  const bool regional = rule.region != RegionRelation::kNone;
  bool region_ok = true;
  if (rule.region == RegionRelation::kOwn) {
    region_ok = caller.placement == Placement::kOwn;
  } else if (rule.region == RegionRelation::kCovers) {
    region_ok = covers;
  } else if (rule.region == RegionRelation::kCoversOrWithin) {
    region_ok = covers || caller.placement == Placement::kChild;
  }
  if (!region_ok) {
    // Audited when the caller's regions cover the resource's (a city grant
    // refused a county's individual record), logged otherwise.
    return {absl::StatusCode::kNotFound, regional && covers};
  }
  bool role_ok = false;
  if (caller.role == Role::kSystem) {
    role_ok = caller.with_scope && !rule.system_scope.empty();
  } else {
    role_ok = rule.roles.contains(caller.role) && (!rule.own_unit_roles.contains(caller.role) ||
                                                   caller.unit == UnitPlacement::kOwnUnit);
  }
  if (!role_ok) {
    return {rule.refuse_as_not_found ? absl::StatusCode::kNotFound
                                     : absl::StatusCode::kPermissionDenied,
            regional && covers};
  }
  return {absl::StatusCode::kOk, regional && rpc.kind != CallKind::kRead};
}

ServiceHarness::Who WhoIs(const MatrixSubject& subject, const MatrixRpc& rpc,
                          const MatrixCaller& caller) {
  ServiceHarness::Who who;
  who.subject = absl::StrCat("matrix-", RoleName(caller.role), caller.with_scope ? "-scoped" : "",
                             "-", PlacementName(caller.placement));
  who.roles = {std::string(RoleName(caller.role))};
  who.regions = {CallerRegion(subject.region, caller.placement)};
  who.unit = caller.unit == UnitPlacement::kOwnUnit ? subject.own_unit : subject.other_unit;
  who.cadre = subject.own_cadre;
  if (caller.with_scope) {
    who.scopes = {rpc.rule.system_scope.empty() ? std::string("unrelated:read")
                                                : std::string(rpc.rule.system_scope)};
  }
  return who;
}

absl::StatusOr<std::string> StoreFootprint(db::Database& db) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(
            db::Rows tables,
            tx.Query(db.dialect() == db::Dialect::kSqlite
                         ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                         : "SELECT table_name FROM information_schema.tables"
                           " WHERE table_schema = current_schema() ORDER BY table_name"));
        std::string out;
        for (const db::Row& table : tables) {
          const std::string& name = table[0].AsText();
          if (name == "audit_log" || name == "audit_head" || name == "schema_migrations") {
            continue;
          }
          ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT * FROM ", name)));
          std::vector<std::string> lines;
          for (const db::Row& row : rows) {
            std::vector<std::string> values;
            for (const db::Value& v : row) {
              values.push_back(ValueText(v));
            }
            lines.push_back(absl::StrJoin(values, "|"));
          }
          std::sort(lines.begin(), lines.end());
          absl::StrAppend(&out, name, ":\n", absl::StrJoin(lines, "\n"), "\n");
        }
        return out;
      });
}

absl::StatusOr<int64_t> AuditEntries(db::Database& db, const std::string& region_code) {
  return db::RunInTransaction(
      db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(db::Row row,
                         tx.QueryOne(region_code.empty() ? "SELECT COUNT(*) FROM audit_log"
                                                         : "SELECT COUNT(*) FROM audit_log"
                                                           " WHERE region_code = $1",
                                     region_code.empty() ? db::Params{} : db::Params{region_code}));
        return row[0].AsInt();
      });
}

std::vector<std::string> RunAuthorizationMatrix(ServiceHarness& harness,
                                                const MatrixSubject& subject, int* cells) {
  std::vector<std::string> failures;
  db::Database& db = harness.runtime().db();
  int cell = 0;
  auto fail = [&](const std::string& what) { failures.push_back(what); };
  for (const MatrixRpc& rpc : subject.rpcs) {
    for (const MatrixCaller& caller : Callers()) {
      ++cell;
      const std::string name = CellName(rpc, caller);
      const ExpectedOutcome expected = Expect(rpc, caller);
      absl::StatusOr<std::string> request = subject.valid_request(rpc.method, cell);
      if (!request.ok()) {
        fail(absl::StrCat(name, ": no request: ", request.status().ToString()));
        continue;
      }
      const bool refused = expected.code != absl::StatusCode::kOk;
      absl::StatusOr<std::string> before =
          refused ? StoreFootprint(db) : absl::StatusOr<std::string>("");
      absl::StatusOr<int64_t> audit_before = AuditEntries(db, "");
      absl::StatusOr<int64_t> region_before = AuditEntries(db, subject.region);
      const std::string token = harness.Token(WhoIs(subject, rpc, caller));
      absl::StatusOr<std::string> answer =
          CallRaw(*harness.channel(), absl::StrCat("/", rpc.method), *request,
                  {{"authorization", absl::StrCat("Bearer ", token)}}, absl::Seconds(30));
      if (answer.status().code() != expected.code) {
        fail(absl::StrCat(name, ": got ", answer.status().ToString(), ", want ",
                          absl::StatusCodeToString(expected.code)));
      }
      absl::StatusOr<std::string> after =
          refused ? StoreFootprint(db) : absl::StatusOr<std::string>("");
      absl::StatusOr<int64_t> audit_after = AuditEntries(db, "");
      absl::StatusOr<int64_t> region_after = AuditEntries(db, subject.region);
      if (!before.ok() || !after.ok() || !audit_before.ok() || !audit_after.ok() ||
          !region_before.ok() || !region_after.ok()) {
        fail(absl::StrCat(name, ": cannot read the store"));
        continue;
      }
      if (refused && *before != *after) {
        fail(absl::StrCat(name, ": a refused call wrote to the store"));
      }
      const int64_t want = expected.audited ? 1 : 0;
      if (*audit_after - *audit_before != want || *region_after - *region_before != want) {
        fail(absl::StrCat(name, ": ", *audit_after - *audit_before, " audit entries (",
                          *region_after - *region_before, " in region ", subject.region, "), want ",
                          want));
      }
    }
  }
  if (cells != nullptr) {
    *cells = cell;
  }
  return failures;
}

}  // namespace kaoping::testing
