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
//
// An idle connection is checked with `alive` before it is handed out. One
// found dead means the server went away (a restart, a failover): every idle
// connection is then closed, since they died with it, and a fresh one is
// opened, so that the first calls after the server returns succeed instead
// of each drawing another dead connection.
template <typename Connection>
class ConnectionPool {
 public:
  using Connector = std::function<absl::StatusOr<std::unique_ptr<Connection>>()>;
  using AliveCheck = std::function<bool(Connection&)>;

  ConnectionPool(int max, absl::Duration wait, Connector connect, AliveCheck alive = nullptr)
      : max_(max), wait_(wait), connect_(std::move(connect)), alive_(std::move(alive)) {}

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
        if (alive_ == nullptr || alive_(*conn)) {
          return conn;
        }
        // The dead one's slot is reused for the fresh connection below.
        DropIdleLocked();
      } else {
        ++open_;
      }
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

  // Closes every idle connection (the server they lead to is gone).
  void DropIdle() {
    absl::MutexLock lock(&mutex_);
    DropIdleLocked();
  }

 private:
  void DropIdleLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    open_ -= static_cast<int>(idle_.size());
    idle_.clear();
  }

  const int max_;
  const absl::Duration wait_;
  Connector connect_;
  AliveCheck alive_;
  absl::Mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mutex_);
  int open_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace kaoping::db
