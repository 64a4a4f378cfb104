// Doubles from outside (JSON, REAL columns) turned into integers: never
// undefined behaviour, whatever the value (the sanitizer build checks
// float-cast-overflow, so a conversion left unchecked fails these tests).
#include "services/common/numeric.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/audit/audit_checkpoint.h"
#include "services/common/db/database.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(NumericTest, ExactInt64TakesOnlyIntegersInRange) {
  EXPECT_EQ(ExactInt64(0), 0);
  EXPECT_EQ(ExactInt64(-42), -42);
  EXPECT_EQ(ExactInt64(9007199254740992.0), 9007199254740992);
  EXPECT_EQ(ExactInt64(-9223372036854775808.0), kMin);
  EXPECT_EQ(ExactInt64(9223372036854775808.0), std::nullopt) << "2^63 is past int64_t";
  EXPECT_EQ(ExactInt64(1e300), std::nullopt);
  EXPECT_EQ(ExactInt64(-1e300), std::nullopt);
  EXPECT_EQ(ExactInt64(kInf), std::nullopt);
  EXPECT_EQ(ExactInt64(-kInf), std::nullopt);
  EXPECT_EQ(ExactInt64(kNaN), std::nullopt);
  EXPECT_EQ(ExactInt64(2.5), std::nullopt);
}

TEST(NumericTest, SaturatingInt64TruncatesClampsAndReadsNaNAsZero) {
  EXPECT_EQ(SaturatingInt64(2.9), 2);
  EXPECT_EQ(SaturatingInt64(-2.9), -2);
  EXPECT_EQ(SaturatingInt64(1e300), kMax);
  EXPECT_EQ(SaturatingInt64(kInf), kMax);
  EXPECT_EQ(SaturatingInt64(9223372036854775808.0), kMax);
  EXPECT_EQ(SaturatingInt64(-1e300), kMin);
  EXPECT_EQ(SaturatingInt64(-kInf), kMin);
  EXPECT_EQ(SaturatingInt64(kNaN), 0);
}

TEST(NumericTest, AValueHoldingADoubleReadsAsAnIntegerWithoutUndefinedBehaviour) {
  EXPECT_EQ(db::Value(41.7).AsInt(), 41);
  EXPECT_EQ(db::Value(kNaN).AsInt(), 0);
  EXPECT_EQ(db::Value(1e300).AsInt(), kMax);
  EXPECT_EQ(db::Value(-kInf).AsInt(), kMin);
}

std::string CheckpointWithSeq(const std::string& seq) {
  return "{\"format\":\"kaoping-audit-checkpoint/1\",\"time\":\"2026-01-01T00:00:00.000000Z\","
         "\"heads\":[{\"region\":\"510114\",\"seq\":" +
         seq + ",\"hash\":\"00\"}],\"mac\":\"00\"}";
}

TEST(NumericTest, ACheckpointsSeqBeyondACountIsRefusedNamingTheHead) {
  for (const std::string seq : {"1e300", "-1e300", "9223372036854775808", "2.5", "-1"}) {
    auto parsed = ParseAuditCheckpoint(CheckpointWithSeq(seq), "");
    ASSERT_FALSE(parsed.ok()) << seq;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << seq;
    EXPECT_THAT(parsed.status().message(), HasSubstr("heads[0]")) << seq;
  }
  // A count gets past the heads to the MAC (which this made-up one fails).
  EXPECT_THAT(ParseAuditCheckpoint(CheckpointWithSeq("12"), "").status().message(),
              HasSubstr("MAC"));
}

}  // namespace
}  // namespace kaoping
