// The one background-loop class: runs its step again and again, waits what
// the step asks, wakes early when told, backs off on errors, stops cleanly.
#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/background_loop.h"

namespace kaoping {
namespace {

template <typename F>
bool Eventually(F done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (done()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return done();
}

TEST(BackgroundLoopTest, RunsTheStepAgainAndStops) {
  std::atomic<int> steps{0};
  BackgroundLoop loop({.name = "test"}, [&]() -> absl::StatusOr<absl::Duration> {
    ++steps;
    return absl::ZeroDuration();
  });
  EXPECT_FALSE(loop.running());
  loop.Start();
  EXPECT_TRUE(loop.running());
  ASSERT_TRUE(Eventually([&] { return steps.load() > 10; }));
  loop.Stop();
  const int after_stop = steps.load();
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(steps.load(), after_stop) << "no step after Stop() returned";
  loop.Stop();  // idempotent
}

TEST(BackgroundLoopTest, WakeCutsAWaitShort) {
  std::atomic<int> steps{0};
  BackgroundLoop loop({.name = "test"}, [&]() -> absl::StatusOr<absl::Duration> {
    ++steps;
    return absl::Hours(1);
  });
  loop.Start();
  ASSERT_TRUE(Eventually([&] { return steps.load() == 1; }));
  loop.Wake();
  ASSERT_TRUE(Eventually([&] { return steps.load() == 2; })) << "woken from an hour's wait";
  // Stop also ends a long wait, at once.
  loop.Stop();
}

TEST(BackgroundLoopTest, ErrorsBackOffAndRecover) {
  std::atomic<int> steps{0};
  BackgroundLoop loop({.name = "test",
                       .initial_backoff = absl::Milliseconds(1),
                       .max_backoff = absl::Milliseconds(4)},
                      [&]() -> absl::StatusOr<absl::Duration> {
                        if (++steps < 5) {
                          return absl::UnavailableError("down");
                        }
                        return absl::Hours(1);
                      });
  loop.Start();
  ASSERT_TRUE(Eventually([&] { return steps.load() == 5; })) << "retried after each error";
}

TEST(BackgroundLoopTest, DestroyingARunningLoopStopsItFirst) {
  auto counter = std::make_unique<std::atomic<int>>(0);
  {
    BackgroundLoop loop({.name = "test"}, [&]() -> absl::StatusOr<absl::Duration> {
      ++*counter;
      return absl::ZeroDuration();
    });
    loop.Start();
    ASSERT_TRUE(Eventually([&] { return counter->load() > 3; }));
  }
  counter.reset();  // under ASan, a step still running would be a use after free
}

}  // namespace
}  // namespace kaoping
