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
  // A value already rendered as JSON (an object, an array), written as it is.
  static LogValue Json(std::string json) {
    LogValue value(int64_t{0});
    value.text_ = std::move(json);
    return value;
  }
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }

 private:
  std::string text_;
  bool quoted_ = false;
};

using LogFields = std::initializer_list<std::pair<absl::string_view, LogValue>>;

// Structured logs: one JSON object per line on stderr, e.g.
// {"time":"2026-11-26T19:40:00.123Z","level":"info","service":"indicators","msg":"listening","address":"[::]:50051"}
// Every string is escaped (JsonQuote), so a caller's text cannot break a line
// or reach a terminal as a control sequence. InitLogging also routes what
// gRPC (gpr_log) and protobuf (GOOGLE_LOG) print through here, as lines with
// "library":"grpc"|"protobuf", so that every line on stderr stays one object.
void InitLogging(absl::string_view service, LogLevel min_level);
// "debug", "info", "warning", "error"; false if unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);
void Log(LogLevel level, absl::string_view message, LogFields fields = {});

inline void LogInfo(absl::string_view m, LogFields f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(absl::string_view m, LogFields f = {}) { Log(LogLevel::kWarning, m, f); }
inline void LogError(absl::string_view m, LogFields f = {}) { Log(LogLevel::kError, m, f); }
inline void LogDebug(absl::string_view m, LogFields f = {}) { Log(LogLevel::kDebug, m, f); }

// JSON string escaping (quotes included), shared with other JSON writers.
// Control characters (C0, DEL, C1), line and paragraph separators and
// bidirectional overrides are written as \uXXXX; bytes that are not UTF-8
// become U+FFFD, so that the output is always valid JSON.
std::string JsonQuote(absl::string_view s);

}  // namespace kaoping
