#include "services/common/log.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kaoping {
namespace {

struct LogState {
  absl::Mutex mutex;
  std::string service = "kaoping";
  LogLevel min_level = LogLevel::kInfo;
};

LogState& State() {
  static LogState* state = new LogState();
  return *state;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

LogValue::LogValue(double v) { text_ = std::isfinite(v) ? absl::StrFormat("%.6g", v) : "null"; }

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

void InitLogging(absl::string_view service, LogLevel min_level) {
  LogState& state = State();
  absl::MutexLock lock(&state.mutex);
  state.service = std::string(service);
  state.min_level = min_level;
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

void Log(LogLevel level, absl::string_view message, LogFields fields) {
  LogState& state = State();
  std::string line;
  {
    absl::MutexLock lock(&state.mutex);
    if (level < state.min_level) {
      return;
    }
    line = absl::StrCat(
        "{\"time\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
        "\",\"level\":\"", LevelName(level), "\",\"service\":", JsonQuote(state.service),
        ",\"msg\":", JsonQuote(message));
  }
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",", JsonQuote(key), ":",
                    value.quoted() ? JsonQuote(value.text()) : value.text());
  }
  line += "}\n";
  absl::MutexLock lock(&state.mutex);
  // stderr is unbuffered: one write per line, whole lines never interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace kaoping
