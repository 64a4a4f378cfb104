#include "services/common/api/text_limits.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace kaoping {
namespace {

TEST(TextLimitsTest, CountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("考察预告"), 4u);  // 12 bytes
  EXPECT_TRUE(CheckText("comment", "考察预告", 4).ok());
  absl::Status status = CheckText("form.comment", "考察预告!", 4);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "form.comment: at most 4 characters, got 5"))
      << status;
}

TEST(TextLimitsTest, RequiredTextNamesTheField) {
  EXPECT_TRUE(CheckText("display_name", "", 10).ok());
  absl::Status status = CheckText("campaign.display_name", "", 10, /*required=*/true);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "campaign.display_name: required");
}

TEST(TextLimitsTest, CountsAreBoundedOnBothSides) {
  EXPECT_TRUE(CheckCount("subjects", 0, 1000).ok());
  EXPECT_TRUE(CheckCount("subjects", 1000, 1000, 1).ok());
  absl::Status many = CheckCount("subjects", 1001, 1000);
  EXPECT_EQ(many.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(many.message(), "subjects: at most 1000 entries, got 1001");
  absl::Status none = CheckCount("requests", 0, 1000, 1);
  EXPECT_EQ(none.message(), "requests: at least 1 entry required");
}

}  // namespace
}  // namespace kaoping
