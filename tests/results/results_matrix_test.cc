// The results service's authorization as a matrix generated from its RPC
// table (tests/support/authorization_matrix.h), on SQLite and PostgreSQL:
// every RPC × every role (SYSTEM with and without its scope) × own / child /
// sibling / parent region × own / other unit; the code, and that a refused
// call wrote nothing but its audit entry. Every caller's JWT names cadre
// c-1, whose records the valid requests read, so that a CADRE's own reads
// are in the matrix too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/results/results_policy.h"
#include "tests/results/results_fixture.h"
#include "tests/support/authorization_matrix.h"

namespace kaoping::results::testing {
namespace {

using ::kaoping::testing::MatrixRpcs;
using ::kaoping::testing::MatrixSubject;

constexpr char kPrefix[] = "kaoping.v1.ResultsService/";

class ResultsMatrixTest : public ResultsServiceTest {
 protected:
  static constexpr char kCity[] = "510100";

  std::string Name(const std::string& kind, const std::string& id) {
    return absl::StrCat("regions/", kCity, "/", kind, "/", id);
  }
  // Applies a fresh appraisal of `cadre` (and its veto leads), as the city's admin.
  v1::ApplyAppraisalResponse MustApply(const std::string& id, const std::string& cadre,
                                       const std::vector<std::string>& veto_leads = {}) {
    const v1::Appraisal appraisal =
        SignedAppraisal(kCity, id, cadre, v1::GOOD, Cst(2026, 6, 1), veto_leads);
    Serve(appraisal);
    v1::ApplyAppraisalResponse response;
    EXPECT_TRUE(IsOk(Apply(AdminOf(kCity), appraisal.name(), &response))) << id;
    return response;
  }
  v1::Handling MustHandling(const std::string& cadre, v1::HandlingKind kind,
                            const std::string& request_id) {
    v1::CreateHandlingRequest request;
    request.set_parent(absl::StrCat("regions/", kCity));
    request.mutable_handling()->set_cadre(cadre);
    request.mutable_handling()->set_kind(kind);
    request.mutable_handling()->set_reason("年度考核结果运用");
    request.set_request_id(request_id);
    v1::Handling handling;
    EXPECT_TRUE(IsOk(stub_->CreateHandling(As(AdminOf(kCity)).get(), request, &handling)));
    return handling;
  }
  v1::Handling MustDecide(const v1::Handling& handling) {
    v1::DecideHandlingRequest request;
    request.set_name(handling.name());
    request.set_document_number("组发〔2026〕1号");
    v1::Handling decided;
    EXPECT_TRUE(IsOk(stub_->DecideHandling(As(AdminOf(kCity)).get(), request, &decided)));
    return decided;
  }
};
// One store per binary (RESULTS_MATRIX_POSTGRES picks PostgreSQL): each
// store's 2,160 cells are a test of their own under ctest's time limit.
#ifdef RESULTS_MATRIX_POSTGRES
INSTANTIATE_TEST_SUITE_P(Stores, ResultsMatrixTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kPostgres), StoreName);
#else
INSTANTIATE_TEST_SUITE_P(Stores, ResultsMatrixTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite), StoreName);
#endif

TEST(ResultsRpcsTest, TheTableCoversTheServiceExactlyOnce) {
  EXPECT_TRUE(ResultsRpcs().status().ok()) << ResultsRpcs().status();
}

TEST(ResultsRpcsTest, RecordsAboutAPersonNeedTheCountyItself) {
  const Policy& policy = ResultsRpcs().policy();
  for (const char* rpc : {"GetArchive", "ListArchiveEntries", "GetArchiveEntry", "ExportArchive",
                          "GetEligibility", "BatchGetEligibility", "ListVetoes", "GetVeto",
                          "GetDecision", "ListDecisions", "GetHandling", "ListHandlings"}) {
    const Rule* rule = policy.RuleOf(std::string(kPrefix) + rpc);
    ASSERT_NE(rule, nullptr) << rpc;
    EXPECT_EQ(rule->region, RegionRelation::kOwn) << rpc << ": a city grant must not read it";
    EXPECT_TRUE(rule->refuse_as_not_found) << rpc;
  }
  const Rule* eligibility = policy.RuleOf(std::string(kPrefix) + "BatchGetEligibility");
  EXPECT_EQ(eligibility->system_scope, kEligibilityReadScope);
}

TEST_P(ResultsMatrixTest, EveryRpcEveryRoleEveryRegionEveryUnit) {
  SeedRoster(kCity, 4);
  const std::string own = CadreName(kCity, "c-1");
  const std::string other = CadreName(kCity, "c-3");
  const v1::ApplyAppraisalResponse applied = MustApply("a-own", own, {Name("leads", "l-own")});
  ASSERT_EQ(applied.vetoes_size(), 1);
  const std::string entry = applied.archive_entry().name();
  const std::string veto = applied.vetoes(0).name();
  v1::CreateDecisionRequest decision_request;
  decision_request.set_parent(absl::StrCat("regions/", kCity));
  decision_request.mutable_decision()->set_cadre(own);
  decision_request.mutable_decision()->set_kind(v1::COMMENDATION);
  *decision_request.mutable_decision()->mutable_decision_date() = Day(2026, 11, 1);
  decision_request.set_request_id("decision-own");
  v1::Decision decision;
  ASSERT_TRUE(IsOk(stub_->CreateDecision(As(AdminOf(kCity)).get(), decision_request, &decision)));
  const v1::Handling referral =
      MustDecide(MustHandling(own, v1::DISCIPLINE_REFERRAL, "referral-own"));

  MatrixSubject subject;
  subject.rpcs = MatrixRpcs(ResultsRpcs());
  subject.region = kCity;
  subject.own_cadre = own;
  subject.valid_request = [&](const std::string& method, int cell) -> absl::StatusOr<std::string> {
    const std::string rpc = method.substr(std::string(kPrefix).size());
    const std::string id = absl::StrCat("m-", cell);
    const std::string region = absl::StrCat("regions/", kCity);
    const std::string archive = own + "/archive";
    if (rpc == "GetUnit") {
      v1::GetUnitRequest r;
      r.set_name(UnitName(kCity, "u-1"));
      return r.SerializeAsString();
    }
    if (rpc == "ListUnits") {
      v1::ListUnitsRequest r;
      r.set_parent(region);
      return r.SerializeAsString();
    }
    if (rpc == "UpdateUnit") {
      v1::UpdateUnitRequest r;
      r.mutable_unit()->set_name(UnitName(kCity, "u-2"));
      r.mutable_unit()->set_display_name(absl::StrCat("单位 ", id));
      r.mutable_update_mask()->add_paths("display_name");
      return r.SerializeAsString();
    }
    if (rpc == "GetCadre") {
      v1::GetCadreRequest r;
      r.set_name(own);
      return r.SerializeAsString();
    }
    if (rpc == "ListCadres") {
      v1::ListCadresRequest r;
      r.set_parent(region);
      return r.SerializeAsString();
    }
    if (rpc == "BatchGetCadres") {
      v1::BatchGetCadresRequest r;
      r.set_parent(region);
      r.add_names(own);
      return r.SerializeAsString();
    }
    if (rpc == "UpdateCadre") {
      v1::UpdateCadreRequest r;
      r.mutable_cadre()->set_name(other);
      r.mutable_cadre()->set_post_title(absl::StrCat("局长 ", id));
      r.mutable_update_mask()->add_paths("post_title");
      return r.SerializeAsString();
    }
    if (rpc == "ImportRoster") {
      v1::ImportRosterRequest r;
      r.set_region(region);
      r.set_request_id(id);
      *r.add_cadres() = CadreRow(kCity, id, "u-1");
      return r.SerializeAsString();
    }
    if (rpc == "GetArchive" || rpc == "ExportArchive") {
      v1::GetArchiveRequest r;  // ExportArchiveRequest has the same shape
      r.set_name(archive);
      return r.SerializeAsString();
    }
    if (rpc == "ListArchiveEntries") {
      v1::ListArchiveEntriesRequest r;
      r.set_parent(archive);
      return r.SerializeAsString();
    }
    if (rpc == "GetArchiveEntry") {
      v1::GetArchiveEntryRequest r;
      r.set_name(entry);
      return r.SerializeAsString();
    }
    if (rpc == "CreateArchiveEntry") {
      const v1::ApplyAppraisalResponse fresh = MustApply("a-" + id, other);
      v1::CreateArchiveEntryRequest r;
      r.set_parent(other + "/archive");
      r.mutable_archive_entry()->set_supersedes(fresh.archive_entry().name());
      r.mutable_archive_entry()->set_grade(v1::FAIRLY_GOOD);
      r.mutable_archive_entry()->set_correction_reason("复核更正");
      r.set_request_id(id);
      return r.SerializeAsString();
    }
    if (rpc == "ApplyAppraisal") {
      const v1::Appraisal appraisal =
          SignedAppraisal(kCity, "b-" + id, other, v1::GOOD, Cst(2026, 6, 1));
      Serve(appraisal);
      v1::ApplyAppraisalRequest r;
      r.set_region(region);
      r.set_appraisal(appraisal.name());
      r.set_request_id(id);
      return r.SerializeAsString();
    }
    if (rpc == "GetEligibility") {
      v1::GetEligibilityRequest r;
      r.set_name(own + "/eligibility");
      return r.SerializeAsString();
    }
    if (rpc == "BatchGetEligibility") {
      v1::BatchGetEligibilityRequest r;
      r.set_parent(region);
      r.add_cadres(own);
      return r.SerializeAsString();
    }
    if (rpc == "GetPolicy") {
      v1::GetPolicyRequest r;
      r.set_name(region + "/policy");
      return r.SerializeAsString();
    }
    if (rpc == "UpdatePolicy") {
      v1::UpdatePolicyRequest r;
      r.mutable_policy()->set_name(region + "/policy");
      r.mutable_policy()->set_handling_due_days(10 + cell % 50);
      r.mutable_update_mask()->add_paths("handling_due_days");
      return r.SerializeAsString();
    }
    if (rpc == "ListVetoes" || rpc == "ListDecisions" || rpc == "ListHandlings") {
      v1::ListVetoesRequest r;  // the same first field, parent
      r.set_parent(region);
      return r.SerializeAsString();
    }
    if (rpc == "GetVeto") {
      v1::GetVetoRequest r;
      r.set_name(veto);
      return r.SerializeAsString();
    }
    if (rpc == "CreateDecision") {
      v1::CreateDecisionRequest r = decision_request;
      r.mutable_decision()->set_cadre(other);
      r.set_request_id(id);
      return r.SerializeAsString();
    }
    if (rpc == "GetDecision") {
      v1::GetDecisionRequest r;
      r.set_name(decision.name());
      return r.SerializeAsString();
    }
    if (rpc == "CreateHandling") {
      v1::CreateHandlingRequest r;
      r.set_parent(region);
      r.mutable_handling()->set_cadre(other);
      r.mutable_handling()->set_kind(v1::REMINDER_TALK);
      r.mutable_handling()->set_reason("提醒谈话");
      r.set_request_id(id);
      return r.SerializeAsString();
    }
    if (rpc == "GetHandling") {
      v1::GetHandlingRequest r;
      r.set_name(referral.name());
      return r.SerializeAsString();
    }
    if (rpc == "DecideHandling") {
      v1::DecideHandlingRequest r;
      r.set_name(MustHandling(other, v1::CRITICISM, "h-" + id).name());
      return r.SerializeAsString();
    }
    if (rpc == "CarryOutHandling") {
      v1::CarryOutHandlingRequest r;
      r.set_name(MustDecide(MustHandling(other, v1::CRITICISM, "h-" + id)).name());
      return r.SerializeAsString();
    }
    if (rpc == "DismissHandling") {
      v1::DismissHandlingRequest r;
      r.set_name(MustHandling(other, v1::CRITICISM, "h-" + id).name());
      r.set_reason("复核后不再需要");
      return r.SerializeAsString();
    }
    if (rpc == "GetUsageStatistics") {
      v1::GetUsageStatisticsRequest r;
      r.set_name(region + "/usageStatistics");
      return r.SerializeAsString();
    }
    return absl::NotFoundError(absl::StrCat("no request for ", method));
  };
  int cells = 0;
  const std::vector<std::string> failures =
      ::kaoping::testing::RunAuthorizationMatrix(*harness_, subject, &cells);
  EXPECT_EQ(cells, 30 * 9 * 4 * 2);
  EXPECT_TRUE(failures.empty()) << failures.size() << " cells failed:\n"
                                << absl::StrJoin(failures, "\n");
}

}  // namespace
}  // namespace kaoping::results::testing
