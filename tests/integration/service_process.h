#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kaoping::testing {

// A service binary run as a child process with a configuration file, its
// stdout and stderr in a log file: started and waited for until it logs
// "serving" (the address it bound is read from that line).
class ServiceProcess {
 public:
  // Writes `config` to DIR/NAME.conf and starts `binary --config` on it.
  static absl::StatusOr<ServiceProcess> Start(const std::string& binary, const std::string& dir,
                                              const std::string& name, const std::string& config);
  ServiceProcess(ServiceProcess&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)),
        log_path_(std::move(other.log_path_)),
        address_(std::move(other.address_)) {}
  ServiceProcess& operator=(ServiceProcess&&) = delete;
  // Kills the process if it still runs.
  ~ServiceProcess();

  const std::string& address() const { return address_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

  void Signal(int signal) const;
  // Waits up to `limit` for the process to end by itself; returns its exit
  // code (128 + signal if a signal ended it), or DEADLINE_EXCEEDED.
  absl::StatusOr<int> WaitForExit(absl::Duration limit);
  // Waits up to `limit` until the log holds `text`.
  bool WaitForLog(const std::string& text, absl::Duration limit) const;

 private:
  ServiceProcess() = default;

  pid_t pid_ = -1;
  std::string log_path_;
  std::string address_;
};

}  // namespace kaoping::testing
