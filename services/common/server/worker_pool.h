#pragma once

#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace kaoping {

// A fixed set of threads that run RPC bodies. gRPC's callback reactions run
// on a small library-owned pool that must never block; handlers here wait on
// databases and locks, so they run on these threads instead, and the queue
// is bounded so that an overloaded process says so (RESOURCE_EXHAUSTED)
// instead of growing without end.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queued);
  // Runs what is queued, then joins.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full; the task is then not run.
  bool TrySubmit(absl::AnyInvocable<void()> task);

 private:
  void Work();

  const size_t max_queued_;
  absl::Mutex mutex_;
  std::deque<absl::AnyInvocable<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace kaoping
