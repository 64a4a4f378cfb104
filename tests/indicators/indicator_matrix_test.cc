// The indicators service's authorization as a matrix generated from its RPC
// table (tests/support/authorization_matrix.h), on SQLite and PostgreSQL:
// every RPC × every role (SYSTEM with and without `catalog:read`) × own /
// child / sibling / parent region × own / other unit; the code, and that a
// refused call wrote nothing but its audit entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "services/indicators/indicator_policy.h"
#include "services/indicators/indicator_service.h"
#include "tests/indicators/service_fixture.h"
#include "tests/support/authorization_matrix.h"

namespace kaoping::indicators::testing {
namespace {

using ::kaoping::testing::MatrixRpcs;
using ::kaoping::testing::MatrixSubject;

class IndicatorMatrixTest : public IndicatorServiceTest {};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorMatrixTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

TEST(IndicatorRpcsTest, TheTableCoversTheServiceExactlyOnce) {
  EXPECT_TRUE(IndicatorRpcs().status().ok()) << IndicatorRpcs().status();
}

TEST(IndicatorRpcsTest, OnlyRegionAdminsWriteAndMachinesReadWithTheirScope) {
  const Policy& policy = IndicatorRpcs().policy();
  for (const char* write : {"CreateIndicatorSet", "UpdateIndicatorSet", "DeleteIndicatorSet",
                            "PublishIndicatorSet", "RetireIndicatorSet"}) {
    const Rule* rule = policy.RuleOf(std::string(kServicePrefix) + write);
    ASSERT_NE(rule, nullptr) << write;
    EXPECT_EQ(rule->roles, RoleSet({Role::kRegionAdmin})) << write;
    EXPECT_TRUE(rule->system_scope.empty()) << write;
    EXPECT_EQ(rule->region, RegionRelation::kCovers) << write;
    EXPECT_FALSE(rule->refuse_as_not_found) << write << ": a reader refused a write is told why";
  }
  for (const char* read :
       {"GetIndicatorSet", "ListIndicatorSets", "ResolveCatalog", "GetDefaultCatalog"}) {
    const Rule* rule = policy.RuleOf(std::string(kServicePrefix) + read);
    ASSERT_NE(rule, nullptr) << read;
    EXPECT_EQ(rule->roles, kEveryPersonRole) << read;
    EXPECT_EQ(rule->system_scope, "catalog:read") << read;
    EXPECT_TRUE(rule->refuse_as_not_found) << read << ": a read refused is NOT_FOUND";
  }
}

TEST_P(IndicatorMatrixTest, EveryRpcEveryRoleEveryRegionEveryUnit) {
  const std::string region = "510100";
  const std::string published = MustPublished(region, "published").name();
  MatrixSubject subject;
  subject.rpcs = MatrixRpcs(IndicatorRpcs());
  subject.region = region;
  subject.valid_request = [&](const std::string& method, int cell) -> absl::StatusOr<std::string> {
    const std::string id = absl::StrCat("m-", cell);
    const std::string rpc = method.substr(std::string(kServicePrefix).size());
    if (rpc == "CreateIndicatorSet") {
      return CreateRequest(region, id).SerializeAsString();
    }
    if (rpc == "GetIndicatorSet") {
      v1::GetIndicatorSetRequest request;
      request.set_name(published);
      return request.SerializeAsString();
    }
    if (rpc == "ListIndicatorSets") {
      return ListRequest(region).SerializeAsString();
    }
    if (rpc == "UpdateIndicatorSet") {
      v1::IndicatorSet patch;
      patch.set_name(MustCreate(region, id).name());
      patch.set_display_name("renamed");
      return UpdateRequest(patch, {"display_name"}).SerializeAsString();
    }
    if (rpc == "DeleteIndicatorSet") {
      v1::DeleteIndicatorSetRequest request;
      request.set_name(MustCreate(region, id).name());
      return request.SerializeAsString();
    }
    if (rpc == "PublishIndicatorSet") {
      return PublishRequest(MustCreate(region, id).name()).SerializeAsString();
    }
    if (rpc == "RetireIndicatorSet") {
      return RetireRequest(MustPublished(region, id).name()).SerializeAsString();
    }
    if (rpc == "ResolveCatalog") {
      return ResolveRequest(region).SerializeAsString();
    }
    if (rpc == "GetDefaultCatalog") {
      return v1::GetDefaultCatalogRequest().SerializeAsString();
    }
    return absl::NotFoundError(absl::StrCat("no request for ", method));
  };
  int cells = 0;
  const std::vector<std::string> failures =
      ::kaoping::testing::RunAuthorizationMatrix(*harness_, subject, &cells);
  EXPECT_EQ(cells, 9 * 9 * 4 * 2);
  EXPECT_TRUE(failures.empty()) << failures.size() << " cells failed:\n"
                                << absl::StrJoin(failures, "\n");
}

}  // namespace
}  // namespace kaoping::indicators::testing
