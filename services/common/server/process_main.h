#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/config.h"

// What every server process's main() does around its own start and stop
// (ServiceMain for the services, GatewayMain for the gateway), in one place.
namespace kaoping {

// Blocks SIGINT and SIGTERM (WaitForTerminationSignal receives them), logs
// as `process`, loads the configuration (file, KAOPING_* environment,
// flags), runs `check` on it (known keys, the profile), sets the log level
// from `log_level` and lists the environment variables that named no key.
// An error is what StartFailure reports.
absl::StatusOr<Config> LoadProcessConfig(int argc, char** argv, absl::string_view process,
                                         absl::FunctionRef<absl::Status(Config&)> check);

// Logs "cannot start" and returns the exit code: 2 for bad configuration
// (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND), 1 otherwise.
int StartFailure(const absl::Status& status);

// Waits for SIGINT or SIGTERM, logs it, runs `stop` (which shuts the
// process's servers down and destroys them), logs "stopped"; returns 0.
int ServeUntilSignal(absl::FunctionRef<void()> stop);

}  // namespace kaoping
