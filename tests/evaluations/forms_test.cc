// The forms area called directly on both stores: a rater's own form and the
// team's paper slips, checked against the frozen catalog (errors name the
// field and write nothing), one form per rater and subject however often or
// concurrently it is sent, who reads which form, voiding with history, and
// the rater's identity kept out of the forms, events and idempotency records.
#include <atomic>
#include <thread>
#include <vector>

#include "services/evaluations/leads.h"
#include "tests/evaluations/domain_fixture.h"

namespace kaoping::evaluations {
namespace {

using ::kaoping::testing::StoreKind;
using testing::kRaterName;
using testing::kRaterPhone;
using testing::kRaterPrincipal;
using testing::kRegion;

class FormsTest : public testing::EvaluationDomainTest {
 protected:
  // An OPEN campaign c1 (subjects s1, s2) inside its window, with the rater
  // invited for s1 (PEER).
  void SetUp() override {
    EvaluationDomainTest::SetUp();
    MustPublishCatalog();
    campaign_ = MustCampaignWithSubjects();
    absl::StatusOr<v1::Invitation> invitation = Invite(InvitationRequest(campaign_));
    ASSERT_TRUE(invitation.ok()) << invitation.status();
    invitation_ = invitation->name();
    ASSERT_TRUE(Open(campaign_).ok());
    clock_.Advance(absl::Hours(48));
  }

  v1::SubmitFormRequest Request(const std::string& request_id) {
    v1::SubmitFormRequest request;
    request.set_parent(campaign_);
    request.set_request_id(request_id);
    v1::Form& form = *request.mutable_form();
    form.set_subject(campaign_ + "/subjects/s1");
    for (const char* id : {"loyalty-c1", "loyalty-c2", "capability-c2"}) {
      v1::CriterionMark* mark = form.add_criterion_marks();
      mark->set_criterion_id(id);
      mark->set_grade(v1::FAIRLY_GOOD);
    }
    form.mutable_criterion_marks(2)->set_grade(v1::GOOD);
    v1::NegativeMark* tick = form.add_negative_marks();
    tick->set_negative_item_id("loyalty-n1");
    tick->set_remark("会上表态多、落实少");
    form.set_overall_grade(v1::FAIRLY_GOOD);
    form.set_comment("建议多下基层");
    return request;
  }

  absl::StatusOr<v1::Form> Submit(const Principal& who, const v1::SubmitFormRequest& request) {
    auto scope = Scope(who, "SubmitForm", request.parent());
    return forms_->SubmitForm(who, *scope, request);
  }
  absl::StatusOr<v1::Form> Get(const Principal& who, const std::string& name) {
    v1::GetFormRequest request;
    request.set_name(name);
    auto scope = Scope(who, "GetForm", name);
    return forms_->GetForm(who, *scope, request);
  }
  absl::StatusOr<v1::ListFormsResponse> List(const Principal& who, v1::ListFormsRequest request) {
    request.set_parent(campaign_);
    auto scope = Scope(who, "ListForms", campaign_);
    return forms_->ListForms(who, *scope, request);
  }
  absl::StatusOr<v1::Form> Void(const Principal& who, const std::string& name,
                                const std::string& reason) {
    v1::VoidFormRequest request;
    request.set_name(name);
    request.set_reason(reason);
    auto scope = Scope(who, "VoidForm", name);
    return forms_->VoidForm(who, *scope, request);
  }

  std::string FormFootprint() {
    return absl::StrCat(Footprint(), "#", Dump("forms"), "#", Dump("form_seals"), "#",
                        Dump("leads"), "#", Dump("lead_ticks"));
  }
  int64_t CountForms() {
    int64_t count = -1;
    absl::Status status = db::RunInTransaction(
        harness_->runtime().db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT COUNT(*) FROM forms"));
          count = row[0].AsInt();
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  int64_t LeadTicks(const std::string& lead) {
    int64_t ticks = -1;
    absl::Status status = db::RunInTransaction(
        harness_->runtime().db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(StoredLead stored, context_->leads.Get(tx, kRegion, LastSegment(lead)));
          ticks = stored.lead.tick_count();
          return absl::OkStatus();
        });
    EXPECT_TRUE(status.ok()) << status;
    return ticks;
  }

  const Principal rater_ = Person(kRaterPrincipal, Role::kRater);
  const Principal auditor_ = Person("auditor-510114", Role::kAuditor);
  std::string campaign_;
  std::string invitation_;
};

TEST_P(FormsTest, RaterSubmitsTheirFormAndTheirIdentityStaysSealed) {
  absl::StatusOr<v1::Form> form = Submit(rater_, Request("f-1"));
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->state(), v1::Form::SUBMITTED);
  EXPECT_EQ(form->rater_group(), v1::PEER);
  EXPECT_EQ(form->channel(), v1::ONLINE);  // the invitation's
  EXPECT_EQ(form->invitation(), invitation_);
  ASSERT_EQ(form->leads_size(), 1);
  EXPECT_EQ(form->criterion_marks_size(), 3);
  const std::string form_id = LastSegment(form->name());
  const std::string invitation_id = LastSegment(invitation_);

  // The answers' table knows nothing of the rater; the seal only the invitation.
  for (const char* secret : {kRaterPrincipal, kRaterName, kRaterPhone}) {
    for (const char* table : {"forms", "form_seals", "outbox", "leads", "lead_ticks"}) {
      EXPECT_FALSE(absl::StrContains(Dump(table), secret)) << table << " holds " << secret;
    }
  }
  EXPECT_FALSE(absl::StrContains(Dump("forms"), invitation_id));
  EXPECT_TRUE(absl::StrContains(Dump("form_seals"), invitation_id));
  // Records keyed by the rater (the audit entry, the idempotency record)
  // never lead to the form.
  for (const char* table : {"audit_log", "idempotency_keys", "outbox"}) {
    EXPECT_FALSE(absl::StrContains(Dump(table), form_id)) << table;
  }
  EXPECT_TRUE(absl::StrContains(Dump("outbox"), "FormSubmitted"));

  // A retry replays without a second form, and without what leads to the rater.
  absl::StatusOr<v1::Form> replay = Submit(rater_, Request("f-1"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->name().empty());
  EXPECT_EQ(replay->subject(), form->subject());
  EXPECT_EQ(CountForms(), 1);
}

TEST_P(FormsTest, BadFormsNameTheFieldAndWriteNothing) {
  struct Case {
    std::function<void(v1::Form&)> spoil;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::Form& f) { f.mutable_criterion_marks(0)->set_criterion_id("nope"); },
       absl::StatusCode::kInvalidArgument,
       "form.criterion_marks[0].criterion_id: not in catalog principal-general"},
      {[](v1::Form& f) { f.mutable_criterion_marks(1)->set_grade(static_cast<v1::Grade>(9)); },
       absl::StatusCode::kInvalidArgument, "form.criterion_marks[1].grade: must be one of"},
      {[](v1::Form& f) { f.mutable_criterion_marks(1)->set_criterion_id("loyalty-c1"); },
       absl::StatusCode::kInvalidArgument, "form.criterion_marks[1].criterion_id: loyalty-c1 is"},
      {[](v1::Form& f) { f.mutable_negative_marks(0)->set_negative_item_id("x-n9"); },
       absl::StatusCode::kInvalidArgument, "form.negative_marks[0].negative_item_id: not in"},
      {[](v1::Form& f) { f.mutable_negative_marks(0)->set_remark(std::string(501, 'a')); },
       absl::StatusCode::kInvalidArgument, "form.negative_marks[0].remark"},
      {[](v1::Form& f) { f.clear_overall_grade(); }, absl::StatusCode::kInvalidArgument,
       "form.overall_grade: required"},
      {[](v1::Form& f) { f.set_comment(std::string(2001, 'a')); },
       absl::StatusCode::kInvalidArgument, "form.comment"},
      {[&](v1::Form& f) { f.set_subject(campaign_ + "/subjects/s2"); },
       absl::StatusCode::kInvalidArgument, "form.subject: not assigned to the invitation"},
      {[&](v1::Form& f) { f.set_subject(campaign_ + "/subjects/s9"); },
       absl::StatusCode::kInvalidArgument, "form.subject: not a subject of regions/510114"},
      {[](v1::Form& f) { f.set_subject("regions/510114/campaigns/other/subjects/s1"); },
       absl::StatusCode::kInvalidArgument, "form.subject"},
      {[](v1::Form& f) { f.set_paper_reference("NO-1"); }, absl::StatusCode::kInvalidArgument,
       "form.paper_reference: only for paper forms"},
      {[&](v1::Form& f) { f.set_invitation(invitation_); }, absl::StatusCode::kPermissionDenied,
       "form.invitation: only the county's assessment team"},
  };
  const std::string before = FormFootprint();
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::SubmitFormRequest request = Request(absl::StrCat("bad-", i));
    cases[i].spoil(*request.mutable_form());
    absl::StatusOr<v1::Form> refused = Submit(rater_, request);
    EXPECT_EQ(refused.status().code(), cases[i].code) << i << ": " << refused.status();
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), cases[i].message))
        << i << ": " << refused.status();
  }
  v1::SubmitFormRequest no_id = Request("");
  EXPECT_EQ(Submit(rater_, no_id).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SubmitFormRequest checked = Request("check-1");
  checked.set_validate_only(true);
  absl::StatusOr<v1::Form> validated = Submit(rater_, checked);
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_TRUE(validated->name().empty());
  EXPECT_EQ(FormFootprint(), before);
}

TEST_P(FormsTest, OneFormPerRaterAndSubjectEvenWhenSentConcurrently) {
  constexpr int kClients = 8;
  std::atomic<int> accepted = 0;
  std::atomic<int> duplicates = 0;
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      absl::StatusOr<v1::Form> form = Submit(rater_, Request(absl::StrCat("c-", i)));
      if (form.ok()) {
        ++accepted;
      } else if (form.status().code() == absl::StatusCode::kAlreadyExists) {
        ++duplicates;
      } else {
        ADD_FAILURE() << form.status();
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(duplicates.load(), kClients - 1);
  EXPECT_EQ(CountForms(), 1);
  absl::StatusOr<v1::ListFormsResponse> listed = List(team_, {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->forms_size(), 1);
  absl::StatusOr<v1::Form> form = Get(team_, listed->forms(0).name());
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->leads_size(), 1);
  // The lead counts the one form's tick once.
  EXPECT_EQ(LeadTicks(form->leads(0)), 1);
}

TEST_P(FormsTest, FormsOnlyWhileOpenInsideTheWindowFromLiveInvitations) {
  clock_.Advance(absl::Hours(24 * 30));  // past the window's end
  absl::StatusOr<v1::Form> late = Submit(rater_, Request("late"));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition) << late.status();
  EXPECT_TRUE(absl::StrContains(late.status().message(), "the window ended")) << late.status();
  ASSERT_TRUE(Close(campaign_).ok());
  absl::StatusOr<v1::Form> closed = Submit(rater_, Request("closed"));
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition) << closed.status();
  EXPECT_TRUE(absl::StrContains(closed.status().message(), "is CLOSED")) << closed.status();
  EXPECT_EQ(CountForms(), 0);
}

TEST_P(FormsTest, RevokedInvitationSubmitsNothing) {
  v1::RevokeInvitationRequest revoke;
  revoke.set_name(invitation_);
  revoke.set_reason("代人填写");
  auto scope = Scope(team_, "RevokeInvitation", invitation_);
  ASSERT_TRUE(invitations_->RevokeInvitation(team_, *scope, revoke).ok());
  absl::StatusOr<v1::Form> refused = Submit(rater_, Request("revoked"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  v1::SubmitFormRequest slip = Request("revoked-slip");
  slip.mutable_form()->set_invitation(invitation_);
  refused = Submit(team_, slip);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "REVOKED")) << refused.status();
  EXPECT_EQ(CountForms(), 0);
}

TEST_P(FormsTest, OnlyInvitedRatersAndTheTeamSubmit) {
  const std::string before = FormFootprint();
  const Principal stranger = Person("rater-not-invited", Role::kRater);
  EXPECT_EQ(Submit(stranger, Request("s-1")).status().code(), absl::StatusCode::kNotFound);
  Principal cadre = Person("cadre-s1", Role::kCadre);
  cadre.cadre = absl::StrCat("regions/", kRegion, "/cadres/s1");
  EXPECT_EQ(Submit(cadre, Request("s-2")).status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::Form> unnamed = Submit(team_, Request("s-3"));
  EXPECT_EQ(unnamed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(unnamed.status().message(), "form.invitation: required"));
  Principal city_team = Person("team-5101", Role::kAssessmentTeam);
  city_team.region_prefixes = {"5101"};
  v1::SubmitFormRequest slip = Request("s-4");
  slip.mutable_form()->set_invitation(invitation_);
  EXPECT_EQ(Submit(city_team, slip).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FormFootprint(), before);
}

TEST_P(FormsTest, TheTeamAndAuditorsReadTheRaterTheRaterTheirOwnOthersNothing) {
  absl::StatusOr<v1::Form> submitted = Submit(rater_, Request("r-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string name = submitted->name();
  for (const Principal* reader : {&team_, &auditor_}) {
    absl::StatusOr<v1::Form> form = Get(*reader, name);
    ASSERT_TRUE(form.ok()) << form.status();
    EXPECT_EQ(form->rater().display_name(), kRaterName);
    EXPECT_EQ(form->invitation(), invitation_);
    EXPECT_EQ(form->criterion_marks_size(), 3);
    EXPECT_EQ(form->comment(), "建议多下基层");
  }
  absl::StatusOr<v1::Form> own = Get(rater_, name);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->rater().principal(), kRaterPrincipal);
  EXPECT_EQ(own->criterion_marks_size(), 3);

  // Another rater of the campaign, the cadre assessed, the department, a
  // city-level team member: NOT_FOUND.
  v1::CreateInvitationRequest other = InvitationRequest(campaign_);
  other.mutable_invitation()->mutable_rater()->set_principal("rater-wang-wu");
  other.mutable_invitation()->mutable_assignments(0)->set_subject(campaign_ + "/subjects/s2");
  ASSERT_TRUE(Invite(other).ok());
  Principal cadre = Person("cadre-s1", Role::kCadre);
  cadre.cadre = absl::StrCat("regions/", kRegion, "/cadres/s1");
  Principal city_team = Person("team-5101", Role::kAssessmentTeam);
  city_team.region_prefixes = {"5101"};
  for (const Principal& outsider :
       {Person("rater-wang-wu", Role::kRater), cadre, admin_, city_team}) {
    EXPECT_EQ(Get(outsider, name).status().code(), absl::StatusCode::kNotFound) << outsider.subject;
  }
  EXPECT_EQ(List(Person("rater-wang-wu", Role::kRater), {})->forms_size(), 0);
  EXPECT_EQ(List(cadre, {}).status().code(), absl::StatusCode::kNotFound);

  // Lists: BASIC by default; a rater their own, never filtering on sealed fields.
  absl::StatusOr<v1::ListFormsResponse> basic = List(rater_, {});
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_EQ(basic->forms_size(), 1);
  EXPECT_EQ(basic->forms(0).criterion_marks_size(), 0);
  EXPECT_TRUE(basic->forms(0).comment().empty());
  v1::ListFormsRequest full;
  full.set_view(v1::FULL);
  EXPECT_EQ(List(team_, full)->forms(0).criterion_marks_size(), 3);
  v1::ListFormsRequest sealed_filter;
  sealed_filter.set_straight_lined_only(true);
  EXPECT_EQ(List(rater_, sealed_filter).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(List(team_, sealed_filter)->forms_size(), 0);  // marks differ
  v1::ListFormsRequest bad;
  bad.set_subject("regions/510114/campaigns/other/subjects/s1");
  absl::StatusOr<v1::ListFormsResponse> refused = List(team_, bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "subject")) << refused.status();
}

TEST_P(FormsTest, VoidingKeepsTheFormAsHistoryAndFreesTheAssignment) {
  absl::StatusOr<v1::Form> submitted = Submit(rater_, Request("v-1"));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string name = submitted->name();
  const std::string before = FormFootprint();
  EXPECT_EQ(Void(rater_, name, "重复").status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::Form> unexplained = Void(team_, name, "");
  EXPECT_EQ(unexplained.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(unexplained.status().message(), "reason"));
  EXPECT_EQ(Void(team_, campaign_ + "/forms/nosuchform", "重复").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(FormFootprint(), before);

  absl::StatusOr<v1::Form> voided = Void(team_, name, "代人填写");
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_EQ(voided->state(), v1::Form::VOIDED);
  EXPECT_EQ(voided->void_reason(), "代人填写");
  EXPECT_TRUE(absl::StrContains(Dump("outbox"), "FormVoided"));
  EXPECT_EQ(Void(team_, name, "again").status().code(), absl::StatusCode::kFailedPrecondition);

  // The tick left its lead; the rater may submit anew; both forms are kept.
  EXPECT_EQ(LeadTicks(submitted->leads(0)), 0);
  absl::StatusOr<v1::Form> again = Submit(rater_, Request("v-2"));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->leads_size(), 1);
  EXPECT_EQ(again->leads(0), submitted->leads(0));
  EXPECT_EQ(LeadTicks(again->leads(0)), 1);
  v1::ListFormsRequest voided_only;
  voided_only.set_state(v1::Form::VOIDED);
  EXPECT_EQ(List(team_, voided_only)->forms_size(), 1);
  EXPECT_EQ(List(team_, {})->forms_size(), 2);
  EXPECT_EQ(CountForms(), 2);
}

TEST_P(FormsTest, PaperSlipsAreKeyedInRowByRowAndOnce) {
  v1::CreateInvitationRequest paper = InvitationRequest(campaign_);
  paper.mutable_invitation()->mutable_rater()->clear_principal();
  paper.mutable_invitation()->set_channel(v1::ON_SITE);
  v1::Assignment* s2 = paper.mutable_invitation()->add_assignments();
  s2->set_subject(campaign_ + "/subjects/s2");
  s2->set_rater_group(v1::SUPERIOR);
  absl::StatusOr<v1::Invitation> slip_rater = Invite(paper);
  ASSERT_TRUE(slip_rater.ok()) << slip_rater.status();

  v1::BatchSubmitFormsRequest batch;
  batch.set_parent(campaign_);
  batch.set_request_id("paper-1");
  auto add = [&](const std::string& subject, const std::string& reference) {
    v1::Form* form = batch.add_forms();
    *form = Request("").form();
    form->set_subject(campaign_ + "/subjects/" + subject);
    form->set_invitation(slip_rater->name());
    form->set_paper_reference(reference);
    return form;
  };
  add("s1", "NO-0001");
  add("s2", "NO-0002")->mutable_criterion_marks(0)->set_criterion_id("nope");
  add("s2", "NO-0001");  // the first slip keyed twice
  add("s2", "");
  auto submit = [&](const Principal& who) {
    auto scope = Scope(who, "BatchSubmitForms", campaign_);
    return forms_->BatchSubmitForms(who, *scope, batch);
  };
  EXPECT_EQ(submit(rater_).status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::BatchSubmitFormsResponse> response = submit(team_);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->accepted_count(), 1);
  EXPECT_EQ(response->rejected_count(), 3);
  ASSERT_EQ(response->results_size(), 4);
  EXPECT_EQ(response->results(0).status().code(), 0);
  EXPECT_FALSE(response->results(0).name().empty());
  EXPECT_EQ(response->results(1).status().code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(absl::StartsWith(response->results(1).status().message(),
                               "forms[1].criterion_marks[0].criterion_id"));
  EXPECT_EQ(response->results(2).status().code(),
            static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_TRUE(
      absl::StartsWith(response->results(2).status().message(), "forms[2].paper_reference"));
  EXPECT_TRUE(
      absl::StartsWith(response->results(3).status().message(), "forms[3].paper_reference"));
  EXPECT_EQ(CountForms(), 1);

  // The replay writes nothing; the transcriber is sealed like the rater.
  absl::StatusOr<v1::BatchSubmitFormsResponse> replay = submit(team_);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->accepted_count(), 1);
  EXPECT_EQ(CountForms(), 1);
  absl::StatusOr<v1::Form> keyed = Get(team_, response->results(0).name());
  ASSERT_TRUE(keyed.ok()) << keyed.status();
  EXPECT_EQ(keyed->transcriber(), team_.subject);
  EXPECT_EQ(keyed->paper_reference(), "NO-0001");
  EXPECT_EQ(keyed->channel(), v1::ON_SITE);

  v1::BatchSubmitFormsRequest too_many;
  too_many.set_parent(campaign_);
  too_many.set_request_id("paper-2");
  for (int i = 0; i < 201; ++i) *too_many.add_forms() = batch.forms(0);
  auto scope = Scope(team_, "BatchSubmitForms", campaign_);
  absl::StatusOr<v1::BatchSubmitFormsResponse> refused =
      forms_->BatchSubmitForms(team_, *scope, too_many);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "forms")) << refused.status();
}

TEST_P(FormsTest, RaterWithoutAnAccountSubmitsThroughTheirCodeAndPagesThroughTheirForms) {
  v1::CreateInvitationRequest coded = InvitationRequest(campaign_);
  coded.mutable_invitation()->mutable_rater()->clear_principal();
  coded.mutable_invitation()->mutable_rater()->set_display_name("王五-服务对象");
  v1::Assignment* s2 = coded.mutable_invitation()->add_assignments();
  s2->set_subject(campaign_ + "/subjects/s2");
  s2->set_rater_group(v1::PUBLIC);
  absl::StatusOr<v1::Invitation> invitation = Invite(coded);
  ASSERT_TRUE(invitation.ok()) << invitation.status();
  // The `sub` the gateway puts in the token of a redeemed code.
  const Principal code_rater = Person("invitation:" + invitation->name(), Role::kRater);
  for (const char* subject : {"s1", "s2"}) {
    v1::SubmitFormRequest request = Request(absl::StrCat("code-", subject));
    request.mutable_form()->set_subject(absl::StrCat(campaign_, "/subjects/", subject));
    absl::StatusOr<v1::Form> form = Submit(code_rater, request);
    ASSERT_TRUE(form.ok()) << form.status();
    EXPECT_EQ(form->invitation(), invitation->name());
    clock_.Advance(absl::Seconds(1));
  }
  ASSERT_TRUE(Submit(rater_, Request("named")).ok());  // someone else's form
  EXPECT_FALSE(absl::StrContains(Dump("forms"), "王五"));

  v1::ListFormsRequest page;
  page.set_page_size(1);
  absl::StatusOr<v1::ListFormsResponse> first = List(code_rater, page);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->forms_size(), 1);
  EXPECT_EQ(first->forms(0).subject(), campaign_ + "/subjects/s1");
  ASSERT_FALSE(first->next_page_token().empty());
  page.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListFormsResponse> second = List(code_rater, page);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->forms_size(), 1);
  EXPECT_EQ(second->forms(0).subject(), campaign_ + "/subjects/s2");
  EXPECT_EQ(second->forms(0).rater_group(), v1::PUBLIC);
  EXPECT_TRUE(second->next_page_token().empty());
  v1::ListFormsRequest other_filter = page;
  other_filter.set_subject(campaign_ + "/subjects/s1");  // the token was for another query
  EXPECT_EQ(List(code_rater, other_filter).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List(team_, {})->forms_size(), 3);
}

TEST_P(FormsTest, TheTeamVerifiesAFormLeadOnceAndLaterTicksOpenANewOne) {
  absl::StatusOr<v1::Form> form = Submit(rater_, Request("lead-1"));
  ASSERT_TRUE(form.ok()) << form.status();
  const std::string lead = form->leads(0);
  Leads leads(*context_);
  auto start = [&](const Principal& who, v1::StartLeadVerificationRequest request) {
    request.set_name(lead);
    auto scope = Scope(who, "StartLeadVerification", lead);
    return leads.StartLeadVerification(who, *scope, request);
  };
  auto verify = [&](const Principal& who, v1::VerifyLeadRequest request) {
    request.set_name(lead);
    auto scope = Scope(who, "VerifyLead", lead);
    return leads.VerifyLead(who, *scope, request);
  };
  v1::VerifyLeadRequest verdict;
  verdict.set_outcome(v1::Verification::CONFIRMED);
  verdict.mutable_verification()->set_findings("经查属实：会议记录显示多次表态未落实");
  verdict.mutable_verification()->set_negative_item_id("loyalty-n1");
  verdict.mutable_verification()->add_verifiers("team-verifier-zhao");

  // Refusals name the field and change nothing.
  const std::string before = FormFootprint();
  EXPECT_EQ(start(rater_, {}).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(verify(auditor_, verdict).status().code(), absl::StatusCode::kPermissionDenied);
  struct Case {
    std::function<void(v1::VerifyLeadRequest&)> spoil;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.clear_outcome(); }, absl::StatusCode::kInvalidArgument, "outcome: required"},
      {[](auto& r) { r.mutable_verification()->clear_findings(); },
       absl::StatusCode::kInvalidArgument, "verification.findings"},
      {[](auto& r) { r.mutable_verification()->clear_negative_item_id(); },
       absl::StatusCode::kInvalidArgument, "verification.negative_item_id: required"},
      {[](auto& r) { r.mutable_verification()->set_negative_item_id("x-n9"); },
       absl::StatusCode::kInvalidArgument,
       "verification.negative_item_id: not in catalog principal-general"},
      {[](auto& r) { r.set_etag("stale"); }, absl::StatusCode::kAborted, ""},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::VerifyLeadRequest request = verdict;
    cases[i].spoil(request);
    absl::StatusOr<v1::Lead> refused = verify(team_, request);
    EXPECT_EQ(refused.status().code(), cases[i].code) << i << ": " << refused.status();
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), cases[i].message))
        << i << ": " << refused.status();
  }
  EXPECT_EQ(FormFootprint(), before);

  absl::StatusOr<v1::Lead> verifying = start(team_, {});
  ASSERT_TRUE(verifying.ok()) << verifying.status();
  EXPECT_EQ(verifying->state(), v1::Lead::VERIFYING);
  EXPECT_EQ(verifying->verification().verifiers(0), team_.subject);
  EXPECT_EQ(start(team_, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::Lead> confirmed = verify(team_, verdict);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->state(), v1::Lead::CONFIRMED);
  EXPECT_EQ(confirmed->verification().negative_item().severity(), v1::VETO);
  EXPECT_TRUE(absl::StrContains(Dump("outbox"), "LeadVerified"));
  EXPECT_FALSE(absl::StrContains(Dump("outbox"), "team-verifier-zhao"));
  absl::StatusOr<v1::Lead> twice = verify(team_, verdict);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition) << twice.status();

  // A tick after the verdict opens a new lead that follows the decided one;
  // voiding the first form leaves the decided lead as it was decided.
  ASSERT_TRUE(Void(team_, form->name(), "重复").ok());
  EXPECT_EQ(LeadTicks(lead), 1);
  absl::StatusOr<v1::Form> later = Submit(rater_, Request("lead-2"));
  ASSERT_TRUE(later.ok()) << later.status();
  ASSERT_EQ(later->leads_size(), 1);
  EXPECT_NE(later->leads(0), lead);
  EXPECT_EQ(LeadTicks(later->leads(0)), 1);
}

TEST_P(FormsTest, FormLeadsAreReadInFullByTheTeamRedactedByOthersAfterClosing) {
  absl::StatusOr<v1::Form> form = Submit(rater_, Request("read-lead"));
  ASSERT_TRUE(form.ok()) << form.status();
  const std::string name = form->leads(0);
  Leads leads(*context_);
  auto get = [&](const Principal& who) {
    v1::GetLeadRequest request;
    request.set_name(name);
    auto scope = Scope(who, "GetLead", name);
    return leads.GetLead(who, *scope, request);
  };
  Principal discipline;
  discipline.subject = "discipline-system";
  discipline.roles = RoleSet{Role::kSystem};
  discipline.scopes = {"leads:read"};
  discipline.region_prefixes = {kRegion};

  for (const Principal* reader : {&team_, &auditor_}) {
    absl::StatusOr<v1::Lead> full = get(*reader);
    ASSERT_TRUE(full.ok()) << full.status();
    EXPECT_EQ(full->tick_count(), 1);
    ASSERT_EQ(full->remarks_size(), 1);
    EXPECT_EQ(full->remarks(0), "会上表态多、落实少");
    ASSERT_EQ(full->forms_size(), 1);
    EXPECT_EQ(full->forms(0), form->name());
  }
  // While the campaign is OPEN nobody else sees a FORM lead at all.
  Principal cadre = Person("cadre-s1", Role::kCadre);
  cadre.cadre = absl::StrCat("regions/", kRegion, "/cadres/s1");
  for (const Principal& outsider : {admin_, discipline, rater_, cadre}) {
    EXPECT_EQ(get(outsider).status().code(), absl::StatusCode::kNotFound) << outsider.subject;
  }
  ASSERT_TRUE(Close(campaign_).ok());
  absl::StatusOr<v1::Lead> redacted = get(admin_);
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_EQ(redacted->tick_count(), 0);  // one tick: below 3, hidden
  EXPECT_TRUE(redacted->ticks_suppressed());
  EXPECT_EQ(redacted->remarks_size(), 0);
  EXPECT_EQ(redacted->forms_size(), 0);
  EXPECT_EQ(redacted->create_time().seconds() % 86400, 16 * 3600);          // 00:00 CST
  EXPECT_EQ(get(discipline).status().code(), absl::StatusCode::kNotFound);  // not verified

  v1::VerifyLeadRequest verdict;
  verdict.set_name(name);
  verdict.set_outcome(v1::Verification::CONFIRMED);
  verdict.mutable_verification()->set_findings("属实");
  verdict.mutable_verification()->set_negative_item_id("loyalty-n1");
  auto scope = Scope(team_, "VerifyLead", name);
  ASSERT_TRUE(leads.VerifyLead(team_, *scope, verdict).ok());
  absl::StatusOr<v1::Lead> pushed = get(discipline);
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_EQ(pushed->state(), v1::Lead::CONFIRMED);
  EXPECT_EQ(pushed->verification().verifiers_size(), 0);
  EXPECT_EQ(get(rater_).status().code(), absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Stores, FormsTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const ::testing::TestParamInfo<StoreKind>& info) {
                           return ::kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping::evaluations
