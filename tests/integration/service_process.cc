#include "tests/integration/service_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/subprocess.h"

namespace kaoping::testing {

absl::StatusOr<ServiceProcess> ServiceProcess::Start(const std::string& binary,
                                                     const std::string& dir,
                                                     const std::string& name,
                                                     const std::string& config) {
  const std::string config_path = absl::StrCat(dir, "/", name, ".conf");
  std::ofstream(config_path) << config;
  ServiceProcess process;
  process.log_path_ = absl::StrCat(dir, "/", name, ".log");
  std::ofstream(process.log_path_, std::ios::trunc).close();
  auto pid = Spawn({binary, "--config", config_path}, process.log_path_);
  if (!pid.ok()) {
    return pid.status();
  }
  process.pid_ = *pid;
  const std::string marker = "\"msg\":\"serving\",\"address\":\"";
  if (!process.WaitForLog(marker, absl::Seconds(60))) {
    return absl::UnavailableError(absl::StrCat(name, " did not start:\n", process.Log()));
  }
  const std::string log = process.Log();
  const size_t start = log.find(marker) + marker.size();
  process.address_ = log.substr(start, log.find('"', start) - start);
  return process;
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) {
    Terminate(pid_, SIGKILL);
  }
}

std::string ServiceProcess::Log() const { return TailOfFile(log_path_, 1 << 20); }

void ServiceProcess::Signal(int signal) const { kill(pid_, signal); }

absl::StatusOr<int> ServiceProcess::WaitForExit(absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("the process is still running");
}

bool ServiceProcess::WaitForLog(const std::string& text, absl::Duration limit) const {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    if (Log().find(text) != std::string::npos) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return Log().find(text) != std::string::npos;
}

}  // namespace kaoping::testing
