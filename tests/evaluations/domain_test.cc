// The campaigns, subjects and invitations areas called directly (no gRPC:
// the RPC table is not assembled yet, see README.md) on the runtime's real
// store of both kinds, the real indicators service in-process (catalogs a
// campaign freezes) and the roster standing in as the generated gMock stub
// of the results service (v1::MockResultsServiceStub; the real one is not
// on main yet). Errors name their fields and write nothing; a request_id
// replays; the rater's identity never reaches the audit log, the outbox or
// the idempotency records.
#include "tests/evaluations/domain_fixture.h"

namespace kaoping::evaluations {
namespace {

using ::kaoping::testing::StoreKind;
using testing::EvaluationDomainTest;
using testing::kRaterName;
using testing::kRaterPhone;
using testing::kRaterPrincipal;
using testing::kRegion;

TEST_P(EvaluationDomainTest, CampaignIsCreatedAsDraftAndReadBack) {
  absl::StatusOr<v1::Campaign> created = CreateCampaign(CampaignRequest("c1"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "regions/510114/campaigns/c1");
  EXPECT_EQ(created->state(), v1::Campaign::DRAFT);
  EXPECT_EQ(created->creator(), "admin-510114");
  EXPECT_FALSE(created->etag().empty());

  v1::GetCampaignRequest get;
  get.set_name(created->name());
  auto scope = Scope(admin_, "GetCampaign", created->name());
  absl::StatusOr<v1::Campaign> read = campaigns_->GetCampaign(admin_, *scope, get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->display_name(), "2026年度干部考察");
  EXPECT_EQ(read->etag(), created->etag());
}

TEST_P(EvaluationDomainTest, BadCampaignsNameTheFieldAndWriteNothing) {
  const std::string before = Footprint();
  struct Case {
    std::function<void(v1::CreateCampaignRequest&)> spoil;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_campaign_id("Bad Id!"); }, "campaign_id"},
      {[](auto& r) { r.set_parent("regions/"); }, "parent"},
      {[](auto& r) { r.mutable_campaign()->clear_display_name(); }, "campaign.display_name"},
      {[](auto& r) { r.mutable_campaign()->set_display_name(std::string(201 * 3, 'x')); },
       "campaign.display_name: at most 200 characters"},
      {[](auto& r) { r.mutable_campaign()->clear_kind(); }, "campaign.kind"},
      {[](auto& r) { r.mutable_campaign()->clear_window_end_time(); }, "campaign.window_end_time"},
      {[](auto& r) {
         r.mutable_campaign()->mutable_window_end_time()->set_seconds(
             r.campaign().window_start_time().seconds() - 1);
       },
       "campaign.window_end_time: must be after"},
  };
  for (const Case& c : cases) {
    v1::CreateCampaignRequest request = CampaignRequest("c1");
    c.spoil(request);
    absl::StatusOr<v1::Campaign> refused = CreateCampaign(request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.mentions;
    EXPECT_TRUE(absl::StrContains(refused.status().message(), c.mentions)) << refused.status();
  }
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EvaluationDomainTest, CampaignIdTakenTwiceIsAlreadyExistsAndValidateOnlyWritesNothing) {
  v1::CreateCampaignRequest request = CampaignRequest("c1");
  request.set_validate_only(true);
  const std::string empty = Footprint();
  ASSERT_TRUE(CreateCampaign(request).ok());
  EXPECT_EQ(Footprint(), empty);

  request.set_validate_only(false);
  ASSERT_TRUE(CreateCampaign(request).ok());
  const std::string once = Footprint();
  absl::StatusOr<v1::Campaign> again = CreateCampaign(request);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists) << again.status();
  EXPECT_TRUE(absl::StrContains(again.status().message(), "regions/510114/campaigns/c1"));
  EXPECT_EQ(Footprint(), once);
}

TEST_P(EvaluationDomainTest, RequestIdReplaysTheFirstCampaign) {
  v1::CreateCampaignRequest request = CampaignRequest("c1");
  request.set_request_id("retry-1");
  absl::StatusOr<v1::Campaign> first = CreateCampaign(request);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string once = Footprint();
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<v1::Campaign> replay = CreateCampaign(request);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Footprint(), once);

  request.mutable_campaign()->set_display_name("another");
  absl::StatusOr<v1::Campaign> misuse = CreateCampaign(request);
  EXPECT_EQ(misuse.status().code(), absl::StatusCode::kInvalidArgument) << misuse.status();
}

TEST_P(EvaluationDomainTest, SubjectOffTheRosterIsRefusedNamingIt) {
  absl::StatusOr<v1::Campaign> campaign = CreateCampaign(CampaignRequest("c1"));
  ASSERT_TRUE(campaign.ok());
  const std::string before = Footprint();
  v1::CreateSubjectRequest request;
  request.set_parent(campaign->name());
  request.set_subject_id("s9");
  request.mutable_subject()->set_cadre("regions/510114/cadres/missing-9");
  auto scope = Scope(admin_, "CreateSubject", campaign->name());
  absl::StatusOr<v1::Subject> refused = subjects_->CreateSubject(admin_, *scope, request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "subject.cadre")) << refused.status();
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EvaluationDomainTest, SubjectProfileComesFromTheRoster) {
  const std::string campaign = MustCampaignWithSubjects();
  v1::GetSubjectRequest get;
  get.set_name(campaign + "/subjects/s1");
  auto scope = Scope(admin_, "GetSubject", get.name());
  absl::StatusOr<v1::Subject> subject = subjects_->GetSubject(admin_, *scope, get);
  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(subject->display_name(), "干部 regions/510114/cadres/s1");
  EXPECT_EQ(subject->post_tier(), v1::PRINCIPAL);
}

TEST_P(EvaluationDomainTest, InvitationToAnotherCampaignsSubjectNamesTheAssignment) {
  const std::string campaign = MustCampaignWithSubjects();
  const std::string before = Footprint();
  v1::CreateInvitationRequest request = InvitationRequest(campaign);
  request.mutable_invitation()->mutable_assignments(0)->set_subject(
      "regions/510114/campaigns/other/subjects/s1");
  absl::StatusOr<v1::Invitation> refused = Invite(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "invitation.assignments[0].subject"))
      << refused.status();

  request = InvitationRequest(campaign);
  request.mutable_invitation()->clear_assignments();
  refused = Invite(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "invitation.assignments"));
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EvaluationDomainTest, RaterIsInvitedOnce) {
  const std::string campaign = MustCampaignWithSubjects();
  ASSERT_TRUE(Invite(InvitationRequest(campaign)).ok());
  const std::string once = Footprint();
  absl::StatusOr<v1::Invitation> again = Invite(InvitationRequest(campaign));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists) << again.status();
  EXPECT_EQ(Footprint(), once);
}

TEST_P(EvaluationDomainTest, RaterIdentityStaysInTheInvitationOnly) {
  const std::string campaign = MustCampaignWithSubjects();
  v1::CreateInvitationRequest request = InvitationRequest(campaign);
  request.set_request_id("invite-1");
  absl::StatusOr<v1::Invitation> created = Invite(request);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->rater().display_name(), kRaterName);

  // A replay writes nothing and returns the invitation without the rater.
  const std::string once = Footprint();
  absl::StatusOr<v1::Invitation> replay = Invite(request);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->name(), created->name());
  EXPECT_FALSE(replay->has_rater());
  EXPECT_EQ(Footprint(), once);

  EXPECT_TRUE(absl::StrContains(Dump("invitations"), kRaterPrincipal));
  for (const char* table : {"audit_log", "outbox", "idempotency_keys", "campaigns", "subjects"}) {
    const std::string rows = Dump(table);
    for (const char* identity : {kRaterPrincipal, kRaterName, kRaterPhone}) {
      EXPECT_FALSE(absl::StrContains(rows, identity))
          << identity << " in " << table << ": " << rows;
    }
  }
}

TEST_P(EvaluationDomainTest, OpeningFreezesThePublishedCatalogAndClosingEndsIt) {
  MustPublishCatalog();
  const std::string campaign = MustCampaignWithSubjects();
  absl::StatusOr<v1::Campaign> closed = Close(campaign);
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition) << closed.status();

  absl::StatusOr<v1::Campaign> opened = Open(campaign);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->state(), v1::Campaign::OPEN);
  ASSERT_EQ(opened->catalogs_size(), 1);
  EXPECT_TRUE(absl::StrContains(Dump("outbox"), "CampaignOpened")) << Dump("outbox");

  v1::GetCampaignCatalogRequest get;
  get.set_name(opened->catalogs(0).campaign_catalog());
  auto scope = Scope(admin_, "GetCampaignCatalog", get.name());
  absl::StatusOr<v1::CampaignCatalog> catalog = campaigns_->GetCampaignCatalog(admin_, *scope, get);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE(absl::StrContains(catalog->ref().indicator_set(), "county-2026"))
      << catalog->DebugString();

  absl::StatusOr<v1::Campaign> again = Open(campaign);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
  closed = Close(campaign);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), v1::Campaign::CLOSED);
}

TEST_P(EvaluationDomainTest, OpeningWithoutSubjectsOrCatalogIsRefusedAndChangesNothing) {
  absl::StatusOr<v1::Campaign> empty = CreateCampaign(CampaignRequest("c0"));
  ASSERT_TRUE(empty.ok());
  const std::string campaign = MustCampaignWithSubjects();
  const std::string before = Footprint();
  absl::StatusOr<v1::Campaign> refused = Open(empty->name());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "has no subject"));
  refused = Open(campaign);  // nothing published in indicators
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "no published catalog"))
      << refused.status();
  EXPECT_EQ(Footprint(), before);
}

TEST_P(EvaluationDomainTest, AccessCodeIsRedeemedOnceWhileOpenAndNeverKeptInPlain) {
  MustPublishCatalog();
  const std::string campaign = MustCampaignWithSubjects();
  v1::CreateInvitationRequest invite = InvitationRequest(campaign);
  invite.mutable_invitation()->mutable_rater()->clear_principal();  // no account: a code
  invite.set_request_id("invite-code-1");
  absl::StatusOr<v1::Invitation> invitation = Invite(invite);
  ASSERT_TRUE(invitation.ok()) << invitation.status();
  const std::string code = invitation->access_code();
  ASSERT_FALSE(code.empty());
  EXPECT_TRUE(invitation->access_code_pending());

  Principal gateway;
  gateway.subject = "gateway";
  gateway.roles = RoleSet{Role::kSystem};
  gateway.scopes = {"invitations:redeem"};
  auto redeem = [&](const std::string& access_code, const std::string& request_id) {
    v1::RedeemInvitationCodeRequest request;
    request.set_region(absl::StrCat("regions/", kRegion));
    request.set_access_code(access_code);
    request.set_request_id(request_id);
    auto scope = Scope(gateway, "RedeemInvitationCode", request.region());
    return invitations_->RedeemInvitationCode(gateway, *scope, request);
  };

  // DRAFT: not yet.
  EXPECT_EQ(redeem(code, "r0").status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Open(campaign).ok());
  EXPECT_EQ(redeem("", "r1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(redeem(code, "").status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::RedeemInvitationCodeResponse> redeemed = redeem(code, "r2");
  ASSERT_TRUE(redeemed.ok()) << redeemed.status();
  EXPECT_EQ(redeemed->invitation(), invitation->name());
  EXPECT_EQ(redeemed->rater_principal(), "invitation:" + invitation->name());
  // The gateway's retry gets the same answer; another attempt finds no code.
  absl::StatusOr<v1::RedeemInvitationCodeResponse> retried = redeem(code, "r2");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->SerializeAsString(), redeemed->SerializeAsString());
  absl::StatusOr<v1::RedeemInvitationCodeResponse> twice = redeem(code, "r3");
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kNotFound) << twice.status();
  EXPECT_EQ(twice.status().message(), "access_code: no such code");

  // A new code replaces the old one; the replay of the reset issues none.
  v1::ResetInvitationCodeRequest reset;
  reset.set_name(invitation->name());
  reset.set_request_id("reset-1");
  auto scope = Scope(team_, "ResetInvitationCode", reset.name());
  absl::StatusOr<v1::Invitation> fresh = invitations_->ResetInvitationCode(team_, *scope, reset);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_FALSE(fresh->access_code().empty());
  EXPECT_NE(fresh->access_code(), code);
  auto again_scope = Scope(team_, "ResetInvitationCode", reset.name());
  absl::StatusOr<v1::Invitation> replay =
      invitations_->ResetInvitationCode(team_, *again_scope, reset);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->access_code().empty());
  EXPECT_TRUE(redeem(fresh->access_code(), "r4").ok());

  for (const char* table : {"invitations", "idempotency_keys", "audit_log", "outbox"}) {
    const std::string rows = Dump(table);
    EXPECT_FALSE(absl::StrContains(rows, code)) << table;
    EXPECT_FALSE(absl::StrContains(rows, fresh->access_code())) << table;
  }
}

TEST_P(EvaluationDomainTest, InvitationIsReadByStaffItsRaterAndRemindersOnly) {
  MustPublishCatalog();
  const std::string campaign = MustCampaignWithSubjects();
  absl::StatusOr<v1::Invitation> invitation = Invite(InvitationRequest(campaign));
  ASSERT_TRUE(invitation.ok()) << invitation.status();
  auto get = [&](const Principal& who) {
    v1::GetInvitationRequest request;
    request.set_name(invitation->name());
    auto scope = Scope(who, "GetInvitation", request.name());
    return invitations_->GetInvitation(who, *scope, request);
  };
  Principal reminders;
  reminders.subject = "sms-reminders";
  reminders.roles = RoleSet{Role::kSystem};
  reminders.scopes = {"invitations:read"};
  reminders.region_prefixes = {kRegion};

  for (const Principal& staff : {admin_, team_, Person("auditor-1", Role::kAuditor)}) {
    absl::StatusOr<v1::Invitation> read = get(staff);
    ASSERT_TRUE(read.ok()) << staff.subject << ": " << read.status();
    EXPECT_EQ(read->rater().principal(), kRaterPrincipal);
  }
  absl::StatusOr<v1::Invitation> own = get(Person(kRaterPrincipal, Role::kRater));
  ASSERT_TRUE(own.ok()) << own.status();
  for (const Principal& other :
       {Person("rater-other", Role::kRater), Person("cadre-1", Role::kCadre), reminders}) {
    absl::StatusOr<v1::Invitation> refused = get(other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound) << other.subject;
  }
  // Reminder systems see pending invitations of OPEN campaigns, trimmed.
  ASSERT_TRUE(Open(campaign).ok());
  absl::StatusOr<v1::Invitation> reminder = get(reminders);
  ASSERT_TRUE(reminder.ok()) << reminder.status();
  EXPECT_EQ(reminder->rater().phone(), kRaterPhone);
  EXPECT_TRUE(reminder->rater().principal().empty());
  EXPECT_EQ(reminder->assignments_size(), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, EvaluationDomainTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const ::testing::TestParamInfo<StoreKind>& info) {
                           return ::kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping::evaluations
