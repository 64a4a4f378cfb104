#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kaoping {

// The one way the runtime does work in the background (the event relay, the
// stream consumer, the retention purger, the audit checkpoint logger): a
// thread that runs a step again and again until stopped.
//
// A step returns how long to wait before the next one (zero: at once), or an
// error, after which the loop backs off (doubling up to max_backoff) and
// logs the trouble once, and its end once ("… resumed"). Wake() cuts a wait
// short. Stop() lets a running step finish, then joins: an owner stops its
// loop before destroying anything the step uses, and the destructor stops it
// too, so a loop declared after what it uses is always stopped first.
class BackgroundLoop {
 public:
  using Step = std::function<absl::StatusOr<absl::Duration>()>;

  struct Options {
    // Names the loop in its log lines, e.g. "event relay".
    std::string name;
    absl::Duration initial_backoff = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(5);
  };

  BackgroundLoop(Options options, Step step);
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // Starts the thread; a loop that runs already is left alone.
  void Start();
  // Idempotent; returns once the thread has ended.
  void Stop();
  // The next wait ends at once (a step already waiting wakes up).
  void Wake();
  bool running() const;

 private:
  void Run();
  bool stopping() const;
  // Waits up to `wait` for Wake() or Stop(); false when stopping.
  bool Wait(absl::Duration wait);

  const Options options_;
  const Step step_;
  mutable absl::Mutex mutex_;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace kaoping
