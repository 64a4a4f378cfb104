#pragma once

#include <cstdint>
#include <optional>

namespace kaoping {

// Converting a double to an integer is undefined behaviour in C++ when the
// double is NaN or its truncation does not fit the integer type; a value
// from outside (JSON, a REAL column, configuration) can be either. These are
// the only ways the runtime turns doubles into integers.

// The integer `value` is exactly; nullopt for NaN, ±Inf, a fraction or a
// value beyond int64_t (what a JSON number that must be a count needs).
std::optional<int64_t> ExactInt64(double value);

// `value` truncated toward zero and clamped to int64_t; NaN is 0.
int64_t SaturatingInt64(double value);

}  // namespace kaoping
