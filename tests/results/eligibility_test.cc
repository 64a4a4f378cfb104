// Archives, eligibility and vetoes over real gRPC on SQLite and PostgreSQL,
// with concluded appraisals served by the AppraisalService gMock stub: each
// eligibility rule and its expiry, applying once, corrections, and who may
// read what (a machine client without the scope, a foreign region, a city
// grant, a cadre reading another's archive).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "tests/results/results_fixture.h"

namespace kaoping::results::testing {
namespace {

using ::testing::ElementsAre;

class EligibilityTest : public ResultsServiceTest {
 protected:
  void SetUp() override {
    ResultsServiceTest::SetUp();
    SeedRoster(kCounty, 4);
  }
  // Concludes and applies an appraisal of cadre `cadre_id`.
  v1::ApplyAppraisalResponse Conclude(const std::string& id, const std::string& cadre_id,
                                      v1::Grade grade, absl::Time when,
                                      const std::vector<std::string>& veto_leads = {}) {
    const v1::Appraisal appraisal =
        SignedAppraisal(kCounty, id, CadreName(kCounty, cadre_id), grade, when, veto_leads);
    Serve(appraisal);
    v1::ApplyAppraisalResponse response;
    EXPECT_TRUE(IsOk(Apply(AdminOf(kCounty), appraisal.name(), &response)));
    return response;
  }
  v1::Eligibility Ask(const std::string& cadre_id, const google::type::Date& as_of) {
    v1::Eligibility eligibility;
    EXPECT_TRUE(IsOk(Eligibility(Machine(kCounty, {"eligibility:read"}),
                                 CadreName(kCounty, cadre_id), as_of, &eligibility)));
    return eligibility;
  }
  static std::vector<v1::EligibilityReason::Code> Codes(const v1::Eligibility& eligibility) {
    std::vector<v1::EligibilityReason::Code> codes;
    for (const auto& reason : eligibility.reasons()) {
      codes.push_back(reason.code());
    }
    return codes;
  }
};
RESULTS_ON_BOTH_STORES(EligibilityTest);

TEST_P(EligibilityTest, AnEligibleGradeWithinTheWindowAndNoVeto) {
  const auto applied = Conclude("a-1", "c-1", v1::FAIRLY_GOOD, Cst(2026, 1, 10));
  const v1::Eligibility eligibility = Ask("c-1", Day(2026, 11, 26));
  EXPECT_TRUE(eligibility.eligible());
  EXPECT_THAT(Codes(eligibility), ElementsAre(v1::EligibilityReason::GRADE_ELIGIBLE,
                                              v1::EligibilityReason::NO_VETO_IN_FORCE));
  EXPECT_EQ(eligibility.reasons(0).resource(), applied.archive_entry().name());
  EXPECT_EQ(eligibility.latest_archive_entry(), applied.archive_entry().name());
  EXPECT_EQ(eligibility.policy_revision(), 0);
}

TEST_P(EligibilityTest, ThePolicysWindowExpiresAResult) {
  Conclude("a-1", "c-1", v1::GOOD, Cst(2025, 1, 10));
  EXPECT_TRUE(Ask("c-1", Day(2026, 1, 9)).eligible());
  const v1::Eligibility late = Ask("c-1", Day(2026, 1, 11));
  EXPECT_FALSE(late.eligible());
  EXPECT_EQ(late.reasons(0).code(), v1::EligibilityReason::NO_RECENT_RESULT);
  // Before the conclusion there was no result at all.
  EXPECT_EQ(Ask("c-1", Day(2025, 1, 9)).reasons(0).code(), v1::EligibilityReason::NO_RECENT_RESULT);
  // A longer window (a new policy revision) admits it again.
  v1::UpdatePolicyRequest update;
  update.mutable_policy()->set_name(absl::StrCat("regions/", kCounty, "/policy"));
  update.mutable_policy()->set_window_months(24);
  update.mutable_update_mask()->add_paths("window_months");
  v1::Policy policy;
  ASSERT_TRUE(IsOk(stub_->UpdatePolicy(As(AdminOf(kCounty)).get(), update, &policy)));
  EXPECT_EQ(policy.revision(), 1);
  const v1::Eligibility widened = Ask("c-1", Day(2026, 1, 11));
  EXPECT_TRUE(widened.eligible());
  EXPECT_EQ(widened.policy_revision(), 1);
}

TEST_P(EligibilityTest, APoorGradeIsNotEligibleAndProposesAHandling) {
  const auto applied = Conclude("a-1", "c-1", v1::POOR, Cst(2026, 1, 10));
  ASSERT_EQ(applied.handlings_size(), 1);
  EXPECT_EQ(applied.handlings(0).kind(), v1::ADMONISHMENT);
  EXPECT_EQ(applied.handlings(0).state(), v1::PROPOSED);
  const v1::Eligibility eligibility = Ask("c-1", Day(2026, 11, 26));
  EXPECT_FALSE(eligibility.eligible());
  EXPECT_EQ(eligibility.reasons(0).code(), v1::EligibilityReason::GRADE_NOT_ELIGIBLE);
}

TEST_P(EligibilityTest, AVetoBlocksForItsDurationThenExpires) {
  const std::string lead = absl::StrCat("regions/", kCounty, "/leads/l-1");
  const auto applied = Conclude("a-1", "c-1", v1::GOOD, Cst(2026, 1, 10), {lead});
  ASSERT_EQ(applied.vetoes_size(), 1);
  EXPECT_EQ(applied.vetoes(0).lead(), lead);
  ASSERT_EQ(applied.handlings_size(), 1);
  EXPECT_EQ(applied.handlings(0).kind(), v1::POST_ADJUSTMENT);
  const v1::Eligibility blocked = Ask("c-1", Day(2026, 11, 26));
  EXPECT_FALSE(blocked.eligible());
  EXPECT_THAT(Codes(blocked), ElementsAre(v1::EligibilityReason::GRADE_ELIGIBLE,
                                          v1::EligibilityReason::VETO_IN_FORCE));
  EXPECT_EQ(blocked.reasons(1).resource(), applied.vetoes(0).name());
  ASSERT_EQ(blocked.vetoes_in_force_size(), 1);
  // The default veto_months is 12: in force until 2027-01-10, not on it.
  EXPECT_FALSE(Ask("c-1", Day(2027, 1, 9)).eligible());
  clock_.Set(Cst(2027, 1, 10));
  Conclude("a-2", "c-1", v1::GOOD, Cst(2027, 1, 10));
  const v1::Eligibility after = Ask("c-1", Day(2027, 1, 10));
  EXPECT_TRUE(after.eligible()) << after.DebugString();
  v1::GetVetoRequest get;
  get.set_name(applied.vetoes(0).name());
  v1::Veto veto;
  ASSERT_TRUE(IsOk(stub_->GetVeto(As(AdminOf(kCounty)).get(), get, &veto)));
  EXPECT_EQ(veto.state(), v1::Veto::EXPIRED);
}

TEST_P(EligibilityTest, ACadreNotActiveIsNotEligible) {
  Conclude("a-1", "c-1", v1::GOOD, Cst(2026, 1, 10));
  v1::UpdateCadreRequest update;
  update.mutable_cadre()->set_name(CadreName(kCounty, "c-1"));
  update.mutable_cadre()->set_status(v1::Cadre::RETIRED);
  update.mutable_update_mask()->add_paths("status");
  v1::Cadre cadre;
  ASSERT_TRUE(IsOk(stub_->UpdateCadre(As(AdminOf(kCounty)).get(), update, &cadre)));
  const v1::Eligibility eligibility = Ask("c-1", Day(2026, 11, 26));
  EXPECT_FALSE(eligibility.eligible());
  EXPECT_EQ(eligibility.reasons(0).code(), v1::EligibilityReason::CADRE_NOT_ACTIVE);
  EXPECT_EQ(eligibility.cadre_status(), v1::Cadre::RETIRED);
}

TEST_P(EligibilityTest, ACorrectionSupersedesTheEntryItCorrects) {
  const auto applied = Conclude("a-1", "c-1", v1::POOR, Cst(2026, 1, 10));
  EXPECT_FALSE(Ask("c-1", Day(2026, 11, 26)).eligible());
  v1::CreateArchiveEntryRequest request;
  request.set_parent(CadreName(kCounty, "c-1") + "/archive");
  request.mutable_archive_entry()->set_supersedes(applied.archive_entry().name());
  request.mutable_archive_entry()->set_grade(v1::GOOD);
  request.mutable_archive_entry()->set_correction_reason("复核更正");
  request.set_request_id("correct-1");
  v1::ArchiveEntry correction;
  ASSERT_TRUE(IsOk(stub_->CreateArchiveEntry(As(AdminOf(kCounty)).get(), request, &correction)));
  EXPECT_EQ(correction.kind(), v1::ArchiveEntry::CORRECTION);
  EXPECT_TRUE(Ask("c-1", Day(2026, 11, 26)).eligible());
  // The old entry is still there, marked superseded; correcting it again is refused.
  v1::GetArchiveEntryRequest get;
  get.set_name(applied.archive_entry().name());
  v1::ArchiveEntry old;
  ASSERT_TRUE(IsOk(stub_->GetArchiveEntry(As(AdminOf(kCounty)).get(), get, &old)));
  EXPECT_EQ(old.superseded_by(), correction.name());
  EXPECT_EQ(old.grade(), v1::POOR);
  request.set_request_id("correct-2");
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(stub_->CreateArchiveEntry(As(AdminOf(kCounty)).get(), request, &correction),
                      grpc::StatusCode::INVALID_ARGUMENT, "supersedes"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EligibilityTest, WhatAnAppraisalWroteIsAnnouncedByThinEvents) {
  const std::string lead = absl::StrCat("regions/", kCounty, "/leads/l-1");
  const auto applied = Conclude("a-1", "c-1", v1::POOR, Cst(2026, 1, 10), {lead});
  std::vector<std::string> types;
  absl::StatusOr<std::vector<std::string>> rows = db::RunInTransaction(
      Db(), db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<std::string>> {
        ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT event_type FROM outbox"
                                                 " ORDER BY created_micros, region_code, seq"));
        std::vector<std::string> out;
        for (const db::Row& row : rows) {
          out.push_back(row[0].AsText());
        }
        return out;
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  // The roster's import, then the entry, the veto, and the two handlings
  // (the veto's and the grade's), in the order they were written.
  EXPECT_THAT(*rows, ElementsAre("kaoping.v1.RosterImported", "kaoping.v1.ArchiveEntryAdded",
                                 "kaoping.v1.VetoImposed", "kaoping.v1.HandlingProposed",
                                 "kaoping.v1.HandlingProposed"));
  EXPECT_EQ(applied.handlings_size(), 2);
}

TEST_P(EligibilityTest, AnAppraisalAppliedAgainWritesNothing) {
  const auto first = Conclude("a-1", "c-1", v1::POOR, Cst(2026, 1, 10));
  EXPECT_FALSE(first.already_applied());
  const std::string before = Footprint();
  v1::ApplyAppraisalResponse again;
  ASSERT_TRUE(IsOk(Apply(AdminOf(kCounty), first.archive_entry().appraisal(), &again)));
  EXPECT_TRUE(again.already_applied());
  EXPECT_EQ(again.archive_entry().name(), first.archive_entry().name());
  EXPECT_EQ(again.handlings_size(), 1);
  EXPECT_EQ(Footprint(), before);
  EXPECT_EQ(CountRows("archive_entries"), 1);
}

TEST_P(EligibilityTest, AnAppraisalThatDoesNotVerifyIsNotArchived) {
  v1::Appraisal appraisal =
      SignedAppraisal(kCounty, "a-1", CadreName(kCounty, "c-1"), v1::GOOD, Cst(2026, 1, 10));
  appraisal.mutable_content()->set_grade(v1::POOR);  // not what was signed
  Serve(appraisal);
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Apply(AdminOf(kCounty), appraisal.name()),
                      grpc::StatusCode::FAILED_PRECONDITION, "signed grade"));
  v1::Appraisal forged =
      SignedAppraisal(kCounty, "a-2", CadreName(kCounty, "c-1"), v1::GOOD, Cst(2026, 1, 10));
  forged.mutable_signatures(1)->set_signature(std::string(64, 'x'));
  Serve(forged);
  EXPECT_TRUE(HasCode(Apply(AdminOf(kCounty), forged.name()), grpc::StatusCode::FAILED_PRECONDITION,
                      "does not verify"));
  EXPECT_TRUE(HasCode(Apply(AdminOf(kCounty), absl::StrCat("regions/", kCounty, "/appraisals/x")),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EligibilityTest, BatchAnswersEachCadreInOrder) {
  Conclude("a-1", "c-1", v1::GOOD, Cst(2026, 1, 10));
  v1::BatchGetEligibilityRequest request;
  request.set_parent(absl::StrCat("regions/", kCounty));
  request.add_cadres(CadreName(kCounty, "c-1"));
  request.add_cadres(CadreName(kCounty, "nobody"));
  request.add_cadres(CadreName(kCounty, "c-2"));
  v1::BatchGetEligibilityResponse response;
  ASSERT_TRUE(IsOk(stub_->BatchGetEligibility(As(Machine(kCounty, {"eligibility:read"})).get(),
                                              request, &response)));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_TRUE(response.results(0).eligibility().eligible());
  EXPECT_EQ(response.results(1).error().code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(response.results(1).error().message(), ::testing::HasSubstr("cadres[1]"));
  EXPECT_FALSE(response.results(2).eligibility().eligible());
  request.add_cadres(CadreName("510115", "c-1"));
  EXPECT_TRUE(HasCode(stub_->BatchGetEligibility(As(Machine(kCounty, {"eligibility:read"})).get(),
                                                 request, &response),
                      grpc::StatusCode::INVALID_ARGUMENT, "cadres[3]"));
  for (int i = 0; i < 1001; ++i) {
    request.add_cadres(CadreName(kCounty, absl::StrCat("x-", i)));
  }
  EXPECT_TRUE(HasCode(stub_->BatchGetEligibility(As(Machine(kCounty, {"eligibility:read"})).get(),
                                                 request, &response),
                      grpc::StatusCode::INVALID_ARGUMENT, "cadres"));
}

TEST_P(EligibilityTest, OnlyTheCountysOwnMachineClientsWithTheScopeRead) {
  Conclude("a-1", "c-1", v1::GOOD, Cst(2026, 1, 10));
  const std::string cadre = CadreName(kCounty, "c-1");
  EXPECT_TRUE(IsOk(Eligibility(Machine(kCounty, {"eligibility:read"}), cadre, {})));
  EXPECT_TRUE(HasCode(Eligibility(Machine(kCounty, {"archive:read"}), cadre, {}),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Eligibility(Machine("510115", {"eligibility:read"}), cadre, {}),
                      grpc::StatusCode::NOT_FOUND));
  // A city's grant reads the roster of its counties, never eligibility.
  EXPECT_TRUE(HasCode(Eligibility(Machine("5101", {"eligibility:read"}), cadre, {}),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Eligibility(AdminOf("510100"), cadre, {}), grpc::StatusCode::NOT_FOUND));
  v1::GetCadreRequest get;
  get.set_name(cadre);
  v1::Cadre profile;
  EXPECT_TRUE(IsOk(stub_->GetCadre(As(AdminOf("510100")).get(), get, &profile)));
  EXPECT_TRUE(IsOk(stub_->GetCadre(As(Machine(kCounty, {"archive:read"})).get(), get, &profile)));
}

TEST_P(EligibilityTest, ACadreReadsTheirOwnArchiveAndNoOneElses) {
  Conclude("a-1", "c-1", v1::GOOD, Cst(2026, 1, 10));
  Conclude("a-2", "c-2", v1::GOOD, Cst(2026, 1, 10));
  v1::ListArchiveEntriesRequest own;
  own.set_parent(CadreName(kCounty, "c-1") + "/archive");
  own.set_view(v1::FULL);
  v1::ListArchiveEntriesResponse entries;
  ASSERT_TRUE(IsOk(stub_->ListArchiveEntries(As(CadreWho("c-1")).get(), own, &entries)));
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).grade(), v1::GOOD);
  v1::ListArchiveEntriesRequest other = own;
  other.set_parent(CadreName(kCounty, "c-2") + "/archive");
  EXPECT_TRUE(HasCode(stub_->ListArchiveEntries(As(CadreWho("c-1")).get(), other, &entries),
                      grpc::StatusCode::NOT_FOUND));
  v1::GetArchiveRequest archive;
  archive.set_name(CadreName(kCounty, "c-2") + "/archive");
  v1::Archive header;
  EXPECT_TRUE(HasCode(stub_->GetArchive(As(CadreWho("c-1")).get(), archive, &header),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(Eligibility(CadreWho("c-1"), CadreName(kCounty, "c-2"), {}),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(IsOk(Eligibility(CadreWho("c-1"), CadreName(kCounty, "c-1"), {})));
}

}  // namespace
}  // namespace kaoping::results::testing
