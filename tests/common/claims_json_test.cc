// The JSON reader of JWT headers and payloads: what it accepts, and that
// anything else is refused rather than guessed at.
#include "services/common/auth/claims_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kaoping {
namespace {

using Kind = ClaimValue::Kind;

TEST(ClaimsJsonTest, ReadsStringsNumbersAndStringArrays) {
  auto claims = ParseClaimsJson(
      R"( {"sub":"zhang.san","exp":1795000060,"nbf":-1.5e2,"roles":["RATER","AUDITOR"],)"
      R"("regions":[],"obj":{"a":[1,{"b":null}]},"mixed":["a",1],"t":true,"n":null} )");
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->at("sub").kind, Kind::kString);
  EXPECT_EQ(claims->at("sub").string, "zhang.san");
  EXPECT_EQ(claims->at("exp").kind, Kind::kNumber);
  EXPECT_EQ(claims->at("exp").number, 1795000060);
  EXPECT_EQ(claims->at("nbf").number, -150);
  EXPECT_EQ(claims->at("roles").kind, Kind::kStringArray);
  EXPECT_THAT(claims->at("roles").strings, ::testing::ElementsAre("RATER", "AUDITOR"));
  EXPECT_EQ(claims->at("regions").kind, Kind::kStringArray);
  EXPECT_TRUE(claims->at("regions").strings.empty());
  EXPECT_EQ(claims->at("obj").kind, Kind::kOther);
  EXPECT_EQ(claims->at("mixed").kind, Kind::kOther);
  EXPECT_TRUE(claims->at("mixed").strings.empty());
  EXPECT_EQ(claims->at("t").kind, Kind::kOther);
  EXPECT_EQ(claims->at("n").kind, Kind::kOther);
}

TEST(ClaimsJsonTest, DecodesEscapesAndKeepsUtf8) {
  auto claims = ParseClaimsJson(
      R"({"a":"\"\\\/\b\f\n\r\t","b":"\u5f20\u4e09","c":"\ud83d\ude00","d":"张三"})");
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->at("a").string, "\"\\/\b\f\n\r\t");
  EXPECT_EQ(claims->at("b").string, "张三");
  EXPECT_EQ(claims->at("c").string, "\xF0\x9F\x98\x80");
  EXPECT_EQ(claims->at("d").string, "张三");
}

TEST(ClaimsJsonTest, RefusesWhatIsNotStrictJson) {
  const std::string bad[] = {
      "",
      "[]",
      "{",
      R"({"a":1,})",
      R"({"a" 1})",
      R"({'a':1})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":.5})",
      R"({"a":+1})",
      R"({"a":1e})",
      R"({"a":tru})",
      R"({"a":"x"} x)",
      R"({"a":1,"a":2})",
      R"({"a":"\x"})",
      R"({"a":"\ud800"})",
      R"({"a":"\udc00\ud800"})",
      R"({"a":"\u12"})",
      std::string("{\"a\":\"\x01\"}"),
      std::string("{\"a\":\"\xff\"}"),
      std::string("{\"a\":\"\xc0\xaf\"}"),          // overlong '/'
      std::string("{\"a\":\"\xed\xa0\x80\"}"),      // a surrogate in UTF-8
      std::string("{\"a\":\"\xe5\xbc\"}"),          // truncated sequence
      std::string(64, '[') + std::string(64, ']'),  // not an object, and too deep
      R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}",
  };
  for (const std::string& json : bad) {
    auto claims = ParseClaimsJson(json);
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kInvalidArgument) << json;
  }
}

TEST(ClaimsJsonTest, HugeNumbersReadAsInfinite) {
  auto claims = ParseClaimsJson(R"({"exp":1e999,"nbf":-1e999})");
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_TRUE(std::isinf(claims->at("exp").number));
  EXPECT_LT(claims->at("nbf").number, 0);
}

}  // namespace
}  // namespace kaoping
