// What a client may see of a failure: database and internal detail stays in
// the log; the client gets the code and a reference.
#include "services/common/server/public_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/db/database.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PublicStatusTest, DatabaseDetailNeverReachesTheClient) {
  const absl::Status raw =
      db::DatabaseError(absl::StatusCode::kAlreadyExists,
                        "`INSERT INTO cadres ...`: duplicate key value violates unique constraint; "
                        "Key (region_code, id)=(510114, zhang-san) already exists.");
  const absl::Status shown = PublicStatus(raw, "E1-7");
  EXPECT_EQ(shown.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(shown.message(), Not(HasSubstr("INSERT")));
  EXPECT_THAT(shown.message(), Not(HasSubstr("zhang-san")));
  EXPECT_THAT(shown.message(), HasSubstr("E1-7"));

  const absl::Status lost = PublicStatus(
      db::DatabaseError(absl::StatusCode::kUnavailable, "connection to 10.0.0.5:5432 refused",
                        /*retryable=*/true),
      "E2");
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(lost.message(), Not(HasSubstr("10.0.0.5")));
  EXPECT_THAT(lost.message(), HasSubstr("try again"));

  const absl::Status unknown =
      PublicStatus(db::DatabaseError(absl::StatusCode::kUnknown, "lost during COMMIT"), "E3");
  EXPECT_THAT(unknown.message(), HasSubstr("read before retrying"));
}

TEST(PublicStatusTest, InternalErrorsAreHiddenAndDomainErrorsPassAsTheyAre) {
  const absl::Status internal = PublicStatus(absl::InternalError("null pointer in Foo"), "E4");
  EXPECT_EQ(internal.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(internal.message(), "internal error (reference E4)");
  const absl::Status domain =
      absl::InvalidArgumentError("effective_from: 2026-01-01 is in the past");
  EXPECT_EQ(PublicStatus(domain, "E5"), domain);
  const absl::Status state = absl::FailedPreconditionError("regions/510114/x is PUBLISHED");
  EXPECT_EQ(PublicStatus(state, "E6"), state);
}

}  // namespace
}  // namespace kaoping
