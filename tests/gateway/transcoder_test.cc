// Request → protobuf for every route shape google/api/http.proto allows,
// on the test protos (route_shapes.proto) and on the API itself.
#include "gateway/transcoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/route_table.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "kaoping/v1/indicators.pb.h"
#include "tests/gateway/route_shapes.pb.h"

namespace kaoping::gateway {
namespace {

using ::testing::HasSubstr;
namespace test = ::kaoping::gatewaytest;

const RouteTable& Table() {
  static const RouteTable* table = [] {
    auto built = RouteTable::Build(CompiledServices({"kaoping/", "tests/gateway/"}));
    EXPECT_TRUE(built.ok()) << built.status();
    return new RouteTable(*std::move(built));
  }();
  return *table;
}

// The request a method and target (with query) and body become.
template <typename Request>
absl::StatusOr<Request> Transcode(absl::string_view method, absl::string_view target,
                                  absl::string_view body = "") {
  const size_t q = target.find('?');
  RouteTable::Match match = Table().Find(method, target.substr(0, q));
  if (match.outcome != RouteTable::Match::Outcome::kFound) {
    return absl::NotFoundError(
        absl::StrCat("no route (outcome ", static_cast<int>(match.outcome), ") ", match.error));
  }
  if (match.route->method->input_type() != Request::descriptor()) {
    return absl::InternalError(absl::StrCat("routed to ", match.route->full_method));
  }
  Request request;
  absl::Status st =
      BuildRequest(match, q == absl::string_view::npos ? "" : target.substr(q + 1), body, &request);
  if (!st.ok()) {
    return st;
  }
  return request;
}

MATCHER_P(EqualsProto, text, "") {
  typename std::decay_t<decltype(arg)> expected;
  if (!google::protobuf::TextFormat::ParseFromString(text, &expected)) {
    *result_listener << "bad expectation";
    return false;
  }
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (!differencer.Compare(expected, arg)) {
    *result_listener << diff;
    return false;
  }
  return true;
}

TEST(TranscoderTest, PathVariableBindsAField) {
  auto r = Transcode<test::GetShelfRequest>("GET", "/test/shelves/s1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, EqualsProto(R"pb(name: "shelves/s1")pb"));
}

TEST(TranscoderTest, PathVariablesArePercentDecoded) {
  auto r = Transcode<test::GetShelfRequest>("GET", "/test/shelves/a%20b%E4%B8%AD");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name(), "shelves/a b中");
}

TEST(TranscoderTest, NestedPathFieldAndMessageBody) {
  auto r = Transcode<test::UpdateBookRequest>(
      "PATCH", "/test/shelves/s1/books/b2?updateMask=title,genre&validateOnly=true",
      R"({"title":"史记","genre":"HISTORY","name":"ignored/by/path"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, EqualsProto(R"pb(
    book { name: "shelves/s1/books/b2" title: "史记" genre: HISTORY }
    update_mask { paths: "title" paths: "genre" }
    validate_only: true
  )pb"));
}

TEST(TranscoderTest, BodyStarTakesEveryField) {
  auto r = Transcode<test::MoveBookRequest>("POST", "/test/shelves/s1/books/b2:move",
                                            R"({"destination":"shelves/s9","etag":"e1"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(
      *r, EqualsProto(R"pb(name: "shelves/s1/books/b2" destination: "shelves/s9" etag: "e1")pb"));
}

TEST(TranscoderTest, BodyStarRefusesQueryParameters) {
  auto r = Transcode<test::MoveBookRequest>("POST", "/test/shelves/s1/books/b2:move?etag=e1",
                                            R"({"destination":"shelves/s9"})");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("query parameter etag"));
}

TEST(TranscoderTest, RepeatedBodyField) {
  auto r = Transcode<test::TagBooksRequest>("POST", "/test/shelves/s1:tag?requestId=r1",
                                            R"(["old", "rare"])");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r,
              EqualsProto(R"pb(parent: "shelves/s1" tags: "old" tags: "rare" request_id: "r1")pb"));
}

TEST(TranscoderTest, QueryParametersOfEveryKind) {
  auto r = Transcode<test::ListBooksRequest>(
      "GET",
      "/test/shelves/s1/"
      "books?pageSize=20&page_token=t%2B1&tags=a&tags=b+c&ids=1&ids=-9007199254740993"
      "&filter.pages.min=10&filter.pages.max=200&filter.genres=POETRY&filter.genres=1"
      "&filter.author=%E5%8F%B8%E9%A9%AC%E8%BF%81&includeHidden=true&minRating=4.5"
      "&since=2026-11-26T02:00:00Z&within=3.5s&readMask=title,authors&maxPrice=30"
      "&signedCopy=false&cursor=AAEC&edition=3");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, EqualsProto(R"pb(
    parent: "shelves/s1"
    page_size: 20
    page_token: "t+1"
    tags: "a"
    tags: "b c"
    ids: 1
    ids: -9007199254740993
    filter {
      pages { min: 10 max: 200 }
      genres: POETRY
      genres: HISTORY
      author: "司马迁"
    }
    include_hidden: true
    min_rating: 4.5
    since { seconds: 1795658400 }
    within { seconds: 3 nanos: 500000000 }
    read_mask { paths: "title" paths: "authors" }
    max_price { value: 30 }
    signed_copy {}
    cursor: "\000\001\002"
    edition: 3
  )pb"));
}

TEST(TranscoderTest, BadQueryValuesNameTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pageSize=ten", "query parameter pageSize: \"ten\" is not a 32-bit integer"},
      {"pageSize=4294967296", "is not a 32-bit integer"},
      {"edition=-1", "is not an unsigned 32-bit integer"},
      {"includeHidden=yes", "is not true or false"},
      {"filter.genres=NOVEL", "is not one of GENRE_UNSPECIFIED, HISTORY, POETRY"},
      {"since=yesterday", "is not a valid Timestamp"},
      {"minRating=high", "is not a number"},
      {"cursor=***", "is not base64"},
      {"filter.author=%FF", "is not valid UTF-8"},
      {"nope=1", "query parameter nope: no such field"},
      {"filter.nope=1", "query parameter filter.nope: no such field"},
      {"filter=x", "a message (kaoping.gatewaytest.Filter)"},
      {"labels=x", "a map or a list of messages"},
      {"ranges.min=1", "no such field"},
      {"parent=shelves/s2", "already given by the path"},
      {"pageSize=1&pageSize=2", "given twice"},
      {"pageSize=%zz", "bad percent-encoding"},
  };
  for (const auto& [query, expected] : cases) {
    auto r = Transcode<test::ListBooksRequest>("GET", "/test/shelves/s1/books?" + query);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_THAT(r.status().message(), HasSubstr(expected)) << query;
  }
}

TEST(TranscoderTest, QueryCannotSetTheBodyField) {
  auto r =
      Transcode<test::UpdateBookRequest>("PATCH", "/test/shelves/s1/books/b2?book.title=x", "{}");
  EXPECT_THAT(r.status().message(), HasSubstr("query parameter book.title: part of the JSON body"));
}

TEST(TranscoderTest, DoubleWildcardKeepsSlashes) {
  auto r = Transcode<test::ReadFileRequest>("GET", "/test/files/a/b%2Fc/d.txt?offset=5");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(*r, EqualsProto(R"pb(path: "a/b%2Fc/d.txt" offset: 5)pb"));
}

TEST(TranscoderTest, AdditionalBindingsRouteToTheSameMethod) {
  auto a = Transcode<test::DeleteBookRequest>("DELETE", "/test/shelves/s1/books/b2?etag=e");
  auto b = Transcode<test::DeleteBookRequest>("POST", "/test/shelves/s1/books/b2:delete",
                                              R"({"etag":"e"})");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name(), "shelves/s1/books/b2");
  // The additional binding has no body: a body is refused.
  EXPECT_THAT(b.status().message(), HasSubstr("takes no request body"));
}

TEST(TranscoderTest, MalformedAndUnknownJsonAreRefused) {
  // (protobuf 3.21 tolerates a trailing comma; everything else malformed is refused.)
  for (const char* body : {R"({"title": )", R"({"title" "x"})", "[1]", R"("text")",
                           R"({"title": 5})", R"({"genre": "NOVEL"})"}) {
    auto r = Transcode<test::UpdateBookRequest>("PATCH", "/test/shelves/s1/books/b2", body);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(r.status().message(), HasSubstr("request body")) << body;
  }
  auto unknown =
      Transcode<test::UpdateBookRequest>("PATCH", "/test/shelves/s1/books/b2", R"({"titel": "x"})");
  EXPECT_THAT(unknown.status().message(), HasSubstr("titel"));
}

TEST(TranscoderTest, ResponseBodyShowsOnlyThatField) {
  RouteTable::Match match = Table().Find("GET", "/test/ping");
  ASSERT_EQ(match.outcome, RouteTable::Match::Outcome::kFound);
  test::PingResponse response;
  response.mutable_payload()->set_text("pong");
  response.set_hidden("secret");
  auto json = ResponseToJson(*match.route, response);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"text":"pong"})");
}

TEST(TranscoderTest, ApiRoutesTranscode) {
  auto resolve = Transcode<v1::ResolveCatalogRequest>(
      "GET",
      "/v1/regions/510114/catalog:resolve?postTier=PRINCIPAL&sector=TOWNSHIP&date.year=2027&date."
      "month=3&date.day=1");
  ASSERT_TRUE(resolve.ok()) << resolve.status();
  EXPECT_THAT(*resolve, EqualsProto(R"pb(region: "regions/510114"
                                         post_tier: PRINCIPAL
                                         sector: TOWNSHIP
                                         date { year: 2027 month: 3 day: 1 })pb"));
  auto update = Transcode<v1::UpdateIndicatorSetRequest>(
      "PATCH", "/v1/regions/510114/indicatorSets/s1?updateMask=displayName",
      R"({"displayName":"二〇二七"})");
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->indicator_set().name(), "regions/510114/indicatorSets/s1");
  EXPECT_EQ(update->update_mask().paths(0), "display_name");
}

TEST(TranscoderTest, MatchOutcomes) {
  EXPECT_EQ(Table().Find("GET", "/v1/nothing/here").outcome, RouteTable::Match::Outcome::kNoRoute);
  RouteTable::Match wrong = Table().Find("PUT", "/v1/regions/510114/indicatorSets/s1");
  EXPECT_EQ(wrong.outcome, RouteTable::Match::Outcome::kWrongMethod);
  EXPECT_THAT(wrong.allowed, ::testing::ElementsAre("DELETE", "GET", "PATCH"));
  EXPECT_EQ(Table().Find("GET", "/v1/regions/510114/indicatorSets/s1:frobnicate").outcome,
            RouteTable::Match::Outcome::kNoRoute);
  EXPECT_EQ(Table().Find("GET", "/v1/regions/510114/indicatorSets/").outcome,
            RouteTable::Match::Outcome::kNoRoute);
  EXPECT_EQ(Table().Find("GET", "/test/shelves/%G1").outcome, RouteTable::Match::Outcome::kBadPath);
}

}  // namespace
}  // namespace kaoping::gateway
