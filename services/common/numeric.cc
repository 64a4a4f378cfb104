#include "services/common/numeric.h"

#include <cmath>
#include <limits>

namespace kaoping {
namespace {

// 2^63 as a double, exactly: the first value past int64_t's range (its
// maximum, 2^63 - 1, is not a double and rounds up to this).
constexpr double kTwoTo63 = 9223372036854775808.0;

}  // namespace

std::optional<int64_t> ExactInt64(double value) {
  if (!(value >= -kTwoTo63 && value < kTwoTo63) || std::trunc(value) != value) {
    return std::nullopt;  // NaN fails the range test too
  }
  return static_cast<int64_t>(value);
}

int64_t SaturatingInt64(double value) {
  if (std::isnan(value)) {
    return 0;
  }
  if (value >= kTwoTo63) {
    return std::numeric_limits<int64_t>::max();
  }
  if (value < -kTwoTo63) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(value);
}

}  // namespace kaoping
