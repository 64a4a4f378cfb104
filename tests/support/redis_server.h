#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kaoping::testing {

// A real redis-server for tests: free port on 127.0.0.1, append-only file in
// a temporary directory (so a restart keeps the streams, as in production).
// Stop() and Restart() let a test take Redis away and bring it back on the
// same port.
class RedisServer {
 public:
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();
  ~RedisServer();

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // redis://127.0.0.1:PORT
  std::string url() const;
  int port() const { return port_; }

  // Stops the server (SIGTERM: it writes its append-only file and exits).
  void Stop();
  // Starts it again on the same port and data directory.
  absl::Status Restart();

 private:
  RedisServer() = default;
  absl::Status Launch();

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace kaoping::testing
