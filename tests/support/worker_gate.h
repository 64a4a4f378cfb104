#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "services/common/server/worker_pool.h"

namespace kaoping::testing {

// Occupies workers of a pool until released, so that calls queue behind
// them (tests of the call path). Tasks hold their own share of the gate: a
// gate may go before its pool, and releases on destruction.
class WorkerGate {
 public:
  ~WorkerGate() { Release(); }

  // Returns once `workers` tasks are running and waiting at the gate.
  bool Occupy(WorkerPool& pool, int workers = 1) {
    for (int i = 0; i < workers; ++i) {
      if (!pool.TrySubmit(
              [gate = gate_, started = started_](bool run) {
                if (run) {
                  ++*started;
                  gate.wait();
                }
              },
              0)) {
        return false;
      }
    }
    while (started_->load() < workers) {
      std::this_thread::yield();
    }
    return true;
  }

  void Release() {
    if (!released_) {
      released_ = true;
      release_.set_value();
    }
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> gate_ = release_.get_future().share();
  std::shared_ptr<std::atomic<int>> started_ = std::make_shared<std::atomic<int>>(0);
  bool released_ = false;
};

}  // namespace kaoping::testing
