#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kaoping::testing {

// Runs argv to completion; stdout and stderr go to log_path (appended) so a
// failing start-up can be diagnosed. Returns the exit status as an error.
absl::Status RunToCompletion(const std::vector<std::string>& argv, const std::string& log_path);

// Starts argv in the background; returns its pid. Output goes to log_path.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path);

// Sends signal and reaps the child, waiting at most timeout_ms before SIGKILL.
void Terminate(pid_t pid, int signal, int timeout_ms = 10000);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, close).
absl::StatusOr<int> PickFreePort();

// The last `max_bytes` of a file, for error messages.
std::string TailOfFile(const std::string& path, size_t max_bytes = 2000);

// Creates a fresh directory under $TMPDIR (or /tmp).
absl::StatusOr<std::string> MakeTempDir(const std::string& prefix);

// A fresh directory as above, recording this process as its owner, so that
// if the process dies without cleaning up, AbandonedTempDirs finds it.
absl::StatusOr<std::string> MakeOwnedTempDir(const std::string& prefix);
// Directories made by MakeOwnedTempDir(prefix) whose owner is gone (a test
// binary that crashed or was killed), for the caller to stop what runs in
// them and remove them.
std::vector<std::string> AbandonedTempDirs(const std::string& prefix);

// Removes a directory tree; errors ignored (best effort clean-up).
void RemoveTree(const std::string& path);

}  // namespace kaoping::testing
