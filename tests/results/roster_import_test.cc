// ImportRoster over real gRPC on SQLite and PostgreSQL: row-by-row answers,
// the dry run, idempotent re-import, the mass-deactivation guard, and
// refusals that write nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/results/results_fixture.h"

namespace kaoping::results::testing {
namespace {

class RosterImportTest : public ResultsServiceTest {
 protected:
  v1::ImportRosterRequest Request(const std::string& request_id) {
    v1::ImportRosterRequest request;
    request.set_region(absl::StrCat("regions/", kCounty));
    request.set_request_id(request_id);
    return request;
  }
};
RESULTS_ON_BOTH_STORES(RosterImportTest);

TEST_P(RosterImportTest, BadRowsAreRejectedByFieldAndTheRestIsImported) {
  v1::ImportRosterRequest request = Request("push-1");
  *request.add_units() = UnitRow(kCounty, "u-1");
  *request.add_cadres() = CadreRow(kCounty, "c-1", "u-1");
  *request.add_cadres() = CadreRow(kCounty, "c-2", "u-9");                 // unknown unit
  *request.add_cadres() = CadreRow(kCounty, "c-1", "u-1");                 // duplicate of cadres[0]
  *request.add_cadres() = CadreRow(kCounty, "11010519491231002X", "u-1");  // a resident ID
  v1::Cadre nameless = CadreRow(kCounty, "c-5", "u-1");
  nameless.clear_display_name();
  *request.add_cadres() = nameless;
  *request.add_cadres() = CadreRow("510115", "c-6", "u-1");  // another county
  v1::ImportRosterResponse response;
  ASSERT_TRUE(IsOk(Import(AdminOf(kCounty), request, &response)));
  ASSERT_EQ(response.cadre_results_size(), 6);
  EXPECT_EQ(response.cadre_results(0).status().code(), 0);
  EXPECT_EQ(response.cadre_results(0).name(), CadreName(kCounty, "c-1"));
  const char* fields[] = {"",
                          "cadres[1].unit",
                          "cadres[2].name",
                          "cadres[3].name",
                          "cadres[4].display_name",
                          "cadres[5].name"};
  for (int i = 1; i < 6; ++i) {
    const auto& status = response.cadre_results(i).status();
    EXPECT_EQ(status.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT)) << i;
    EXPECT_THAT(status.message(), ::testing::HasSubstr(fields[i])) << i;
    EXPECT_EQ(response.cadre_results(i).index(), i);
  }
  EXPECT_EQ(response.cadre_counts().created(), 1);
  EXPECT_EQ(response.cadre_counts().rejected(), 5);
  EXPECT_EQ(response.unit_counts().created(), 1);
  EXPECT_EQ(CountRows("cadres"), 1);
}

TEST_P(RosterImportTest, ADryRunAnswersAndWritesNothing) {
  SeedRoster(kCounty, 2);
  const std::string before = Footprint();
  v1::ImportRosterRequest request = Request("");
  request.set_validate_only(true);
  *request.add_cadres() = CadreRow(kCounty, "c-3", "u-1");
  *request.add_cadres() = CadreRow(kCounty, "c-4", "u-nowhere");
  v1::ImportRosterResponse response;
  ASSERT_TRUE(IsOk(Import(AdminOf(kCounty), request, &response)));
  EXPECT_EQ(response.cadre_counts().created(), 1);
  EXPECT_EQ(response.cadre_counts().rejected(), 1);
  EXPECT_EQ(Footprint(), before);
}

TEST_P(RosterImportTest, ThePushIsIdempotent) {
  SeedRoster(kCounty, 3);
  v1::ImportRosterRequest request = Request("push-2");
  v1::Cadre moved = CadreRow(kCounty, "c-1", "u-2");
  *request.add_cadres() = moved;
  *request.add_cadres() = CadreRow(kCounty, "c-2", "u-2");  // as stored
  v1::ImportRosterResponse first;
  ASSERT_TRUE(IsOk(Import(Machine(kCounty, {"roster:write"}), request, &first)));
  EXPECT_EQ(first.cadre_counts().updated(), 1);
  EXPECT_EQ(first.cadre_counts().unchanged(), 1);
  const std::string after_first = Footprint();
  // The same request_id: the first answer, nothing written.
  v1::ImportRosterResponse again;
  ASSERT_TRUE(IsOk(Import(Machine(kCounty, {"roster:write"}), request, &again)));
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Footprint(), after_first);
  // The same rows under a new request_id: all unchanged.
  request.set_request_id("push-3");
  v1::ImportRosterResponse repeated;
  ASSERT_TRUE(IsOk(Import(Machine(kCounty, {"roster:write"}), request, &repeated)));
  EXPECT_EQ(repeated.cadre_counts().unchanged(), 2);
  EXPECT_EQ(repeated.cadre_counts().updated(), 0);
}

TEST_P(RosterImportTest, ATruncatedSnapshotDoesNotEmptyTheRoster) {
  SeedRoster(kCounty, 10);
  v1::ImportRosterRequest request = Request("snapshot-1");
  request.set_mode(v1::ImportRosterRequest::SNAPSHOT);
  *request.add_units() = UnitRow(kCounty, "u-1");
  *request.add_units() = UnitRow(kCounty, "u-2");
  for (int i = 1; i <= 7; ++i) {  // three of ten left out: 30%
    *request.add_cadres() = CadreRow(kCounty, absl::StrCat("c-", i), i % 2 == 1 ? "u-1" : "u-2");
  }
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Import(AdminOf(kCounty), request), grpc::StatusCode::FAILED_PRECONDITION,
                      "allow_mass_deactivation"));
  EXPECT_EQ(Footprint(), before);

  request.set_allow_mass_deactivation(true);
  v1::ImportRosterResponse response;
  ASSERT_TRUE(IsOk(Import(AdminOf(kCounty), request, &response)));
  EXPECT_EQ(response.cadre_counts().deactivated(), 3);
  v1::GetCadreRequest get;
  get.set_name(CadreName(kCounty, "c-9"));
  v1::Cadre cadre;
  ASSERT_TRUE(IsOk(stub_->GetCadre(As(AdminOf(kCounty)).get(), get, &cadre)));
  EXPECT_EQ(cadre.status(), v1::Cadre::INACTIVE);
}

TEST_P(RosterImportTest, RefusalsWriteNothing) {
  SeedRoster(kCounty, 2);
  const std::string before = Footprint();
  v1::ImportRosterRequest no_id = Request("");
  *no_id.add_cadres() = CadreRow(kCounty, "c-3", "u-1");
  EXPECT_TRUE(
      HasCode(Import(AdminOf(kCounty), no_id), grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
  v1::ImportRosterRequest too_many = Request("big");
  for (int i = 0; i <= 10000; ++i) {
    *too_many.add_cadres() = CadreRow(kCounty, absl::StrCat("x-", i), "u-1");
  }
  EXPECT_TRUE(
      HasCode(Import(AdminOf(kCounty), too_many), grpc::StatusCode::INVALID_ARGUMENT, "cadres"));
  // A machine client without `roster:write`, a city admin, another county.
  v1::ImportRosterRequest push = Request("push-x");
  *push.add_cadres() = CadreRow(kCounty, "c-3", "u-1");
  EXPECT_TRUE(HasCode(Import(Machine(kCounty, {"eligibility:read"}), push),
                      grpc::StatusCode::PERMISSION_DENIED, "roster:write"));
  EXPECT_TRUE(HasCode(Import(AdminOf("510100"), push), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Import(AdminOf("510115"), push), grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(Footprint(), before);
}

}  // namespace
}  // namespace kaoping::results::testing
