// Who reads what of an appraisal (DESIGN.md §5, protos/README.md), on
// SQLite and PostgreSQL: the cadre their own, the self-check only until
// CONCLUDED (no grade, no opinions, no signatures, no filter that would
// reveal the grade); secretaries the units their claim covers; other
// cadres, units, counties, city and province grants nothing (NOT_FOUND);
// results only CONCLUDED ones; every read audited; the list's views and
// its awaiting_me filter.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

class AppraisalReadTest : public AppraisalServiceTest {
 protected:
  v1::ListAppraisalsRequest ListRequest(v1::View view = v1::VIEW_UNSPECIFIED) {
    v1::ListAppraisalsRequest request;
    request.set_parent("regions/510114");
    request.set_view(view);
    return request;
  }
  std::vector<std::string> Listed(const Who& who, const v1::ListAppraisalsRequest& request) {
    v1::ListAppraisalsResponse response;
    EXPECT_TRUE(IsOk(Call(who, &Stub::ListAppraisals, request, &response)));
    std::vector<std::string> names;
    for (const v1::Appraisal& appraisal : response.appraisals()) {
      names.push_back(appraisal.name());
    }
    return names;
  }
};
KAOPING_APPRAISAL_STORES(AppraisalReadTest);

TEST_P(AppraisalReadTest, TheCadreSeesOnlyTheirSelfCheckUntilConcluded) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());
  const v1::Appraisal draft = MustGet(created.name(), Cadre());
  EXPECT_EQ(draft.name(), created.name());
  EXPECT_EQ(draft.state(), v1::Appraisal::DRAFT);
  EXPECT_FALSE(draft.content().self_check().empty());
  EXPECT_EQ(draft.content().cadre(), kCadre1);
  EXPECT_EQ(draft.content().grade(), v1::GRADE_UNSPECIFIED) << "no grade before conclusion";
  EXPECT_TRUE(draft.content().party_opinion().empty());
  EXPECT_TRUE(draft.content().integrity_appraisal().empty());
  EXPECT_FALSE(draft.content().has_summary());
  EXPECT_TRUE(draft.signed_content().empty()) << "the signed bytes carry the grade";
  EXPECT_TRUE(draft.summary_snapshot().empty());
  EXPECT_FALSE(draft.has_party_opinion_record()) << "who wrote the opinions is not theirs yet";
  EXPECT_FALSE(draft.has_conclusion_record());
  EXPECT_EQ(draft.signatures_size(), 0);
  // Nor through the list, in either view.
  v1::ListAppraisalsResponse listed;
  ASSERT_TRUE(IsOk(Call(Cadre(), &Stub::ListAppraisals, ListRequest(v1::FULL), &listed)));
  ASSERT_EQ(listed.appraisals_size(), 1);
  EXPECT_EQ(listed.appraisals(0).content().grade(), v1::GRADE_UNSPECIFIED);
  EXPECT_TRUE(listed.appraisals(0).signed_content().empty());
  // Nor its signatures' check.
  v1::VerifyAppraisalSignaturesRequest verify;
  verify.set_name(created.name());
  EXPECT_TRUE(HasCode(Call(Cadre(), &Stub::VerifyAppraisalSignatures, verify),
                      grpc::StatusCode::PERMISSION_DENIED, "not CONCLUDED"));
}

TEST_P(AppraisalReadTest, AGradeFilterNeverRevealsADraftsGradeToTheCadre) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());  // grade FAIRLY_GOOD, not concluded
  v1::ListAppraisalsRequest by_grade = ListRequest();
  by_grade.set_grade(v1::FAIRLY_GOOD);
  EXPECT_TRUE(HasCode(Call(Cadre(), &Stub::ListAppraisals, by_grade),
                      grpc::StatusCode::PERMISSION_DENIED, "grade"));
  by_grade.set_state(v1::Appraisal::DRAFT);
  EXPECT_TRUE(HasCode(Call(Cadre(), &Stub::ListAppraisals, by_grade),
                      grpc::StatusCode::PERMISSION_DENIED, "grade"));
  by_grade.set_state(v1::Appraisal::CONCLUDED);
  EXPECT_TRUE(Listed(Cadre(), by_grade).empty()) << "the draft is not CONCLUDED";
  // The team filters by grade freely.
  by_grade.clear_state();
  EXPECT_THAT(Listed(Team(), by_grade), ::testing::ElementsAre(created.name()));
}

TEST_P(AppraisalReadTest, OnceConcludedTheCadreReadsItAll) {
  const v1::Appraisal concluded = MustConcluded();
  const v1::Appraisal read = MustGet(concluded.name(), Cadre());
  EXPECT_EQ(read.content().grade(), concluded.content().grade());
  EXPECT_EQ(read.content().party_opinion(), concluded.content().party_opinion());
  EXPECT_EQ(read.signed_content(), concluded.signed_content());
  EXPECT_EQ(read.signatures_size(), 2);
  EXPECT_TRUE(MustVerify(concluded.name(), Cadre()).complete());
  v1::ListAppraisalsRequest by_grade = ListRequest();
  by_grade.set_state(v1::Appraisal::CONCLUDED);
  by_grade.set_grade(concluded.content().grade());
  EXPECT_THAT(Listed(Cadre(), by_grade), ::testing::ElementsAre(concluded.name()));
}

TEST_P(AppraisalReadTest, OthersSeeNothingAndLearnNothing) {
  const v1::Appraisal concluded = MustConcluded();
  const std::string draft = MustCreate(kSubject2).name();  // unit u-2, cadre c-2
  const Who others[] = {
      Cadre(kCadre2),                                        // another cadre
      PartySecretary(kUnit2),                                // another unit's secretary
      DisciplineSecretary(""),                               // a claim covering no unit
      Person("city-admin", "REGION_ADMIN", "5101"),          // the city
      Person("province-auditor", "AUDITOR", "51"),           // the province
      Person("other-team", "ASSESSMENT_TEAM", "510104"),     // another county
      Person("rater-1", "RATER", kCounty, kUnit1, kCadre1),  // not a reader at all
  };
  for (const Who& who : others) {
    SCOPED_TRACE(who.subject);
    EXPECT_TRUE(HasCode(Call(who, &Stub::GetAppraisal, GetRequest(concluded.name())),
                        grpc::StatusCode::NOT_FOUND));
    v1::VerifyAppraisalSignaturesRequest verify;
    verify.set_name(concluded.name());
    EXPECT_TRUE(
        HasCode(Call(who, &Stub::VerifyAppraisalSignatures, verify), grpc::StatusCode::NOT_FOUND));
  }
  // Lists hold only what the caller reaches.
  EXPECT_THAT(Listed(Cadre(kCadre2), ListRequest()), ::testing::ElementsAre(draft));
  EXPECT_THAT(Listed(PartySecretary(kUnit2), ListRequest()), ::testing::ElementsAre(draft));
  EXPECT_TRUE(Listed(DisciplineSecretary(""), ListRequest()).empty());
  EXPECT_EQ(Listed(PartySecretary("*"), ListRequest()).size(), 2u);
  // Results reads CONCLUDED appraisals only; a SYSTEM caller without the scope none.
  EXPECT_TRUE(HasCode(Call(Results(), &Stub::GetAppraisal, GetRequest(draft)),
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Listed(Results(), ListRequest()), ::testing::ElementsAre(concluded.name()));
  Who unscoped = Results();
  unscoped.scopes = {"catalog:read"};
  EXPECT_TRUE(HasCode(Call(unscoped, &Stub::GetAppraisal, GetRequest(concluded.name())),
                      grpc::StatusCode::NOT_FOUND));
}

TEST_P(AppraisalReadTest, NobodyActsOnTheirOwnAppraisalInAnotherCapacity) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());
  // The township's party secretary is also the cadre appraised (回避).
  Who secretary_and_cadre = PartySecretary("*");
  secretary_and_cadre.roles = {"PARTY_SECRETARY", "CADRE"};
  secretary_and_cadre.cadre = kCadre1;
  const v1::Appraisal read = MustGet(created.name(), secretary_and_cadre);
  EXPECT_EQ(read.content().grade(), v1::GRADE_UNSPECIFIED) << "read as the cadre only";
  EXPECT_TRUE(read.content().party_opinion().empty());
  v1::ListAppraisalsRequest by_grade = ListRequest();
  by_grade.set_grade(v1::FAIRLY_GOOD);
  EXPECT_TRUE(HasCode(Call(secretary_and_cadre, &Stub::ListAppraisals, by_grade),
                      grpc::StatusCode::PERMISSION_DENIED, "grade"));
  const Signer own =
      MustRegister(secretary_and_cadre, v1::AppraisalSignature::PARTY_SECRETARY, "*");
  const std::string before = Footprint();
  v1::WritePartyOpinionRequest opinion;
  opinion.set_name(created.name());
  opinion.set_text("自己写自己的党委意见");
  EXPECT_TRUE(HasCode(Call(secretary_and_cadre, &Stub::WritePartyOpinion, opinion),
                      grpc::StatusCode::PERMISSION_DENIED, "your own appraisal"));
  EXPECT_TRUE(HasCode(SignAs(own, created.name()), grpc::StatusCode::PERMISSION_DENIED,
                      "your own appraisal"));
  // Without the CADRE role, their own appraisal is not among what they list.
  Who secretary_only = secretary_and_cadre;
  secretary_only.roles = {"PARTY_SECRETARY"};
  EXPECT_TRUE(Listed(secretary_only, ListRequest()).empty());
  EXPECT_EQ(Footprint(), before);
}

TEST_P(AppraisalReadTest, EveryReadIsAudited) {
  const v1::Appraisal created = MustCreate();
  const size_t before = AuditRows().size();
  MustGet(created.name(), Auditor());
  Listed(PartySecretary(), ListRequest());
  v1::GetSigningPayloadRequest payload;
  payload.set_name(created.name() + "/signingPayload");
  ASSERT_TRUE(IsOk(Call(DisciplineSecretary(), &Stub::GetSigningPayload, payload)));
  MustVerify(created.name(), Team());
  // A refused read is audited too (the caller is of the county).
  EXPECT_TRUE(HasCode(Call(Cadre(kCadre2), &Stub::GetAppraisal, GetRequest(created.name())),
                      grpc::StatusCode::NOT_FOUND));
  const std::vector<AuditRow> rows = AuditRows();
  ASSERT_EQ(rows.size(), before + 5);
  std::vector<std::string> seen;
  for (size_t i = before; i < rows.size(); ++i) {
    EXPECT_TRUE(absl::StartsWith(rows[i].resource, "regions/510114")) << rows[i].resource;
    seen.push_back(absl::StrCat(rows[i].principal, " ",
                                rows[i].method.substr(std::string(kServicePrefix).size()), " ",
                                rows[i].outcome));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("auditor-1 GetAppraisal OK", "ps-1 ListAppraisals OK",
                                           "ds-1 GetSigningPayload OK",
                                           "team-1 VerifyAppraisalSignatures OK",
                                           "cadre-c-2 GetAppraisal NOT_FOUND"));
}

TEST_P(AppraisalReadTest, TheBasicViewLeavesOutSectionsAndBytes) {
  const v1::Appraisal concluded = MustConcluded();
  v1::ListAppraisalsResponse basic;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::ListAppraisals, ListRequest(), &basic)));
  ASSERT_EQ(basic.appraisals_size(), 1);
  const v1::Appraisal& item = basic.appraisals(0);
  EXPECT_EQ(item.name(), concluded.name());
  EXPECT_EQ(item.content().grade(), concluded.content().grade());
  EXPECT_TRUE(item.content().self_check().empty());
  EXPECT_FALSE(item.content().has_summary());
  EXPECT_TRUE(item.signed_content().empty());
  EXPECT_EQ(item.signatures_size(), 0);
  v1::ListAppraisalsResponse full;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::ListAppraisals, ListRequest(v1::FULL), &full)));
  ASSERT_EQ(full.appraisals_size(), 1);
  EXPECT_EQ(full.appraisals(0).signed_content(), concluded.signed_content());
}

TEST_P(AppraisalReadTest, FiltersAndPagesAndAwaitingMe) {
  const std::string first = MustCreate(kSubject1).name();
  clock_.Advance(absl::Seconds(1));
  const std::string second = MustCreate(kSubject2).name();
  v1::ListAppraisalsRequest page = ListRequest();
  page.set_page_size(1);
  v1::ListAppraisalsResponse one;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::ListAppraisals, page, &one)));
  ASSERT_EQ(one.appraisals_size(), 1);
  EXPECT_EQ(one.appraisals(0).name(), second) << "newest first";
  page.set_page_token(one.next_page_token());
  v1::ListAppraisalsResponse two;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::ListAppraisals, page, &two)));
  ASSERT_EQ(two.appraisals_size(), 1);
  EXPECT_EQ(two.appraisals(0).name(), first);
  EXPECT_TRUE(two.next_page_token().empty());

  v1::ListAppraisalsRequest by_unit = ListRequest();
  by_unit.set_unit(kUnit2);
  EXPECT_THAT(Listed(Team(), by_unit), ::testing::ElementsAre(second));
  by_unit.set_unit("regions/510104/units/u-2");
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ListAppraisals, by_unit),
                      grpc::StatusCode::INVALID_ARGUMENT, "unit"));

  // The cadre of the first writes their self-check: it no longer awaits them.
  v1::WriteSelfCheckRequest self_check;
  self_check.set_name(first);
  self_check.set_text("自查");
  ASSERT_TRUE(IsOk(Call(Cadre(), &Stub::WriteSelfCheck, self_check)));
  v1::ListAppraisalsRequest awaiting = ListRequest();
  awaiting.set_awaiting_me(true);
  EXPECT_TRUE(Listed(Cadre(), awaiting).empty());
  EXPECT_THAT(Listed(Cadre(kCadre2), awaiting), ::testing::ElementsAre(second));
  EXPECT_EQ(Listed(Team(), awaiting).size(), 2u) << "both still need a conclusion";
}

}  // namespace
}  // namespace kaoping::appraisals::testing
