#include "services/common/background_loop.h"

#include <algorithm>

#include "services/common/log.h"

namespace kaoping {

BackgroundLoop::BackgroundLoop(Options options, Step step)
    : options_(std::move(options)), step_(std::move(step)) {}

BackgroundLoop::~BackgroundLoop() { Stop(); }

void BackgroundLoop::Start() {
  if (thread_.joinable()) {
    return;
  }
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void BackgroundLoop::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

void BackgroundLoop::Wake() {
  absl::MutexLock lock(&mutex_);
  woken_ = true;
}

bool BackgroundLoop::running() const { return thread_.joinable(); }

bool BackgroundLoop::stopping() const {
  absl::MutexLock lock(&mutex_);
  return stopping_;
}

bool BackgroundLoop::Wait(absl::Duration wait) {
  absl::MutexLock lock(&mutex_);
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return woken_ || stopping_; };
  mutex_.AwaitWithTimeout(absl::Condition(&woken), wait);
  woken_ = false;
  return !stopping_;
}

void BackgroundLoop::Run() {
  absl::Duration backoff = options_.initial_backoff;
  bool failing = false;
  while (!stopping()) {
    absl::StatusOr<absl::Duration> next = step_();
    absl::Duration wait;
    if (next.ok()) {
      if (failing) {
        LogInfo("background work resumed", {{"loop", options_.name}});
        failing = false;
      }
      backoff = options_.initial_backoff;
      wait = *next;
    } else {
      if (!failing) {
        LogWarning("background work failing; retrying with backoff",
                   {{"loop", options_.name}, {"error", next.status().ToString()}});
        failing = true;
      }
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
    if (!Wait(wait)) {
      return;
    }
  }
}

}  // namespace kaoping
