// The gateway over real HTTP and gRPC, with an echo server as the upstream:
// every route shape end to end, authentication, limits, errors, metrics.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/route_shapes.pb.h"
#include "tests/gateway/test_certificate.h"

namespace kaoping::gateway::testing {
namespace {

using ::testing::HasSubstr;
namespace test = ::kaoping::gatewaytest;

constexpr char kShapes[] = "/kaoping.gatewaytest.RouteShapes/";

TEST_F(GatewayTest, PathAndQueryReachTheService) {
  auto reply =
      AdminCall("GET", "/test/shelves/s1/books?pageSize=5&tags=a&tags=b&filter.pages.min=3");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  EXPECT_EQ(reply.body, absl::StrCat(R"({"method":")", kShapes, R"(ListBooks"})"));
  test::ListBooksRequest received;
  ASSERT_TRUE(received.ParseFromString(echo_->last().request));
  EXPECT_EQ(received.parent(), "shelves/s1");
  EXPECT_EQ(received.page_size(), 5);
  EXPECT_THAT(received.tags(), ::testing::ElementsAre("a", "b"));
  EXPECT_EQ(received.filter().pages().min(), 3);
}

TEST_F(GatewayTest, BodyShapesReachTheService) {
  auto patch =
      AdminCall("PATCH", "/test/shelves/s1/books/b2?updateMask=title", R"({"title":"史记"})");
  ASSERT_EQ(patch.status, 200) << patch.body;
  test::UpdateBookRequest update;
  ASSERT_TRUE(update.ParseFromString(echo_->last().request));
  EXPECT_EQ(update.book().name(), "shelves/s1/books/b2");
  EXPECT_EQ(update.book().title(), "史记");

  auto move = AdminCall("POST", "/test/shelves/s1/books/b2:move", R"({"destination":"d"})");
  ASSERT_EQ(move.status, 200) << move.body;
  test::MoveBookRequest moved;
  ASSERT_TRUE(moved.ParseFromString(echo_->last().request));
  EXPECT_EQ(moved.destination(), "d");

  auto tag = AdminCall("POST", "/test/shelves/s1:tag", R"(["x","y"])");
  ASSERT_EQ(tag.status, 200) << tag.body;
  test::TagBooksRequest tagged;
  ASSERT_TRUE(tagged.ParseFromString(echo_->last().request));
  EXPECT_EQ(tagged.tags_size(), 2);
}

TEST_F(GatewayTest, ResponseBodyAndLargeBodiesWithExpectContinue) {
  auto ping = AdminCall("GET", "/test/ping");
  EXPECT_EQ(ping.body, R"({"text":"pong"})");
  // curl sends `Expect: 100-continue` for bodies over 1 KiB.
  auto client = Connect();
  const std::string title(5000, 'x');
  auto reply = client->Send("PATCH", "/test/shelves/s1/books/b2",
                            absl::StrCat(R"({"title":")", title, R"("})"),
                            {{"authorization", Bearer(Admin())}, {"expect", "100-continue"}});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200) << reply->body;
}

TEST_F(GatewayTest, TokenIsForwardedAndTheDeadlineSet) {
  Configure({{"method_timeouts", "kaoping.gatewaytest.RouteShapes.GetShelf=42s"}});
  const std::string bearer = Bearer(Admin());
  ASSERT_EQ(Call("GET", "/test/shelves/s1", "", {{"authorization", bearer}}).status, 200);
  EchoUpstream::Received got = echo_->last();
  EXPECT_THAT(got.authorization, ::testing::ElementsAre(bearer));
  EXPECT_GT(got.time_left, absl::Seconds(35));
  EXPECT_LE(got.time_left, absl::Seconds(42));
  ASSERT_EQ(AdminCall("GET", "/test/shelves/s1/books").status, 200);
  EXPECT_LE(echo_->last().time_left, absl::Seconds(30));  // upstream_timeout's default
}

TEST_F(GatewayTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto client = Connect();
  for (int i = 0; i < 20; ++i) {
    auto reply = client->Send("GET", "/test/shelves/s1", "", {{"authorization", Bearer(Admin())}});
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(reply->keep_alive);
  }
}

TEST_F(GatewayTest, MissingExpiredForgedAndDoubleTokensAre401) {
  auto missing = Call("GET", "/test/shelves/s1");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(ParseError(missing.body).code, 16);
  EXPECT_THAT(ParseError(missing.body).message, HasSubstr("missing credentials"));

  const std::string token = Token(Admin());
  clock_.Advance(absl::Hours(2));
  auto expired = Call("GET", "/test/shelves/s1", "", {{"authorization", "Bearer " + token}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_THAT(ParseError(expired.body).message, HasSubstr("expired"));

  std::string forged = Token(Admin());
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Call("GET", "/test/shelves/s1", "", {{"authorization", "Bearer " + forged}}).status,
            401);
  EXPECT_EQ(Call("GET", "/test/shelves/s1", "",
                 {{"authorization", Bearer(Admin())}, {"authorization", Bearer(Admin())}})
                .status,
            401);
  EXPECT_EQ(Call("GET", "/test/shelves/s1", "", {{"authorization", "Basic YTpi"}}).status, 401);
  EXPECT_TRUE(echo_->received().empty()) << "refused requests never reach the service";
}

TEST_F(GatewayTest, OversizedTokenAndHeadersAreRefusedByTheGateway) {
  const std::string huge_token = "Bearer " + std::string(5000, 'a');
  auto token = Call("GET", "/test/shelves/s1", "", {{"authorization", huge_token}});
  EXPECT_EQ(token.status, 431);
  EXPECT_THAT(ParseError(token.body).message, HasSubstr("authorization header exceeds 4096"));

  auto client = Connect();
  auto headers =
      client->Send("GET", "/test/shelves/s1", "",
                   {{"authorization", Bearer(Admin())}, {"x-big", std::string(20000, 'b')}});
  ASSERT_TRUE(headers.ok()) << headers.status();
  EXPECT_EQ(headers->status, 431);
  EXPECT_FALSE(headers->keep_alive);
  EXPECT_TRUE(echo_->received().empty());
  // The gateway and its channel to the service still serve everyone else.
  EXPECT_EQ(AdminCall("GET", "/test/shelves/s1").status, 200);
}

TEST_F(GatewayTest, OversizedBodiesAre413) {
  Configure({{"http_max_body_bytes", "1000"}});
  auto reply = AdminCall("PATCH", "/test/shelves/s1/books/b2",
                         absl::StrCat(R"({"title":")", std::string(2000, 'x'), R"("})"));
  EXPECT_EQ(reply.status, 413);
  EXPECT_THAT(ParseError(reply.body).message, HasSubstr("request body exceeds 1000 bytes"));
  EXPECT_TRUE(echo_->received().empty());
}

TEST_F(GatewayTest, MalformedRequestsAre400) {
  auto json = AdminCall("PATCH", "/test/shelves/s1/books/b2", R"({"title": )");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(ParseError(json.body).code, 3);
  EXPECT_THAT(ParseError(json.body).message, HasSubstr("request body"));
  auto unknown = AdminCall("PATCH", "/test/shelves/s1/books/b2", R"({"titel": "x"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(ParseError(unknown.body).message, HasSubstr("titel"));
  auto query = AdminCall("GET", "/test/shelves/s1/books?pageSize=many");
  EXPECT_EQ(query.status, 400);
  EXPECT_THAT(ParseError(query.body).message, HasSubstr("query parameter pageSize"));
  auto type = Call("PATCH", "/test/shelves/s1/books/b2", "title=x",
                   {{"authorization", Bearer(Admin())}, {"content-type", "text/plain"}});
  EXPECT_EQ(type.status, 415);
  auto raw = Connect()->SendRaw("GARBAGE / HTTP/9.9\r\n\r\n");
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->status, 400);
  EXPECT_TRUE(echo_->received().empty());
}

TEST_F(GatewayTest, UnknownPathsAre404AndWrongMethods405) {
  auto none = AdminCall("GET", "/v2/nothing");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(ParseError(none.body).code, 5);
  auto wrong = AdminCall("PUT", "/test/shelves/s1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET");
  auto verb = AdminCall("GET", "/test/shelves/s1/books/b2:move");
  EXPECT_EQ(verb.status, 405);
  EXPECT_EQ(verb.headers["allow"], "POST");
}

TEST_F(GatewayTest, InternalRoutesAreNotPublic) {
  auto redeem = Call("POST", "/v1/regions/510114:redeemInvitationCode", R"({"code":"x"})",
                     {{"authorization", Bearer(Machine("gw", "invitations:redeem"))}});
  EXPECT_EQ(redeem.status, 404);
  EXPECT_THAT(ParseError(redeem.body).message, HasSubstr("no route"));
  auto apply = Call("POST", "/v1/regions/510114:applyAppraisal", "{}",
                    {{"authorization", Bearer(Machine("re", "archive:write"))}});
  EXPECT_EQ(apply.status, 404);
  auto doc = Call("GET", "/openapi.json");
  EXPECT_THAT(doc.body, ::testing::Not(HasSubstr("redeemInvitationCode")));
  EXPECT_THAT(doc.body, ::testing::Not(HasSubstr("applyAppraisal")));
}

TEST_F(GatewayTest, ServicesWithoutUpstreamAnswer503WithAClearBody) {
  // No evaluations_address: the evaluations service is not deployed.
  auto reply = AdminCall("GET", "/v1/regions/510114/campaigns");
  EXPECT_EQ(reply.status, 503);
  ErrorBody error = ParseError(reply.body);
  EXPECT_EQ(error.code, 14);
  EXPECT_THAT(error.message, HasSubstr("kaoping.v1.EvaluationService is not available"));
}

TEST_F(GatewayTest, AuditLogsRouteToTheServiceTheirSegmentNames) {
  auto own = AdminCall("GET", "/v1/regions/510114/auditLogs/route_shapes/records?pageSize=5");
  EXPECT_NE(own.status, 503) << own.body;
  EXPECT_NE(own.status, 404) << own.body;
  EXPECT_EQ(echo_->last().method, "/kaoping.v1.AuditService/ListAuditRecords");
  auto unknown = AdminCall("GET", "/v1/regions/510114/auditLogs/nope:verify");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(ParseError(unknown.body).message,
              HasSubstr("auditLogs: no service named \"nope\"; one of appraisals"));
  auto undeployed = AdminCall("GET", "/v1/regions/510114/auditLogs/evaluations/records");
  EXPECT_EQ(undeployed.status, 503);
  EXPECT_THAT(ParseError(undeployed.body).message,
              HasSubstr("kaoping.v1.AuditService of evaluations is not available"));
}

TEST_F(GatewayTest, UpstreamDownIs503WithAClearBody) {
  auto closed = EchoUpstream::Start();
  const std::string address = closed->address();
  closed.reset();
  Configure({{"route_shapes_address", address}});
  auto reply = AdminCall("GET", "/test/shelves/s1");
  EXPECT_EQ(reply.status, 503);
  ErrorBody error = ParseError(reply.body);
  EXPECT_EQ(error.code, 14);
  EXPECT_THAT(error.message,
              HasSubstr("kaoping.gatewaytest.RouteShapes is unavailable: the gateway cannot reach "
                        "it"));
  EXPECT_THAT(error.message, ::testing::Not(HasSubstr(address)));
}

TEST_F(GatewayTest, UpstreamsOverTlsAreVerifiedWithTheConfiguredRoots) {
  auto certificate = MakeTestCertificate();
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  std::ifstream key_in(certificate->key_file);
  std::stringstream key;
  key << key_in.rdbuf();
  auto secure = EchoUpstream::Start(certificate->cert_pem, key.str());
  // The certificate names 127.0.0.1 too (an IP literal: no DNS lookup).
  Configure(
      {{"route_shapes_address", secure->address()}, {"upstream_ca_file", certificate->cert_file}});
  EXPECT_EQ(AdminCall("GET", "/test/shelves/s1").status, 200);
  EXPECT_EQ(secure->received().size(), 1u);
  // Without the roots the service's certificate is not trusted: nothing reaches it.
  Configure({{"upstream_ca_file", ""}});
  EXPECT_EQ(AdminCall("GET", "/test/shelves/s1").status, 503);
  EXPECT_EQ(secure->received().size(), 1u);
}

TEST_F(GatewayTest, SlowUpstreamIs504AtTheRouteDeadline) {
  Configure({{"method_timeouts", "kaoping.gatewaytest.RouteShapes.Slow=300ms"}});
  auto reply = AdminCall("GET", "/test/slow");
  EXPECT_EQ(reply.status, 504);
  EXPECT_EQ(ParseError(reply.body).code, 4);
  EXPECT_THAT(ParseError(reply.body).message, HasSubstr("did not answer within 300ms"));
}

TEST_F(GatewayTest, ServiceErrorsKeepCodeMessageAndDetails) {
  auto reply = AdminCall("GET", "/test/fail");
  EXPECT_EQ(reply.status, 400);
  ErrorBody error = ParseError(reply.body);
  EXPECT_EQ(error.code, 9);
  EXPECT_EQ(error.message, "shelf is CLOSED");
  EXPECT_THAT(error.details, HasSubstr("type.googleapis.com/google.protobuf.StringValue"));
  EXPECT_THAT(error.details, HasSubstr("closed on 2026-11-26"));
}

TEST_F(GatewayTest, MachineClientsAreRateLimited) {
  Configure({{"system_rate_limit", "1"}, {"system_rate_burst", "3"}});
  const std::string bearer = Bearer(Machine("cadre-system", "eligibility:read"));
  auto client = Connect();
  for (int i = 0; i < 3; ++i) {
    auto ok = client->Send("GET", "/test/shelves/s1", "", {{"authorization", bearer}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->status, 200) << i;
  }
  auto limited = client->Send("GET", "/test/shelves/s1", "", {{"authorization", bearer}});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(ParseError(limited->body).code, 8);
  EXPECT_EQ(limited->headers["retry-after"], "1");
  // Another client has its own budget; people are not limited this way.
  auto other = client->Send("GET", "/test/shelves/s1", "",
                            {{"authorization", Bearer(Machine("discipline", "leads:read"))}});
  EXPECT_EQ(other->status, 200);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        client->Send("GET", "/test/shelves/s1", "", {{"authorization", Bearer(Admin())}})->status,
        200);
  }
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(client->Send("GET", "/test/shelves/s1", "", {{"authorization", bearer}})->status, 200);
}

TEST_F(GatewayTest, OpenApiAndHealthAreServedWithoutToken) {
  auto doc = Call("GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_THAT(doc.body, HasSubstr(R"("openapi":"3.0.3")"));
  EXPECT_THAT(doc.body, HasSubstr("/v1/regions/{region}/indicatorSets/{indicatorSet}:publish"));
  EXPECT_EQ(Call("GET", "/healthz").body, R"({"status":"SERVING"})");
  EXPECT_EQ(Call("POST", "/healthz").status, 405);
}

TEST_F(GatewayTest, MetricsCountRequestsByRouteAndCode) {
  Configure({{"metrics_address", "127.0.0.1:0"}});
  ASSERT_EQ(AdminCall("GET", "/test/shelves/s1").status, 200);
  ASSERT_EQ(Call("GET", "/test/shelves/s1").status, 401);
  auto client = HttpClient::Connect(gateway().metrics_address());
  ASSERT_TRUE(client.ok());
  auto reply = (*client)->Send("GET", "/metrics");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(reply->headers["content-type"], HasSubstr("text/plain; version=0.0.4"));
  const std::string route = "kaoping.gatewaytest.RouteShapes/GetShelf";
  EXPECT_THAT(reply->body, HasSubstr(absl::StrCat("kaoping_gateway_requests_total{route=\"", route,
                                                  "\",code=\"200\"} 1")));
  EXPECT_THAT(reply->body, HasSubstr(absl::StrCat("kaoping_gateway_requests_total{route=\"", route,
                                                  "\",code=\"401\"} 1")));
  EXPECT_THAT(reply->body, HasSubstr(absl::StrCat("kaoping_gateway_upstream_calls_total{method=\"",
                                                  route, "\",code=\"OK\"} 1")));
  EXPECT_THAT(reply->body,
              HasSubstr(absl::StrCat("kaoping_gateway_request_duration_seconds_count{route=\"",
                                     route, "\"} 2")));
  EXPECT_THAT(reply->body, HasSubstr("kaoping_gateway_inflight_requests "));
}

TEST_F(GatewayTest, BadConfigurationStopsStartUp) {
  auto start = [&](std::map<std::string, std::string> overrides) {
    overrides_ = std::move(overrides);
    GatewaySetup setup;
    setup.api_prefixes = api_prefixes_;
    setup.clock = &clock_;
    return Gateway::Start(*MakeConfig(), setup).status();
  };
  EXPECT_THAT(start({{"indicators_address", "localhost"}}).message(),
              HasSubstr("`indicators_address` must be host:port"));
  EXPECT_THAT(start({{"indicators_address", "127.0.0.1:99999"}}).message(),
              HasSubstr("indicators_address"));
  EXPECT_EQ(start({{"indicators_address", "dns:///indicators:50051"}}).code(),
            absl::StatusCode::kOk);
  EXPECT_THAT(start({{"method_timeouts", "kaoping.v1.NoService.Foo=10s"}}).message(),
              HasSubstr("names no method"));
  EXPECT_THAT(start({{"method_timeouts", "kaoping.v1.IndicatorService.*"}}).message(),
              HasSubstr("selector=duration"));
  EXPECT_THAT(start({{"http_max_body_bytes", "0"}}).message(), HasSubstr("http_max_body_bytes"));
  EXPECT_THAT(start({{"http_tls_cert_file", "/nonexistent.pem"}}).message(), HasSubstr("TLS"));
  EXPECT_EQ(start({{"jwt_issuer", ""}}).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace kaoping::gateway::testing
