#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace kaoping {

// A fixed set of threads that run RPC bodies. gRPC's callback reactions run
// on a small library-owned pool that must never block; bodies here wait on
// databases and locks, so they run on these threads instead. The queue is
// bounded in calls and in bytes (the sizes the submitters declare, i.e. the
// requests' sizes), so that an overloaded process says so
// (RESOURCE_EXHAUSTED) instead of growing without end.
//
// The hand-off wakes one thread at most: a task given while a worker is
// idle goes straight to that worker (the one idle the shortest time, its
// caches warm), which alone is signalled; a worker that finishes takes the
// next queued task without sleeping. (Workers spinning briefly before they
// sleep were measured too: on a shared 2-core host they cost more CPU than
// the wake-ups they saved; bench/runtime.)
class WorkerPool {
 public:
  // Called once: with true on a worker, or with false when the pool shut
  // down before the task started (the task then answers UNAVAILABLE).
  using Task = absl::AnyInvocable<void(bool run)>;

  WorkerPool(int threads, size_t max_queued, size_t max_queued_bytes);
  // Shutdown().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full (in calls or bytes) or the pool is shut
  // down; the task is then dropped without being called.
  bool TrySubmit(Task task, size_t bytes);

  // Tasks waiting for a worker (health reports, tests).
  size_t queued() const;

  // Refuses new tasks, calls every queued one with false, lets the running
  // ones finish and joins. Called once (later calls return at once).
  void Shutdown();

 private:
  struct Job {
    Task task;
    size_t bytes = 0;
  };
  struct Worker {
    absl::CondVar wake;
    Job job;               // given directly while idle; guarded by the pool's mutex
    bool has_job = false;  // guarded by the pool's mutex
    std::thread thread;
  };
  void Work(Worker* self);

  const size_t max_queued_;
  const size_t max_queued_bytes_;
  mutable absl::Mutex mutex_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mutex_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mutex_) = 0;
  std::vector<Worker*> idle_ ABSL_GUARDED_BY(mutex_);  // the last one idled most recently
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace kaoping
