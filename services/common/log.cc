#include "services/common/log.h"

#include <cmath>
#include <cstdio>

#include <grpc/support/log.h>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"
#include "services/common/text_escape.h"

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
  for (size_t pos = 0; pos < s.size();) {
    const size_t start = pos;
    const int32_t c = NextCodePoint(s, &pos);
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
      case -1:
        out += "\\ufffd";
        break;
      default:
        if (IsUnsafeCodePoint(c)) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          absl::StrAppend(&out, s.substr(start, pos - start));
        }
    }
  }
  out += '"';
  return out;
}

namespace {

// gRPC's own log lines (gpr_log), as ours.
void GrpcLogLine(gpr_log_func_args* args) {
  LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR  ? LogLevel::kError
                   : args->severity == GPR_LOG_SEVERITY_INFO ? LogLevel::kInfo
                                                             : LogLevel::kDebug;
  Log(level, args->message != nullptr ? args->message : "",
      {{"library", "grpc"},
       {"file", args->file != nullptr ? args->file : ""},
       {"line", args->line}});
}

// protobuf's (GOOGLE_LOG), as ours.
void ProtobufLogLine(google::protobuf::LogLevel level, const char* file, int line,
                     const std::string& message) {
  LogLevel ours = level == google::protobuf::LOGLEVEL_INFO      ? LogLevel::kInfo
                  : level == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarning
                                                                : LogLevel::kError;
  Log(ours, message,
      {{"library", "protobuf"}, {"file", file != nullptr ? file : ""}, {"line", line}});
}

void RouteLibraryLogs() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    gpr_set_log_function(GrpcLogLine);
    google::protobuf::SetLogHandler(ProtobufLogLine);
  });
}

}  // namespace

void InitLogging(absl::string_view service, LogLevel min_level) {
  RouteLibraryLogs();
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
