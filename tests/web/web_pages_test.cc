// The pages' flows in headless Debian Chromium (tests/web/flows.mjs,
// playwright-core), through the gateway in front of stand-ins of the
// evaluations and results services (tests/gateway/fake_services.h) and a real
// Redis: the dashboard is read (and cached), a member of the public sends a
// report from the notice page, a rater redeems an access code and submits a
// form (the code then refused), the team verifies a lead, and the dashboard
// shows the new form and the confirmed lead once the stand-in's events have
// invalidated its cache. Screenshots go to tests/web/screenshots in the build
// directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "kaoping/v1/events.pb.h"
#include "tests/gateway/fake_services.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/redis_server.h"
#include "tests/support/relay_publish.h"

namespace kaoping::gateway::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kCampaign[] = "regions/510114/campaigns/2026-adjust";
constexpr char kAccessCode[] = "7K3M9Q2XWR4T";

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << "\n" << json;
  return message;
}

google::protobuf::Timestamp At(absl::Time time) {
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(time));
}

class WebPagesTest : public GatewayTest {
 protected:
  void SetUp() override {
    auto redis = kaoping::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    fake_ = FakeServices::Start();
    SetStatistics();
    SetNotice();
    SetRaterFlow();
    SetLead();
    // As the services' outbox relay would: an event on the service's stream.
    fake_->SetOnWrite(
        [url = redis_->url(), seq = std::make_shared<int>(0)](const std::string& region) {
          v1::Event event;
          event.set_id(absl::StrCat("evaluations/", region, "/", ++*seq));
          event.set_type("kaoping.v1.FormSubmitted");
          event.set_region_code(region);
          absl::Status published = kaoping::testing::RelayPublish(url, "evaluations", event);
          EXPECT_TRUE(published.ok()) << published;
        });
    Configure({{"evaluations_address", fake_->address()},
               {"results_address", fake_->address()},
               {"redis_url", redis_->url()},
               {"dashboard_event_discover_interval", "100ms"},
               {"web_root", KAOPING_SOURCE_DIR "/gateway/web"},
               {"web_vendor_root", KAOPING_SOURCE_DIR "/node_modules"},
               {"profile", "local"},
               {"service_regions", "51"},
               {"service_scopes", "notices:read,notices:report,invitations:redeem"},
               {"public_challenge_bits", "12"}});
  }

  // The gateway stops before the stand-ins it calls.
  void TearDown() override { Configure({}); }

  // County 510114: 40 forms of 44 assignments, 4 confirmed leads.
  void SetStatistics() {
    v1::EvaluationStatistics evaluation = FromJson<v1::EvaluationStatistics>(R"({
      "name": "regions/510114/evaluationStatistics",
      "total": {"region": "regions/510114", "formCount": 40, "assignmentCount": 44,
                "participationRate": 0.909, "subjectCount": 6, "topGradeShare": 0.5,
                "proposedGrades": [{"grade": "GOOD", "count": 3}, {"grade": "FAIRLY_GOOD", "count": 3}],
                "leadsBySource": [{"source": "FORM", "count": 5}],
                "leadsByState": [{"state": "CONFIRMED", "count": 4}, {"state": "OPEN", "count": 3}]}
    })");
    v1::UsageStatistics usage = FromJson<v1::UsageStatistics>(R"({
      "name": "regions/510114/usageStatistics",
      "total": {"region": "regions/510114", "decisionCount": 5}
    })");
    fake_->SetStatistics("510114", evaluation, usage);
  }

  void SetNotice() {
    v1::PublicNotice notice = FromJson<v1::PublicNotice>(R"({
      "name": "regions/510114/publicNotices/2026-adjust",
      "displayName": "2026年县管干部考察预告",
      "state": "PUBLISHED",
      "subjects": [{"subject": "regions/510114/campaigns/2026-adjust/subjects/s-1",
                    "displayName": "李明", "unitDisplayName": "城关镇", "postTitle": "党委书记"}],
      "assessmentContent": "德、能、勤、绩、廉，重点考察政治素质。",
      "howToReport": "可通过本页、来电或来信反映。"
    })");
    *notice.mutable_report_start_time() = At(absl::Now() - absl::Hours(24));
    *notice.mutable_report_end_time() = At(absl::Now() + absl::Hours(24 * 7));
    fake_->SetNotice(notice);
    v1::SubmitPublicReportResponse receipt;
    receipt.set_receipt_number("510114-2026-000123");
    *receipt.mutable_receive_time() = At(absl::Now());
    fake_->SetReceipt(receipt);
  }

  void SetRaterFlow() {
    const std::string invitation = absl::StrCat(kCampaign, "/invitations/inv-7");
    v1::RedeemInvitationCodeResponse redeemed;
    redeemed.set_invitation(invitation);
    redeemed.set_rater_principal("invitation:" + invitation);
    *redeemed.mutable_window_end_time() = At(clock_.Now() + absl::Hours(2));
    fake_->SetRedemption(kAccessCode, redeemed);
    fake_->SetInvitation(FromJson<v1::Invitation>(absl::StrCat(R"({"name": ")", invitation, R"(",
      "channel": "ONLINE",
      "assignments": [{"subject": "regions/510114/campaigns/2026-adjust/subjects/s-1",
                       "raterGroup": "SUPERIOR"}]})")));
    fake_->SetSubject(FromJson<v1::Subject>(R"({
      "name": "regions/510114/campaigns/2026-adjust/subjects/s-1",
      "displayName": "李明", "unitDisplayName": "城关镇", "postTitle": "党委书记",
      "postTier": "PRINCIPAL",
      "catalog": "regions/510114/campaigns/2026-adjust/catalogs/c-1"
    })"));
    fake_->SetCatalog(FromJson<v1::CampaignCatalog>(R"({
      "name": "regions/510114/campaigns/2026-adjust/catalogs/c-1",
      "catalog": {"dimensions": [
        {"dimension": "LOYALTY", "title": "政治忠诚",
         "criteria": [{"id": "loyal-1", "title": "坚定拥护“两个确立”"},
                      {"id": "loyal-2", "title": "执行民主集中制"}],
         "negativeItems": [{"id": "neg-1", "title": "对党不忠诚不老实", "severity": "VETO"}]},
        {"dimension": "SELF_DISCIPLINE", "title": "政治清廉",
         "criteria": [{"id": "clean-1", "title": "严守廉洁纪律"}],
         "negativeItems": [{"id": "neg-2", "title": "违规收受礼品礼金", "severity": "DEDUCT"}]}
      ]}
    })"));
  }

  void SetLead() {
    fake_->SetLead(FromJson<v1::Lead>(R"({
      "name": "regions/510114/leads/l-1", "source": "PUBLIC_REPORT",
      "title": "反映收受施工方礼品卡", "description": "项目验收期间收受礼品卡。",
      "state": "OPEN", "etag": "e0",
      "subject": "regions/510114/campaigns/2026-adjust/subjects/s-1",
      "createTime": "2026-05-01T08:00:00Z"
    })"));
  }

  // Runs tests/web/flows.mjs against the gateway; its output is the failure's text.
  int RunFlows(std::string* output) {
    const std::filesystem::path shots = KAOPING_SCREENSHOT_DIR;
    std::filesystem::create_directories(shots);
    Who team = Admin();
    team.subject = "考核组-张";
    const std::string command = absl::StrCat(
        "cd '", KAOPING_SOURCE_DIR, "' && KAOPING_WEB_URL='http://", gateway().address(),
        "' KAOPING_WEB_TOKEN='", Token(team), "' KAOPING_WEB_CODE='", kAccessCode,
        "' KAOPING_WEB_SHOTS='", shots.string(), "' NO_COLOR=1 node tests/web/flows.mjs 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
      *output = "popen failed";
      return -1;
    }
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) {
      output->append(buffer, n);
    }
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::unique_ptr<kaoping::testing::RedisServer> redis_;
  std::unique_ptr<FakeServices> fake_;
};

TEST_F(WebPagesTest, AFormIsSubmittedALeadVerifiedAndTheDashboardShowsBoth) {
  std::string output;
  ASSERT_EQ(RunFlows(&output), 0) << output;

  // The public report went with the gateway's credential, its contact sealed
  // inside the request (nowhere else), and was answered with a receipt.
  int reports = 0;
  for (const FakeServices::Seen& seen : fake_->seen()) {
    if (seen.method == "SubmitPublicReport") {
      ++reports;
      EXPECT_THAT(seen.request, HasSubstr("13800000000"));
      EXPECT_THAT(seen.request, HasSubstr("is_report: true"));
      EXPECT_THAT(seen.authorization, HasSubstr("Bearer "));
    }
  }
  EXPECT_EQ(reports, 1);

  // The rater's form: what was marked in the page, once.
  std::vector<v1::Form> forms = fake_->forms();
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0].subject(), absl::StrCat(kCampaign, "/subjects/s-1"));
  EXPECT_EQ(forms[0].overall_grade(), v1::GOOD);
  EXPECT_EQ(forms[0].criterion_marks_size(), 3);
  ASSERT_EQ(forms[0].negative_marks_size(), 1);
  EXPECT_EQ(forms[0].negative_marks(0).negative_item_id(), "neg-2");
  EXPECT_EQ(forms[0].negative_marks(0).remark(), "节日期间收受购物卡");
  EXPECT_EQ(fake_->Calls("RedeemInvitationCode"), 2) << "the second (a reuse) was refused";

  // The team's verification.
  v1::Lead lead = fake_->lead("regions/510114/leads/l-1");
  EXPECT_EQ(lead.state(), v1::Lead::CONFIRMED);
  EXPECT_EQ(lead.verification().findings(), "经个别谈话和调阅资料，情况属实。");

  for (const char* shot : {"dashboard-before.png", "notice.png", "rater-form.png", "rater-done.png",
                           "leads.png", "dashboard-after.png"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(KAOPING_SCREENSHOT_DIR) / shot))
        << shot;
  }
}

}  // namespace
}  // namespace kaoping::gateway::testing
