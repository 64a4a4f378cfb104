#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kaoping::signing::testing {

// INVALID_ARGUMENT whose message contains `fragment`.
inline void ExpectInvalid(const absl::Status& status, absl::string_view fragment) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(std::string(fragment)));
}

}  // namespace kaoping::signing::testing
