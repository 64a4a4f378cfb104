#include "services/common/server/worker_pool.h"

#include <algorithm>

namespace kaoping {

WorkerPool::WorkerPool(int threads, size_t max_queued, size_t max_queued_bytes)
    : max_queued_(max_queued), max_queued_bytes_(max_queued_bytes) {
  for (int i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
  }
  for (auto& worker : workers_) {
    worker->thread = std::thread([this, w = worker.get()] { Work(w); });
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(Task task, size_t bytes) {
  Worker* worker = nullptr;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) {
      return false;
    }
    if (!idle_.empty()) {
      worker = idle_.back();
      idle_.pop_back();
      worker->job = Job{std::move(task), bytes};
      worker->has_job = true;
    } else {
      if (queue_.size() >= max_queued_ || bytes > max_queued_bytes_ - queued_bytes_) {
        return false;
      }
      queue_.push_back(Job{std::move(task), bytes});
      queued_bytes_ += bytes;
    }
  }
  if (worker != nullptr) {
    worker->wake.Signal();
  }
  return true;
}

size_t WorkerPool::queued() const {
  absl::MutexLock lock(&mutex_);
  return queue_.size();
}

void WorkerPool::Work(Worker* self) {
  absl::MutexLock lock(&mutex_);
  while (true) {
    Job job;
    if (self->has_job) {
      job = std::move(self->job);
      self->has_job = false;
    } else if (!queue_.empty()) {
      job = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= job.bytes;
    } else if (stopping_) {
      return;
    } else {
      idle_.push_back(self);
      while (!self->has_job && !stopping_) {
        self->wake.Wait(&mutex_);
      }
      continue;
    }
    mutex_.Unlock();
    job.task(true);
    job.task = nullptr;  // what the task holds is released outside the lock
    mutex_.Lock();
  }
}

void WorkerPool::Shutdown() {
  std::deque<Job> refused;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    refused.swap(queue_);
    queued_bytes_ = 0;
    idle_.clear();
  }
  for (auto& worker : workers_) {
    worker->wake.Signal();
  }
  for (Job& job : refused) {
    job.task(false);
  }
  for (auto& worker : workers_) {
    worker->thread.join();
  }
}

}  // namespace kaoping
