// Every step of an appraisal refused when it comes out of order or carries
// bad input, on SQLite and PostgreSQL: the code, a message naming the field
// or what is missing, and nothing written. Creation's errors and replays,
// the conclusion's rules (a reason when the grade differs, POOR when
// vetoed), a change after signing, a stale summary, evaluations down.
#include "absl/strings/str_cat.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

class AppraisalStepsTest : public AppraisalServiceTest {
 protected:
  v1::WriteConclusionRequest Conclusion(const std::string& name, v1::Grade grade,
                                        const std::string& reason = "") {
    v1::WriteConclusionRequest request;
    request.set_name(name);
    request.set_grade(grade);
    request.set_reason(reason);
    return request;
  }
  v1::ConcludeAppraisalRequest ConcludeRequest(const std::string& name) {
    v1::ConcludeAppraisalRequest request;
    request.set_name(name);
    return request;
  }
};
KAOPING_APPRAISAL_STORES(AppraisalStepsTest);

TEST_P(AppraisalStepsTest, CreationRefusesBadInputNamingTheField) {
  const std::string before = Footprint();
  v1::CreateAppraisalRequest no_subject = CreateRequest(kSubject1);
  no_subject.mutable_appraisal()->clear_subject();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, no_subject),
                      grpc::StatusCode::INVALID_ARGUMENT, "appraisal.subject: required"));
  v1::CreateAppraisalRequest foreign = CreateRequest(kSubject1);
  foreign.mutable_appraisal()->set_subject("regions/510104/campaigns/2026-annual/subjects/c-1");
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, foreign),
                      grpc::StatusCode::INVALID_ARGUMENT, "appraisal.subject"));
  v1::CreateAppraisalRequest not_a_subject = CreateRequest(kSubject1);
  not_a_subject.mutable_appraisal()->set_subject("regions/510114/cadres/c-1");
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, not_a_subject),
                      grpc::StatusCode::INVALID_ARGUMENT, "appraisal.subject"));
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, CreateRequest(kSubject1, "Bad_Id")),
                      grpc::StatusCode::INVALID_ARGUMENT, "appraisal_id"));
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal,
                           CreateRequest("regions/510114/campaigns/2026-annual/subjects/nobody")),
                      grpc::StatusCode::NOT_FOUND, "appraisal.subject"));
  EXPECT_EQ(Footprint(), before) << "nothing written";
}

TEST_P(AppraisalStepsTest, CreationNeedsAnAggregatedCampaignAndOneAppraisalPerSubject) {
  const std::string scoring = "regions/510114/campaigns/2026-closed";
  evaluations_.AddCampaign(scoring, v1::Campaign::CLOSED);
  evaluations_.AddSubject(scoring + "/subjects/c-1", kCadre1, kUnit1);
  EXPECT_TRUE(
      HasCode(Call(Team(), &Stub::CreateAppraisal, CreateRequest(scoring + "/subjects/c-1")),
              grpc::StatusCode::FAILED_PRECONDITION, "AGGREGATED"));
  const v1::Appraisal first = MustCreate(kSubject1, "first");
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, CreateRequest(kSubject1, "second")),
                      grpc::StatusCode::ALREADY_EXISTS, first.name()));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalStepsTest, EvaluationsDownIsUnavailableAndWritesNothing) {
  evaluations_.SetDown(true);
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, CreateRequest(kSubject1)),
                      grpc::StatusCode::UNAVAILABLE, "evaluations"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalStepsTest, ACreationReplayedReturnsTheFirstEvenWhileEvaluationsIsDown) {
  v1::CreateAppraisalRequest request = CreateRequest(kSubject1);
  request.set_request_id("req-1");
  v1::Appraisal first;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::CreateAppraisal, request, &first)));
  const std::string after_first = Footprint();
  evaluations_.SetDown(true);
  v1::Appraisal again;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::CreateAppraisal, request, &again)));
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.signed_content(), first.signed_content());
  EXPECT_EQ(Footprint(), after_first) << "a replay writes nothing";
  EXPECT_EQ(CountRows("appraisals"), 1);
  // Another request under the same id is refused.
  v1::CreateAppraisalRequest other = CreateRequest(kSubject2);
  other.set_request_id("req-1");
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::CreateAppraisal, other),
                      grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
}

TEST_P(AppraisalStepsTest, ValidateOnlyWritesNothing) {
  v1::CreateAppraisalRequest request = CreateRequest(kSubject1, "checked");
  request.set_validate_only(true);
  const std::string before = Footprint();
  v1::Appraisal checked;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::CreateAppraisal, request, &checked)));
  EXPECT_EQ(checked.name(), "regions/510114/appraisals/checked");
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalStepsTest, SectionTextsAreCheckedAndEtagsHonoured) {
  const v1::Appraisal created = MustCreate();
  const std::string before = Footprint();
  v1::WriteSelfCheckRequest empty;
  empty.set_name(created.name());
  empty.set_text("   ");
  EXPECT_TRUE(HasCode(Call(Cadre(), &Stub::WriteSelfCheck, empty),
                      grpc::StatusCode::INVALID_ARGUMENT, "text: required"));
  v1::WritePartyOpinionRequest too_long;
  too_long.set_name(created.name());
  std::string text;
  for (int i = 0; i < 20001; ++i) {
    text += "字";
  }
  too_long.set_text(text);
  EXPECT_TRUE(HasCode(Call(PartySecretary(), &Stub::WritePartyOpinion, too_long),
                      grpc::StatusCode::INVALID_ARGUMENT, "text: at most 20000 characters"));
  v1::WriteIntegrityAppraisalRequest stale;
  stale.set_name(created.name());
  stale.set_text("廉洁鉴定");
  stale.set_etag("\"stale\"");
  EXPECT_TRUE(HasCode(Call(DisciplineSecretary(), &Stub::WriteIntegrityAppraisal, stale),
                      grpc::StatusCode::ABORTED));
  EXPECT_TRUE(HasCode(
      Call(Team(), &Stub::WriteConclusion, Conclusion(created.name(), v1::GRADE_UNSPECIFIED)),
      grpc::StatusCode::INVALID_ARGUMENT, "grade: required"));
  EXPECT_EQ(Footprint(), before);
  // The current etag is accepted.
  stale.set_etag(created.etag());
  EXPECT_TRUE(IsOk(Call(DisciplineSecretary(), &Stub::WriteIntegrityAppraisal, stale)));
}

TEST_P(AppraisalStepsTest, AGradeOtherThanProposedNeedsAReason) {
  const v1::Appraisal created = MustCreate();  // proposes FAIRLY_GOOD
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::WriteConclusion, Conclusion(created.name(), v1::GOOD)),
                      grpc::StatusCode::INVALID_ARGUMENT, "reason: required"));
  EXPECT_EQ(Footprint(), before);
  v1::Appraisal written;
  ASSERT_TRUE(
      IsOk(Call(Team(), &Stub::WriteConclusion,
                Conclusion(created.name(), v1::GOOD, "群众评价突出，考核组一致同意"), &written)));
  EXPECT_EQ(written.content().grade(), v1::GOOD);
  EXPECT_EQ(written.content().grade_reason(), "群众评价突出，考核组一致同意");
}

TEST_P(AppraisalStepsTest, AVetoedSubjectGetsPoorWhateverItsScore) {
  const std::string vetoed = "regions/510114/campaigns/2026-annual/subjects/c-9";
  evaluations_.AddSubject(vetoed, "regions/510114/cadres/c-9", kUnit1, v1::GOOD, true);
  const v1::Appraisal created = MustCreate(vetoed);
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(
      Call(Team(), &Stub::WriteConclusion, Conclusion(created.name(), v1::GOOD, "分数很高")),
      grpc::StatusCode::INVALID_ARGUMENT, "grade: must be POOR"));
  EXPECT_TRUE(HasCode(
      Call(Team(), &Stub::WriteConclusion, Conclusion(created.name(), v1::GOOD, "分数很高")),
      grpc::StatusCode::INVALID_ARGUMENT, "leads/l-c-9"));
  EXPECT_EQ(Footprint(), before);
  EXPECT_TRUE(IsOk(Call(Team(), &Stub::WriteConclusion, Conclusion(created.name(), v1::POOR))));
}

TEST_P(AppraisalStepsTest, SigningAndConcludingOutOfOrderAreRefused) {
  const v1::Appraisal created = MustCreate();
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  const std::string before = Footprint();
  // Nothing written yet: neither signing nor concluding.
  EXPECT_TRUE(HasCode(SignAs(party, created.name()), grpc::StatusCode::FAILED_PRECONDITION,
                      "self_check, party_opinion, integrity_appraisal, conclusion missing"));
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(created.name())),
                      grpc::StatusCode::FAILED_PRECONDITION, "incomplete"));
  EXPECT_EQ(Footprint(), before);
  // Complete but unsigned, then signed once: concluding names what is missing.
  MustComplete(created.name());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(created.name())),
                      grpc::StatusCode::FAILED_PRECONDITION,
                      "signature of PARTY_SECRETARY missing"));
  ASSERT_TRUE(IsOk(SignAs(party, created.name())));
  const std::string signed_once = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(created.name())),
                      grpc::StatusCode::FAILED_PRECONDITION,
                      "signature of DISCIPLINE_SECRETARY missing"));
  EXPECT_EQ(Footprint(), signed_once);
}

TEST_P(AppraisalStepsTest, AChangeAfterSigningNeedsDiscardSignaturesAndKeepsTheDiscarded) {
  const v1::Appraisal signed_ = MustSigned();
  ASSERT_EQ(signed_.signatures_size(), 2);
  const std::string before = Footprint();
  v1::WritePartyOpinionRequest change;
  change.set_name(signed_.name());
  change.set_text("党委意见（修订）");
  EXPECT_TRUE(HasCode(Call(PartySecretary(), &Stub::WritePartyOpinion, change),
                      grpc::StatusCode::FAILED_PRECONDITION, "discard_signatures"));
  EXPECT_EQ(Footprint(), before);
  change.set_discard_signatures(true);
  v1::Appraisal changed;
  ASSERT_TRUE(IsOk(Call(PartySecretary(), &Stub::WritePartyOpinion, change, &changed)));
  EXPECT_EQ(changed.signatures_size(), 0);
  ASSERT_EQ(changed.discarded_signatures_size(), 2);
  EXPECT_EQ(changed.discarded_signatures(0).signature(), signed_.signatures(0).signature());
  EXPECT_EQ(changed.content().content_revision(), signed_.content().content_revision() + 1);
  EXPECT_NE(changed.signed_content(), signed_.signed_content());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(signed_.name())),
                      grpc::StatusCode::FAILED_PRECONDITION,
                      "signature of PARTY_SECRETARY missing"));
}

TEST_P(AppraisalStepsTest, RewritingTheSameTextChangesNothingAndKeepsTheSignatures) {
  const v1::Appraisal signed_ = MustSigned();
  const std::string before = Footprint();
  v1::WriteSelfCheckRequest same;
  same.set_name(signed_.name());
  same.set_text(signed_.content().self_check());
  v1::Appraisal answer;
  ASSERT_TRUE(IsOk(Call(Cadre(), &Stub::WriteSelfCheck, same, &answer)));
  EXPECT_EQ(Footprint(), before) << "nothing changed, so nothing written and nothing invalidated";
}

TEST_P(AppraisalStepsTest, AStaleSummaryBlocksConcludingUntilRefreshedAndSignedAgain) {
  const v1::Appraisal signed_ = MustSigned();
  evaluations_.ChangeSummary(kSubject1, v1::FAIRLY_GOOD);
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(signed_.name())),
                      grpc::StatusCode::FAILED_PRECONDITION,
                      "summary revision 1 is stale (now 2): :refreshSummary, then sign again"));
  EXPECT_EQ(Footprint(), before);
  v1::RefreshAppraisalSummaryRequest refresh;
  refresh.set_name(signed_.name());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::RefreshAppraisalSummary, refresh),
                      grpc::StatusCode::FAILED_PRECONDITION, "discard_signatures"));
  refresh.set_discard_signatures(true);
  v1::Appraisal refreshed;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::RefreshAppraisalSummary, refresh, &refreshed)));
  EXPECT_EQ(refreshed.content().summary().revision(), 2);
  EXPECT_EQ(refreshed.summary_snapshot(), evaluations_.Summary(kSubject1).SerializeAsString());
  EXPECT_EQ(refreshed.signatures_size(), 0);
  EXPECT_EQ(refreshed.discarded_signatures_size(), 2);
  EXPECT_EQ(refreshed.content().grade(), v1::FAIRLY_GOOD) << "the conclusion still fits";
}

TEST_P(AppraisalStepsTest, ARefreshThatBringsAVetoClearsTheConclusion) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());
  evaluations_.ChangeSummary(kSubject1, v1::POOR, /*vetoed=*/true);
  v1::RefreshAppraisalSummaryRequest refresh;
  refresh.set_name(created.name());
  v1::Appraisal refreshed;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::RefreshAppraisalSummary, refresh, &refreshed)));
  EXPECT_EQ(refreshed.content().grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_THAT(refreshed.missing_sections(), ::testing::ElementsAre("conclusion"));
}

TEST_P(AppraisalStepsTest, ConcludingAsksEvaluationsAndIsUnavailableWhileItIsDown) {
  const v1::Appraisal signed_ = MustSigned();
  evaluations_.SetDown(true);
  const std::string before = Footprint();
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, ConcludeRequest(signed_.name())),
                      grpc::StatusCode::UNAVAILABLE, "evaluations"));
  EXPECT_EQ(Footprint(), before);
  evaluations_.SetDown(false);
  EXPECT_EQ(MustConclude(signed_.name()).state(), v1::Appraisal::CONCLUDED);
}

TEST_P(AppraisalStepsTest, NothingChangesOnceConcluded) {
  const v1::Appraisal concluded = MustConcluded();
  const std::string before = Footprint();
  v1::WriteSelfCheckRequest self_check;
  self_check.set_name(concluded.name());
  self_check.set_text("改写");
  self_check.set_discard_signatures(true);
  EXPECT_TRUE(HasCode(Call(Cadre(), &Stub::WriteSelfCheck, self_check),
                      grpc::StatusCode::FAILED_PRECONDITION, "CONCLUDED"));
  v1::RefreshAppraisalSummaryRequest refresh;
  refresh.set_name(concluded.name());
  refresh.set_discard_signatures(true);
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::RefreshAppraisalSummary, refresh),
                      grpc::StatusCode::FAILED_PRECONDITION, "CONCLUDED"));
  EXPECT_TRUE(HasCode(SignAs(*party_signer_, concluded.name()),
                      grpc::StatusCode::FAILED_PRECONDITION, "CONCLUDED"));
  v1::DeleteAppraisalRequest remove;
  remove.set_name(concluded.name());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::DeleteAppraisal, remove),
                      grpc::StatusCode::FAILED_PRECONDITION, "kept forever"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalStepsTest, ADraftIsDeletedWithItsSignatures) {
  const v1::Appraisal signed_ = MustSigned();
  v1::DeleteAppraisalRequest remove;
  remove.set_name(signed_.name());
  remove.set_etag("\"stale\"");
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::DeleteAppraisal, remove), grpc::StatusCode::ABORTED));
  remove.set_etag(signed_.etag());
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::DeleteAppraisal, remove)));
  EXPECT_EQ(CountRows("appraisals"), 0);
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::GetAppraisal, GetRequest(signed_.name())),
                      grpc::StatusCode::NOT_FOUND));
  // The subject may be appraised again.
  MustCreate(kSubject1);
}

}  // namespace
}  // namespace kaoping::appraisals::testing
