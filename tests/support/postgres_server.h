#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace kaoping::testing {

// A real PostgreSQL server for tests and benchmarks: its own cluster in a
// temporary directory, on a free port, stopped and deleted on destruction.
// initdb refuses to run as root, so as root the cluster runs as `nobody`.
// Clusters left behind by a test process that died are stopped and deleted
// by the next Start(). If KAOPING_TEST_POSTGRES_URL is set (a superuser URL), that server is used
// instead and nothing is started.
class PostgresServer {
 public:
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates an empty database with a unique name; returns its URL
  // (postgresql://postgres@127.0.0.1:PORT/NAME).
  absl::StatusOr<std::string> CreateDatabase(const std::string& prefix = "kaoping_test");

  // URL of the maintenance database `postgres`.
  const std::string& admin_url() const { return admin_url_; }

  // Stops the cluster (fast shutdown: connections are closed) and starts it
  // again on the same port: every connection a client held is now dead.
  absl::Status Restart();
  // SIGSTOP to the postmaster and every backend: the server hangs (accepts
  // TCP connections, answers nothing). Thaw() sends SIGCONT.
  absl::Status Freeze();
  absl::Status Thaw();

 private:
  PostgresServer() = default;
  absl::Status Launch();
  absl::Status SignalAll(int signal);

  std::string dir_;  // empty when an external server is used
  std::string bin_dir_;
  std::string admin_url_;
  int port_ = 0;
};

}  // namespace kaoping::testing
