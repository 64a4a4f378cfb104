#pragma once

// The fixture of the domain tests: the evaluations areas called directly (no
// gRPC: the RPC table is not assembled yet, see README.md) on the runtime's
// real store of both kinds, the real indicators service in-process (catalogs
// a campaign freezes) and the roster standing in as the generated gMock stub
// of the results service (v1::MockResultsServiceStub; the real one is not on
// main yet), with helpers that build a campaign up to its forms.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "kaoping/v1/results_mock.grpc.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/common/clock.h"
#include "services/evaluations/campaigns.h"
#include "services/evaluations/context.h"
#include "services/evaluations/forms.h"
#include "services/evaluations/invitations.h"
#include "services/evaluations/migrations.h"
#include "services/evaluations/subjects.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/evaluations/table_dump.h"
#include "tests/indicators/test_catalogs.h"
#include "tests/support/service_harness.h"

namespace kaoping::evaluations::testing {

using ::kaoping::testing::ServiceHarness;
using ::kaoping::testing::StoreKind;
using ::testing::_;
using ::testing::AnyNumber;
using ::testing::Invoke;
constexpr char kRegion[] = "510114";
constexpr char kRaterPrincipal[] = "rater-li-si-5c9d";
constexpr char kRaterName[] = "李四-实名";
constexpr char kRaterPhone[] = "13900001234";

class EvaluationDomainTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ServiceHarness::Options options;
    options.store = GetParam();
    options.clock = &clock_;
    auto harness = ServiceHarness::Start(
        "evaluations", Migrations(),
        [](ServiceRuntime&) -> absl::StatusOr<std::vector<OwnedService>> {
          return std::vector<OwnedService>();
        },
        options);
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = *std::move(harness);
    results_ = std::make_shared<v1::MockResultsServiceStub>();
    EXPECT_CALL(*results_, BatchGetCadres(_, _, _))
        .Times(AnyNumber())
        .WillRepeatedly(Invoke([](grpc::ClientContext*, const v1::BatchGetCadresRequest& request,
                                  v1::BatchGetCadresResponse* response) {
          for (const std::string& name : request.names()) {
            if (absl::StrContains(name, "missing")) {
              response->add_missing_names(name);
              continue;
            }
            v1::Cadre* cadre = response->add_cadres();
            cadre->set_name(name);
            cadre->set_display_name(absl::StrCat("干部 ", name));
            cadre->set_post_tier(v1::PRINCIPAL);
            cadre->set_status(v1::Cadre::ACTIVE);
          }
          return grpc::Status::OK;
        }));
    ServiceHarness::Options indicator_options;
    indicator_options.store = GetParam();
    indicator_options.clock = &clock_;
    auto indicators = ServiceHarness::Start("indicators", indicators::Migrations(),
                                            indicators::IndicatorServices, indicator_options);
    ASSERT_TRUE(indicators.ok()) << indicators.status();
    indicators_ = *std::move(indicators);
    indicator_stub_ = v1::IndicatorService::NewStub(indicators_->channel());
    admin_.bearer_token = indicators_->Token(ServiceHarness::Who{
        .subject = admin_.subject, .roles = {"REGION_ADMIN"}, .regions = {kRegion}});
    context_ = std::make_unique<Context>(
        harness_->runtime().deps(),
        Downstream{GrpcCatalogSource(indicator_stub_), GrpcRosterSource(results_)});
    campaigns_ = std::make_unique<Campaigns>(*context_);
    subjects_ = std::make_unique<Subjects>(*context_);
    invitations_ = std::make_unique<Invitations>(*context_);
    forms_ = std::make_unique<Forms>(*context_);
  }

  void TearDown() override {
    forms_.reset();
    invitations_.reset();
    subjects_.reset();
    campaigns_.reset();
    context_.reset();
    harness_.reset();
    indicator_stub_.reset();
    indicators_.reset();
  }

  static Principal Person(const std::string& subject, Role role) {
    Principal p;
    p.subject = subject;
    p.roles = RoleSet{role};
    p.region_prefixes = {kRegion};
    return p;
  }
  Principal admin_ = Person("admin-510114", Role::kRegionAdmin);
  const Principal team_ = Person("team-510114", Role::kAssessmentTeam);

  // An audit scope as the runtime sets it for a call about `resource`.
  std::unique_ptr<AuditScope> Scope(const Principal& who, absl::string_view method,
                                    const std::string& resource) {
    auto scope =
        std::make_unique<AuditScope>(harness_->runtime().deps().audit, who.subject, method);
    scope->SetResource(kRegion, resource);
    return scope;
  }

  v1::CreateCampaignRequest CampaignRequest(const std::string& id) {
    v1::CreateCampaignRequest request;
    request.set_parent(absl::StrCat("regions/", kRegion));
    request.set_campaign_id(id);
    v1::Campaign& c = *request.mutable_campaign();
    c.set_display_name("2026年度干部考察");
    c.set_kind(v1::ANNUAL);
    c.mutable_window_start_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()) + 86400);
    c.mutable_window_end_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()) + 20 * 86400);
    return request;
  }

  absl::StatusOr<v1::Campaign> CreateCampaign(const v1::CreateCampaignRequest& request) {
    auto scope = Scope(admin_, "CreateCampaign", request.parent());
    return campaigns_->CreateCampaign(admin_, *scope, request);
  }

  // A campaign c1 with subjects s1 and s2 (cadres of the mock roster).
  std::string MustCampaignWithSubjects() {
    absl::StatusOr<v1::Campaign> campaign = CreateCampaign(CampaignRequest("c1"));
    EXPECT_TRUE(campaign.ok()) << campaign.status();
    for (const char* id : {"s1", "s2"}) {
      v1::CreateSubjectRequest request;
      request.set_parent(campaign->name());
      request.set_subject_id(id);
      request.mutable_subject()->set_cadre(absl::StrCat("regions/", kRegion, "/cadres/", id));
      auto scope = Scope(admin_, "CreateSubject", campaign->name());
      absl::StatusOr<v1::Subject> subject = subjects_->CreateSubject(admin_, *scope, request);
      EXPECT_TRUE(subject.ok()) << subject.status();
    }
    return campaign->name();
  }

  // The county's catalog for principals, published in the indicators service.
  void MustPublishCatalog() {
    v1::CreateIndicatorSetRequest create;
    create.set_parent(absl::StrCat("regions/", kRegion));
    create.set_indicator_set_id("county-2026");
    *create.mutable_indicator_set() = indicators::testing::SmallSet();
    v1::IndicatorSet set;
    grpc::ClientContext c1;
    c1.AddMetadata("authorization", "Bearer " + admin_.bearer_token);
    grpc::Status created = indicator_stub_->CreateIndicatorSet(&c1, create, &set);
    ASSERT_TRUE(created.ok()) << created.error_message();
    v1::PublishIndicatorSetRequest publish;
    publish.set_name(set.name());
    grpc::ClientContext c2;
    c2.AddMetadata("authorization", "Bearer " + admin_.bearer_token);
    grpc::Status published = indicator_stub_->PublishIndicatorSet(&c2, publish, &set);
    ASSERT_TRUE(published.ok()) << published.error_message();
  }

  absl::StatusOr<v1::Campaign> Open(const std::string& campaign) {
    v1::OpenCampaignRequest request;
    request.set_name(campaign);
    auto scope = Scope(admin_, "OpenCampaign", campaign);
    return campaigns_->OpenCampaign(admin_, *scope, request);
  }

  absl::StatusOr<v1::Campaign> Close(const std::string& campaign) {
    v1::CloseCampaignRequest request;
    request.set_name(campaign);
    auto scope = Scope(admin_, "CloseCampaign", campaign);
    return campaigns_->CloseCampaign(admin_, *scope, request);
  }

  v1::CreateInvitationRequest InvitationRequest(const std::string& campaign) {
    v1::CreateInvitationRequest request;
    request.set_parent(campaign);
    v1::Invitation& inv = *request.mutable_invitation();
    inv.mutable_rater()->set_display_name(kRaterName);
    inv.mutable_rater()->set_principal(kRaterPrincipal);
    inv.mutable_rater()->set_phone(kRaterPhone);
    inv.set_channel(v1::ONLINE);
    v1::Assignment* a = inv.add_assignments();
    a->set_subject(absl::StrCat(campaign, "/subjects/s1"));
    a->set_rater_group(v1::PEER);
    return request;
  }

  absl::StatusOr<v1::Invitation> Invite(const v1::CreateInvitationRequest& request) {
    auto scope = Scope(team_, "CreateInvitation", request.parent());
    return invitations_->CreateInvitation(team_, *scope, request);
  }

  std::string Dump(const std::string& table) {
    return testing::DumpTable(harness_->runtime().db(), table);
  }
  // What a refused call must leave as it was.
  std::string Footprint() {
    return absl::StrCat(Dump("campaigns"), "#", Dump("subjects"), "#", Dump("invitations"), "#",
                        Dump("audit_log"), "#", Dump("outbox"), "#", Dump("idempotency_keys"));
  }

  FakeClock clock_{absl::FromUnixSeconds(1'795'000'000)};
  std::unique_ptr<ServiceHarness> harness_;
  std::shared_ptr<v1::MockResultsServiceStub> results_;
  std::unique_ptr<ServiceHarness> indicators_;
  std::shared_ptr<v1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<Campaigns> campaigns_;
  std::unique_ptr<Subjects> subjects_;
  std::unique_ptr<Invitations> invitations_;
  std::unique_ptr<Forms> forms_;
};

}  // namespace kaoping::evaluations::testing
