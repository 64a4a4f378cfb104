#include "services/common/server/process_main.h"

#include "absl/strings/str_join.h"
#include "services/common/log.h"
#include "services/common/server/grpc_server.h"
#include "services/common/status_macros.h"

namespace kaoping {

absl::StatusOr<Config> LoadProcessConfig(int argc, char** argv, absl::string_view process,
                                         absl::FunctionRef<absl::Status(Config&)> check) {
  BlockTerminationSignals();
  InitLogging(process, LogLevel::kInfo);
  ASSIGN_OR_RETURN(Config config, Config::Load(argc, argv));
  RETURN_IF_ERROR(check(config));
  LogLevel level = LogLevel::kInfo;
  if (!ParseLogLevel(config.Get("log_level", "info"), &level)) {
    return absl::InvalidArgumentError(
        "configuration: `log_level` must be debug, info, warning or error");
  }
  InitLogging(process, level);
  if (!config.ignored_environment().empty()) {
    LogInfo("environment variables ignored: not configuration keys of this process",
            {{"variables", absl::StrJoin(config.ignored_environment(), ",")}});
  }
  return config;
}

int StartFailure(const absl::Status& status) {
  LogError("cannot start", {{"error", status.ToString()}});
  return status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kFailedPrecondition ||
                 status.code() == absl::StatusCode::kNotFound
             ? 2
             : 1;
}

int ServeUntilSignal(absl::FunctionRef<void()> stop) {
  const int signal = WaitForTerminationSignal();
  LogInfo("shutting down", {{"signal", signal}});
  stop();
  LogInfo("stopped");
  return 0;
}

}  // namespace kaoping
