// The whole life of an appraisal over real gRPC, on SQLite and PostgreSQL:
// created from evaluations' summary (snapshotted as bytes), the four
// sections by their authors, both signatures (Ed25519 and SM2), concluded
// once with its event, read by results as SYSTEM `archive:write`, and
// everything the printed form (综合鉴定表) needs.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kaoping/v1/events.pb.h"
#include "services/appraisals/signed_content.h"
#include "services/appraisals/signing/signature.h"
#include "services/common/crypto.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

class AppraisalFlowTest : public AppraisalServiceTest {};
KAOPING_APPRAISAL_STORES(AppraisalFlowTest);

TEST_P(AppraisalFlowTest, CreationSnapshotsTheSummaryAsBytesAndCopiesTheSubject) {
  const v1::Appraisal created = MustCreate(kSubject1, "a-1");
  EXPECT_EQ(created.name(), "regions/510114/appraisals/a-1");
  EXPECT_EQ(created.state(), v1::Appraisal::DRAFT);
  EXPECT_EQ(created.subject(), kSubject1);
  EXPECT_EQ(created.creator(), "team-1");
  const v1::SubjectSummary summary = evaluations_.Summary(kSubject1);
  EXPECT_EQ(created.summary_snapshot(), summary.SerializeAsString());
  EXPECT_EQ(created.content().summary().revision(), 1);
  EXPECT_EQ(created.content().cadre(), kCadre1);
  EXPECT_EQ(created.content().unit(), kUnit1);
  EXPECT_EQ(created.content().cadre_display_name(), "张c-1");
  EXPECT_EQ(created.content().campaign(), kCampaign);
  EXPECT_EQ(created.content().campaign_kind(), v1::ANNUAL);
  EXPECT_EQ(created.content().post_tier(), v1::PRINCIPAL);
  EXPECT_EQ(created.content().content_revision(), 1);
  EXPECT_THAT(
      created.missing_sections(),
      ::testing::ElementsAre("self_check", "party_opinion", "integrity_appraisal", "conclusion"));
  // The signed content is the frozen message behind its first line, and
  // names the snapshot's exact bytes by SHA-256.
  ASSERT_TRUE(absl::StartsWith(created.signed_content(), kSignedContentLine));
  absl::StatusOr<v1::AppraisalSignedContent> signed_content =
      ParseSignedContent(created.signed_content());
  ASSERT_TRUE(signed_content.ok()) << signed_content.status();
  EXPECT_EQ(signed_content->summary_sha256(), Sha256(created.summary_snapshot()));
  EXPECT_EQ(signed_content->summary_revision(), 1);
  EXPECT_EQ(signed_content->final_composite(), summary.final_composite());
  EXPECT_EQ(signed_content->verified_leads_size(), 1);
  EXPECT_EQ(created.content_sha256(), Sha256(created.signed_content()));
  EXPECT_EQ(CountRows("appraisals"), 1);
  EXPECT_TRUE(OutboxRows().empty()) << "creation emits nothing";
}

TEST_P(AppraisalFlowTest, EvaluationsIsAskedWithTheCallersTokenAndADeadline) {
  MustCreate();
  const auto calls = evaluations_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].method, "GetCampaign");
  EXPECT_EQ(calls[1].method, "GetSubject");
  EXPECT_EQ(calls[2].method, "GetSubjectSummary");
  EXPECT_EQ(calls[2].name, "regions/510114/campaigns/2026-annual/subjectSummaries/c-1");
  for (const auto& call : calls) {
    EXPECT_EQ(call.authorization, absl::StrCat("Bearer ", harness_->Token(Team())))
        << call.method << ": the caller's own token, so evaluations scopes it as theirs";
    EXPECT_TRUE(call.has_deadline) << call.method;
  }
}

TEST_P(AppraisalFlowTest, EachSectionIsWrittenByItsAuthorAndRecorded) {
  const v1::Appraisal created = MustCreate();
  const v1::Appraisal completed = MustComplete(created.name());
  EXPECT_TRUE(completed.missing_sections().empty());
  EXPECT_EQ(completed.content().content_revision(), 5);
  EXPECT_EQ(completed.self_check_record().author(), "cadre-c-1");
  EXPECT_EQ(completed.self_check_record().author_display_name(), "张c-1");
  EXPECT_FALSE(completed.self_check_record().transcribed());
  EXPECT_EQ(completed.party_opinion_record().author(), "ps-1");
  EXPECT_EQ(completed.integrity_appraisal_record().author(), "ds-1");
  EXPECT_EQ(completed.conclusion_record().author(), "team-1");
  EXPECT_EQ(completed.content().grade(), v1::FAIRLY_GOOD);
  std::vector<std::string> audited;
  for (const AuditRow& row : AuditRows()) {
    if (row.outcome == "OK" && absl::StrContains(row.detail, "section=")) {
      audited.push_back(
          absl::StrCat(row.principal, " ", row.detail.substr(0, row.detail.find(' '))));
    }
  }
  EXPECT_THAT(audited, ::testing::ElementsAre(
                           "cadre-c-1 section=self_check", "ps-1 section=party_opinion",
                           "ds-1 section=integrity_appraisal", "team-1 section=conclusion"));
}

TEST_P(AppraisalFlowTest, TheTeamTranscribesAPaperSelfCheck) {
  const v1::Appraisal created = MustCreate();
  v1::WriteSelfCheckRequest request;
  request.set_name(created.name());
  request.set_text("（纸质自查表录入）");
  v1::Appraisal written;
  ASSERT_TRUE(IsOk(Call(Team(), &Stub::WriteSelfCheck, request, &written)));
  EXPECT_TRUE(written.self_check_record().transcribed());
  EXPECT_EQ(written.self_check_record().author(), "team-1");
  EXPECT_EQ(written.content().self_check(), "（纸质自查表录入）");
}

TEST_P(AppraisalFlowTest, TheWholeFlowWithBothAlgorithms) {
  for (const auto& [subject, algorithm] :
       {std::pair{std::string(kSubject1), signing::Algorithm::kEd25519},
        std::pair{std::string(kSubject2), signing::Algorithm::kSm2}}) {
    SCOPED_TRACE(signing::AlgorithmName(algorithm));
    const std::string unit = subject == kSubject1 ? kUnit1 : kUnit2;
    const v1::Appraisal created = MustCreate(subject);
    MustComplete(created.name(), Cadre(subject == kSubject1 ? kCadre1 : kCadre2),
                 PartySecretary(unit), DisciplineSecretary(unit));
    const std::string suffix = subject == kSubject1 ? "a" : "b";
    const Signer party = MustRegister(Person("ps-" + suffix, "PARTY_SECRETARY", kCounty, unit),
                                      v1::AppraisalSignature::PARTY_SECRETARY, unit, algorithm);
    const Signer discipline =
        MustRegister(Person("ds-" + suffix, "DISCIPLINE_SECRETARY", kCounty, unit),
                     v1::AppraisalSignature::DISCIPLINE_SECRETARY, unit, algorithm);
    v1::Appraisal signed_once;
    ASSERT_TRUE(IsOk(SignAs(party, created.name(), &signed_once)));
    EXPECT_EQ(signed_once.signatures_size(), 1);
    v1::Appraisal signed_twice;
    ASSERT_TRUE(IsOk(SignAs(discipline, created.name(), &signed_twice)));
    ASSERT_EQ(signed_twice.signatures_size(), 2);
    for (const v1::AppraisalSignature& signature : signed_twice.signatures()) {
      EXPECT_EQ(signature.content_sha256(), Sha256(signed_twice.signed_content()));
      EXPECT_EQ(signature.content_revision(), signed_twice.content().content_revision());
      // Stored as sent, over the stored bytes: anyone can check it offline.
      absl::StatusOr<signing::PublicKey> key = signing::ParsePublicKey(signature.public_key());
      ASSERT_TRUE(key.ok());
      EXPECT_TRUE(signing::Verify(*key, signed_twice.signed_content(), signature.signature()).ok());
    }
    const v1::VerifyAppraisalSignaturesResponse verified = MustVerify(created.name());
    EXPECT_TRUE(verified.complete());
    ASSERT_EQ(verified.checks_size(), 2);
    EXPECT_TRUE(verified.checks(0).valid()) << verified.checks(0).reason();
    EXPECT_TRUE(verified.checks(1).valid()) << verified.checks(1).reason();
    const v1::Appraisal concluded = MustConclude(created.name());
    EXPECT_EQ(concluded.state(), v1::Appraisal::CONCLUDED);
    EXPECT_EQ(concluded.concluder(), "team-1");
    EXPECT_TRUE(concluded.has_conclude_time());
    EXPECT_TRUE(MustVerify(created.name()).complete()) << "still valid once concluded";
  }
}

TEST_P(AppraisalFlowTest, ConcludingEmitsItsThinEventOnceAndSigningEmitsOneEach) {
  const v1::Appraisal concluded = MustConcluded();
  const std::vector<OutboxRow> rows = OutboxRows();
  std::vector<std::string> types;
  for (const OutboxRow& row : rows) {
    types.push_back(row.event_type);
  }
  EXPECT_THAT(types,
              ::testing::ElementsAre("kaoping.v1.AppraisalSigned", "kaoping.v1.AppraisalSigned",
                                     "kaoping.v1.AppraisalConcluded"));
  const v1::Event& event = rows.back().event;
  EXPECT_EQ(event.region_code(), kCounty);
  EXPECT_EQ(event.resource(), concluded.name());
  EXPECT_EQ(event.actor(), "team-1");
  v1::AppraisalConcluded payload;
  ASSERT_TRUE(event.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.appraisal(), concluded.name());
  EXPECT_EQ(payload.subject(), kSubject1);
  EXPECT_EQ(payload.cadre(), kCadre1);
  EXPECT_EQ(payload.unit(), kUnit1);
  EXPECT_EQ(payload.campaign(), kCampaign);
  EXPECT_EQ(payload.content_sha256(), Sha256(concluded.signed_content()));
  EXPECT_EQ(payload.conclude_date().year(), 2026);
  EXPECT_EQ(payload.conclude_date().month(), 12);
  EXPECT_EQ(payload.conclude_date().day(), 10);
  v1::AppraisalSigned signed_event;
  ASSERT_TRUE(rows[1].event.payload().UnpackTo(&signed_event));
  EXPECT_TRUE(signed_event.complete()) << "the second signature completes the pair";

  // Concluding again changes nothing and emits nothing.
  v1::ConcludeAppraisalRequest again;
  again.set_name(concluded.name());
  EXPECT_TRUE(HasCode(Call(Team(), &Stub::ConcludeAppraisal, again),
                      grpc::StatusCode::FAILED_PRECONDITION, "CONCLUDED"));
  EXPECT_EQ(OutboxRows().size(), 3u);
}

TEST_P(AppraisalFlowTest, ResultsReadsTheConcludedAppraisalItArchives) {
  const v1::Appraisal concluded = MustConcluded();
  v1::Appraisal read;
  ASSERT_TRUE(IsOk(Call(Results(), &Stub::GetAppraisal, GetRequest(concluded.name()), &read)));
  EXPECT_EQ(read.signed_content(), concluded.signed_content());
  EXPECT_EQ(read.summary_snapshot(), concluded.summary_snapshot());
  EXPECT_EQ(read.signatures_size(), 2);
  EXPECT_EQ(read.content().self_check(), concluded.content().self_check());
  EXPECT_EQ(read.content_sha256(), Sha256(read.signed_content()))
      << "what AppraisalConcluded.content_sha256 names";
  EXPECT_TRUE(MustVerify(concluded.name(), Results()).complete());
  v1::ListAppraisalsRequest list;
  list.set_parent("regions/510114");
  list.set_view(v1::FULL);
  v1::ListAppraisalsResponse listed;
  ASSERT_TRUE(IsOk(Call(Results(), &Stub::ListAppraisals, list, &listed)));
  ASSERT_EQ(listed.appraisals_size(), 1);
  EXPECT_EQ(listed.appraisals(0).signed_content(), concluded.signed_content());
  // Its read is audited in the county like anyone's.
  EXPECT_EQ(AuditRows().back().principal, "service:results");
}

TEST_P(AppraisalFlowTest, ThePrintedFormHasEverythingItNeeds) {
  const v1::Appraisal concluded = MustConcluded();
  const v1::Appraisal read = MustGet(concluded.name(), Auditor());
  // Headings' content: identity, figures, the four sections.
  EXPECT_FALSE(read.content().cadre_display_name().empty());
  EXPECT_FALSE(read.content().unit_display_name().empty());
  EXPECT_FALSE(read.content().post_title().empty());
  EXPECT_FALSE(read.content().campaign_display_name().empty());
  EXPECT_GT(read.content().summary().final_composite(), 0);
  EXPECT_FALSE(read.content().self_check().empty());
  EXPECT_FALSE(read.content().party_opinion().empty());
  EXPECT_FALSE(read.content().integrity_appraisal().empty());
  EXPECT_NE(read.content().grade(), v1::GRADE_UNSPECIFIED);
  // Both signatures with their signers' names and times, and their status.
  ASSERT_EQ(read.signatures_size(), 2);
  for (const v1::AppraisalSignature& signature : read.signatures()) {
    EXPECT_FALSE(signature.signer_display_name().empty());
    EXPECT_TRUE(signature.has_sign_time());
  }
  const v1::VerifyAppraisalSignaturesResponse verified = MustVerify(concluded.name(), Auditor());
  EXPECT_TRUE(verified.complete());
  for (const v1::SignatureCheck& check : verified.checks()) {
    EXPECT_TRUE(check.valid());
    EXPECT_TRUE(check.key_active());
    EXPECT_FALSE(check.signature().signer_display_name().empty());
  }
  EXPECT_TRUE(read.has_conclude_time());
}

}  // namespace
}  // namespace kaoping::appraisals::testing
