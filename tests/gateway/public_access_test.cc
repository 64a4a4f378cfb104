// Anonymous public access through the gateway (its own SYSTEM credential),
// in front of a stand-in evaluations service: public notices read without
// an account, reports that need a solved challenge and are rate-limited per
// client address, one report per challenge, access codes redeemed for a
// RATER token the services accept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "gateway/public/proof_of_work.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/auth/authenticator.h"
#include "tests/gateway/fake_services.h"
#include "tests/gateway/gateway_fixture.h"

namespace kaoping::gateway::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNotice[] = "regions/510114/publicNotices/2026-adjust";

class PublicAccessTest : public GatewayTest {
 protected:
  void SetUp() override {
    fake_ = FakeServices::Start();
    v1::PublicNotice notice;
    notice.set_name(kNotice);
    notice.set_display_name("2026年干部考察预告");
    notice.set_state(v1::PublicNotice::PUBLISHED);
    fake_->SetNotice(notice);
    v1::SubmitPublicReportResponse receipt;
    receipt.set_receipt_number("510114-2026-000123");
    fake_->SetReceipt(receipt);
    v1::RedeemInvitationCodeResponse redeemed;
    redeemed.set_invitation("regions/510114/campaigns/2026-adjust/invitations/inv-7");
    redeemed.set_rater_principal(
        "invitation:regions/510114/campaigns/2026-adjust/invitations/inv-7");
    *redeemed.mutable_window_end_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(clock_.Now() + absl::Hours(2)));
    fake_->SetRedemption("7K3M9Q2XWR4T", redeemed);
    Configure({{"evaluations_address", fake_->address()},
               {"profile", "local"},
               {"service_regions", "51"},
               {"service_scopes", "notices:read,notices:report,invitations:redeem"},
               {"public_challenge_bits", "8"},
               {"public_report_burst", "10"}});
  }

  // A nonce solving a challenge (8 bits: a few hundred hashes).
  static std::string Solve(const std::string& challenge) {
    for (int n = 0;; ++n) {
      if (ProofOfWork::LeadingZeroBits(challenge, std::to_string(n)) >= 8) {
        return std::to_string(n);
      }
    }
  }

  std::string NewChallenge() {
    auto reply = Call("GET", "/public/v1/challenge");
    EXPECT_EQ(reply.status, 200) << reply.body;
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(reply.body, &parsed).ok());
    EXPECT_EQ(parsed.fields().at("bits").number_value(), 8);
    return parsed.fields().at("challenge").string_value();
  }

  std::string ReportBody(const std::string& challenge, const std::string& nonce) {
    return absl::StrCat(R"({"challenge":")", challenge, R"(","nonce":")", nonce,
                        R"(","subject":"regions/510114/campaigns/2026-adjust/subjects/c-1",)",
                        R"("text":"他在项目验收中收受了施工方的礼品卡。","isReport":true,)",
                        R"("reporter":{"displayName":"王某","contact":"13800000000"}})");
  }

  HttpClient::Reply Report(const std::string& body, const std::string& client = "") {
    Headers headers;
    if (!client.empty()) {
      headers.push_back({"x-real-ip", client});
    }
    return Call("POST", absl::StrCat("/public/v1/", kNotice, ":submitReport"), body, headers);
  }

  // The gateway stops before the stand-ins it calls.
  void TearDown() override { Configure({}); }

  std::unique_ptr<FakeServices> fake_;
};

TEST_F(PublicAccessTest, NoticesAreReadWithoutAnAccountWithTheGatewaysCredential) {
  auto one = Call("GET", absl::StrCat("/public/v1/", kNotice));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_THAT(one.body, HasSubstr("2026年干部考察预告"));
  auto list = Call("GET", "/public/v1/regions/510114/publicNotices?pageSize=10");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_THAT(list.body, HasSubstr(kNotice));
  // The service saw the gateway's own SYSTEM token with its public scopes.
  auto authenticator = Authenticator::FromConfig(*MakeConfig(), &clock_);
  ASSERT_TRUE(authenticator.ok());
  const std::string authorization = fake_->seen().front().authorization;
  auto principal = (*authenticator)->AuthenticateAuthorization({authorization});
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_TRUE((*principal)->IsSystem());
  EXPECT_TRUE((*principal)->HasScope("notices:read"));
  EXPECT_EQ((*principal)->subject, "service:gateway");

  EXPECT_EQ(Call("GET", "/public/v1/regions/510114/publicNotices/nope").status, 404);
  EXPECT_EQ(Call("GET", "/public/v1/regions/510114/publicNotices?colour=red").status, 400);
  EXPECT_EQ(Call("GET", "/public/v1/regions/51011x/publicNotices").status, 404);
  EXPECT_EQ(Call("DELETE", absl::StrCat("/public/v1/", kNotice)).status, 404);
}

TEST_F(PublicAccessTest, AReportNeedsASolvedChallengeAndGetsAReceiptOnly) {
  const std::string challenge = NewChallenge();
  auto unsolved = Report(ReportBody(challenge, "not-a-solution-probably-x"));
  if (ProofOfWork::LeadingZeroBits(challenge, "not-a-solution-probably-x") < 8) {
    EXPECT_EQ(unsolved.status, 400) << unsolved.body;
    EXPECT_THAT(ParseError(unsolved.body).message, HasSubstr("nonce"));
  }
  auto forged = Report(ReportBody("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1"));
  EXPECT_EQ(forged.status, 400);
  EXPECT_THAT(ParseError(forged.body).message, HasSubstr("challenge"));
  EXPECT_EQ(fake_->Calls("SubmitPublicReport"), 0) << "nothing reached the service";

  auto sent = Report(ReportBody(challenge, Solve(challenge)), "203.0.113.7");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_THAT(sent.body, HasSubstr("510114-2026-000123"));
  EXPECT_THAT(sent.body, Not(HasSubstr("leads/")));
  ASSERT_EQ(fake_->Calls("SubmitPublicReport"), 1);
  const FakeServices::Seen seen = fake_->seen().back();
  EXPECT_THAT(seen.request, HasSubstr(kNotice));
  EXPECT_THAT(seen.request, HasSubstr("13800000000")) << "contact details go to the service sealed";
  EXPECT_THAT(seen.request, HasSubstr(absl::StrCat("public-report-", ProofOfWork::IdOf(challenge))))
      << "one challenge, one request id: a replay gets the first receipt";
}

TEST_F(PublicAccessTest, ChallengesExpire) {
  const std::string challenge = NewChallenge();
  clock_.Advance(absl::Hours(1));
  auto late = Report(ReportBody(challenge, Solve(challenge)));
  EXPECT_EQ(late.status, 400);
  EXPECT_THAT(ParseError(late.body).message, HasSubstr("expired"));
}

TEST_F(PublicAccessTest, ReportsAreRateLimitedPerClientAddress) {
  Configure({{"public_client_header", "x-real-ip"}, {"public_report_burst", "2"}});
  for (int i = 0; i < 2; ++i) {
    const std::string challenge = NewChallenge();
    EXPECT_EQ(Report(ReportBody(challenge, Solve(challenge)), "203.0.113.7").status, 200);
  }
  const std::string challenge = NewChallenge();
  auto limited = Report(ReportBody(challenge, Solve(challenge)), "203.0.113.7");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_EQ(Report(ReportBody(challenge, Solve(challenge)), "198.51.100.9").status, 200)
      << "another client is not limited";
}

TEST_F(PublicAccessTest, FieldsTheGatewaySetsAreRefusedInTheBody) {
  const std::string challenge = NewChallenge();
  std::string body = ReportBody(challenge, Solve(challenge));
  body.insert(1, R"("requestId":"mine",)");
  auto refused = Report(body);
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(ParseError(refused.body).message, HasSubstr("requestId"));
  auto unknown = Report(absl::StrCat(R"({"challenge":")", challenge, R"(","nonce":")",
                                     Solve(challenge), R"(","colour":"red"})"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(ParseError(unknown.body).message, HasSubstr("colour"));
}

TEST_F(PublicAccessTest, AnAccessCodeIsRedeemedForARaterToken) {
  auto redeemed = Call("POST", "/public/v1/regions/510114:redeemInvitationCode",
                       R"({"accessCode":"7K3M9Q2XWR4T","requestId":"try-1"})");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(redeemed.body, &parsed).ok());
  const std::string token = parsed.fields().at("token").string_value();
  EXPECT_EQ(parsed.fields().at("invitation").string_value(),
            "regions/510114/campaigns/2026-adjust/invitations/inv-7");
  auto authenticator = Authenticator::FromConfig(*MakeConfig(), &clock_);
  auto rater = (*authenticator)->Verify(token);
  ASSERT_TRUE(rater.ok()) << rater.status();
  EXPECT_TRUE((*rater)->HasRole(Role::kRater));
  EXPECT_EQ((*rater)->subject, "invitation:regions/510114/campaigns/2026-adjust/invitations/inv-7");
  EXPECT_EQ((*rater)->region_prefixes, std::vector<std::string>{"510114"});
  EXPECT_LE((*rater)->expiry, clock_.Now() + absl::Hours(2)) << "not past the campaign's window";
  EXPECT_THAT(fake_->seen().back().request, HasSubstr("try-1"));
  EXPECT_THAT(fake_->seen().back().request, HasSubstr("regions/510114"));

  auto wrong = Call("POST", "/public/v1/regions/510114:redeemInvitationCode",
                    R"({"accessCode":"WRONGCODE000"})");
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  auto empty = Call("POST", "/public/v1/regions/510114:redeemInvitationCode", R"({})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_THAT(ParseError(empty.body).message, HasSubstr("access_code"));
  auto region = Call("POST", "/public/v1/regions/510114:redeemInvitationCode",
                     R"({"accessCode":"7K3M9Q2XWR4T","region":"regions/510115"})");
  EXPECT_EQ(region.status, 400);
}

TEST_F(PublicAccessTest, RedemptionIsRateLimitedPerClient) {
  Configure({{"public_redeem_burst", "3"}, {"public_redeem_rate", "0.01"}});
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    limited += Call("POST", "/public/v1/regions/510114:redeemInvitationCode",
                    R"({"accessCode":"GUESS0000000"})")
                   .status == 429;
  }
  EXPECT_EQ(limited, 2);
}

TEST_F(PublicAccessTest, WithoutItsOwnCredentialPublicAccessIsUnavailable) {
  Configure({{"service_regions", ""}, {"profile", "production-like"}});
  auto reply = Call("GET", absl::StrCat("/public/v1/", kNotice));
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_EQ(fake_->Calls("GetPublicNotice"), 0);
}

}  // namespace
}  // namespace kaoping::gateway::testing
