// The indicators service on the shared call path, over real gRPC on SQLite
// and PostgreSQL: a malformed body is INVALID_ARGUMENT and writes nothing; a
// write whose deadline passed while it waited for a worker never runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/client/generic_call.h"
#include "tests/indicators/service_fixture.h"
#include "tests/support/worker_gate.h"

namespace kaoping::indicators::testing {
namespace {

using ::testing::HasSubstr;

class IndicatorCallPathTest : public IndicatorServiceTest {
 protected:
  std::map<std::string, std::string> ExtraConfig() override { return {{"handler_threads", "1"}}; }

  absl::StatusOr<std::string> CallCreate(const std::string& body, absl::Duration deadline) {
    return CallRaw(*harness_->channel(), "/kaoping.v1.IndicatorService/CreateIndicatorSet", body,
                   {{"authorization", "Bearer " + harness_->Token(CountyAdmin())}}, deadline);
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, IndicatorCallPathTest,
                         ::testing::Values(::kaoping::testing::StoreKind::kSqlite,
                                           ::kaoping::testing::StoreKind::kPostgres),
                         StoreName);

TEST_P(IndicatorCallPathTest, AMalformedBodyIsInvalidArgumentAndWritesNothing) {
  const Footprint before = Snapshot();
  // A length-delimited field 1 claiming 100 bytes, then 3.
  absl::StatusOr<std::string> answer = CallCreate(std::string("\x0a\x64"
                                                              "abc",
                                                              5),
                                                  absl::Seconds(10));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(answer.status().message(), HasSubstr("kaoping.v1.CreateIndicatorSetRequest"));
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets);
  EXPECT_EQ(after.audit_rows, before.audit_rows);
}

TEST_P(IndicatorCallPathTest, AWriteWhoseDeadlinePassedInTheQueueNeverRuns) {
  ::kaoping::testing::WorkerGate gate;
  ASSERT_TRUE(gate.Occupy(harness_->runtime().workers()));
  const Footprint before = Snapshot();
  absl::StatusOr<std::string> late =
      CallCreate(CreateRequest("510114", "too-late").SerializeAsString(), absl::Milliseconds(300));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  absl::SleepFor(absl::Milliseconds(200));  // the server's deadline is a little later
  gate.Release();
  // One worker, first in first out: once this answers, the late call was taken.
  ASSERT_TRUE(IsOk(GetDefault(Rater())));
  const Footprint after = Snapshot();
  EXPECT_EQ(after.indicator_sets, before.indicator_sets) << "the body never ran";
  EXPECT_EQ(after.audit_rows, before.audit_rows);
  EXPECT_EQ(after.idempotency_rows, before.idempotency_rows);
}

}  // namespace
}  // namespace kaoping::indicators::testing
