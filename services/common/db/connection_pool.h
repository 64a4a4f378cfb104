#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/db/database.h"

namespace kaoping::db {

// At most `max` connections, opened on demand and reused. A caller finding
// every connection busy waits up to `wait`, then gets a retryable UNAVAILABLE.
template <typename Connection>
class ConnectionPool {
 public:
  using Connector = std::function<absl::StatusOr<std::unique_ptr<Connection>>()>;

  ConnectionPool(int max, absl::Duration wait, Connector connect)
      : max_(max), wait_(wait), connect_(std::move(connect)) {}

  absl::StatusOr<std::unique_ptr<Connection>> Acquire() {
    {
      absl::MutexLock lock(&mutex_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return !idle_.empty() || open_ < max_;
      };
      if (!mutex_.AwaitWithTimeout(absl::Condition(&available), wait_)) {
        return DatabaseError(absl::StatusCode::kUnavailable,
                             "database busy: every pooled connection is in use",
                             /*retryable=*/true);
      }
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;
    }
    auto conn = connect_();
    if (!conn.ok()) {
      absl::MutexLock lock(&mutex_);
      --open_;
    }
    return conn;
  }

  // A connection that is broken (or in an unknown state) is closed instead
  // of kept; the next Acquire opens a new one.
  void Release(std::unique_ptr<Connection> conn, bool reusable) {
    absl::MutexLock lock(&mutex_);
    if (!reusable) {
      --open_;
      return;  // conn closes as it goes out of scope
    }
    idle_.push_back(std::move(conn));
  }

 private:
  const int max_;
  const absl::Duration wait_;
  Connector connect_;
  absl::Mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mutex_);
  int open_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace kaoping::db
