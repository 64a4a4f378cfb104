#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace kaoping {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// A field of a structured log line; numbers stay numbers in the JSON.
class LogValue {
 public:
  LogValue(absl::string_view s) : text_(s), quoted_(true) {}
  LogValue(const std::string& s) : text_(s), quoted_(true) {}
  LogValue(const char* s) : text_(s), quoted_(true) {}
  LogValue(int64_t v) : text_(std::to_string(v)) {}
  LogValue(int v) : text_(std::to_string(v)) {}
  LogValue(double v);
  LogValue(bool v) : text_(v ? "true" : "false") {}
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }

 private:
  std::string text_;
  bool quoted_ = false;
};

using LogFields = std::initializer_list<std::pair<absl::string_view, LogValue>>;

// Structured logs: one JSON object per line on stderr, e.g.
// {"time":"2026-11-26T19:40:00.123Z","level":"info","service":"indicators","msg":"listening","address":"[::]:50051"}
void InitLogging(absl::string_view service, LogLevel min_level);
// "debug", "info", "warning", "error"; false if unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);
void Log(LogLevel level, absl::string_view message, LogFields fields = {});

inline void LogInfo(absl::string_view m, LogFields f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(absl::string_view m, LogFields f = {}) { Log(LogLevel::kWarning, m, f); }
inline void LogError(absl::string_view m, LogFields f = {}) { Log(LogLevel::kError, m, f); }
inline void LogDebug(absl::string_view m, LogFields f = {}) { Log(LogLevel::kDebug, m, f); }

// JSON string escaping (quotes included), shared with other JSON writers.
std::string JsonQuote(absl::string_view s);

}  // namespace kaoping
