#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/auth/policy.h"
#include "services/common/server/rpc_table.h"
#include "tests/support/service_harness.h"

// An authorization matrix generated from a service's RPC table: every RPC ×
// every role of DESIGN.md §5 (SYSTEM with and without the RPC's scope) ×
// the caller's region own / child / sibling / parent of the resource's ×
// the caller's unit own / other. For each cell the expected outcome follows
// from the RPC's Rule alone (ExpectedOutcome, written apart from the
// runtime's Authorize); the cell is called over real gRPC and checked:
// the status code, and that a refused call wrote nothing but its audit
// entry (one in the resource's region when the caller covers it, none
// otherwise). A service's test gives only its table, a valid request per
// RPC and the fixtures those requests need.
namespace kaoping::testing {

enum class Placement { kOwn, kChild, kSibling, kParent };
enum class UnitPlacement { kOwnUnit, kOtherUnit };

struct MatrixRpc {
  std::string method;  // "kaoping.v1.IndicatorService/CreateIndicatorSet"
  CallKind kind = CallKind::kRead;
  Rule rule;
};

// The rows of a table, as the matrix needs them.
template <typename Domain>
std::vector<MatrixRpc> MatrixRpcs(const RpcTable<Domain>& table) {
  std::vector<MatrixRpc> rpcs;
  for (int i = 0; i < table.descriptor()->method_count(); ++i) {
    const std::string method = table.MethodName(i);
    rpcs.push_back({method, table.KindOf(i), *table.policy().RuleOf(method)});
  }
  return rpcs;
}

// One caller of the matrix.
struct MatrixCaller {
  Role role = Role::kRater;
  bool with_scope = false;  // SYSTEM only: holds the RPC's scope (or some scope, if it has none)
  Placement placement = Placement::kOwn;
  UnitPlacement unit = UnitPlacement::kOwnUnit;
};

struct MatrixSubject {
  std::vector<MatrixRpc> rpcs;
  // Where the resources of the valid requests live: a city, so that it has
  // both an enclosing region and regions inside it.
  std::string region = "510100";
  // The unit the resources belong to, where they belong to one.
  std::string own_unit = "regions/510100/units/u-1";
  std::string other_unit = "regions/510100/units/u-2";
  // Every caller's JWT `cadre` claim (regions/{r}/cadres/{c}), for RPCs
  // whose rule admits a CADRE to their own records: the valid requests are
  // about this cadre. Empty: no claim.
  std::string own_cadre;
  // A request for `method` (serialized) that an admitted caller's call
  // answers OK. It may prepare state first (as a privileged caller); `cell`
  // differs on every call, for fresh resources to write.
  std::function<absl::StatusOr<std::string>(const std::string& method, int cell)> valid_request;
};

struct ExpectedOutcome {
  absl::StatusCode code = absl::StatusCode::kOk;
  // One audit entry in the resource's region, else none anywhere.
  bool audited = false;
};
ExpectedOutcome Expect(const MatrixRpc& rpc, const MatrixCaller& caller);

// The token claims of a caller (subject, roles, regions, unit, scopes).
ServiceHarness::Who WhoIs(const MatrixSubject& subject, const MatrixRpc& rpc,
                          const MatrixCaller& caller);

// Runs every cell; returns one line per cell that did not behave as
// expected (empty when all did) and counts the cells run.
std::vector<std::string> RunAuthorizationMatrix(ServiceHarness& harness,
                                                const MatrixSubject& subject, int* cells = nullptr);

// Every row of every table but the audit chain's, in a canonical text: two
// equal footprints mean nothing was written.
absl::StatusOr<std::string> StoreFootprint(db::Database& db);
absl::StatusOr<int64_t> AuditEntries(db::Database& db, const std::string& region_code);

}  // namespace kaoping::testing
