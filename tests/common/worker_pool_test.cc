// The pool that runs RPC bodies: bounded in calls and in bytes, every task
// called exactly once, queued tasks refused (called with false) at shutdown.
#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/server/worker_pool.h"
#include "tests/support/worker_gate.h"

namespace kaoping {
namespace {

using ::kaoping::testing::WorkerGate;

TEST(WorkerPoolTest, RunsEveryTaskOnce) {
  std::atomic<int> ran{0};
  std::atomic<int> refused{0};
  WorkerPool pool(4, 10000, 1 << 20);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&](bool run) { ++(run ? ran : refused); }, 10));
  }
  while (ran.load() < 1000) {
    std::this_thread::yield();
  }
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_EQ(refused.load(), 0);
}

TEST(WorkerPoolTest, TheQueueIsBoundedInCalls) {
  WorkerPool pool(1, 2, 1 << 20);
  WorkerGate blocker;
  ASSERT_TRUE(blocker.Occupy(pool, 1));
  EXPECT_TRUE(pool.TrySubmit([](bool) {}, 1));
  EXPECT_TRUE(pool.TrySubmit([](bool) {}, 1));
  EXPECT_FALSE(pool.TrySubmit([](bool) {}, 1)) << "two calls wait already";
  EXPECT_EQ(pool.queued(), 2u);
  blocker.Release();
}

TEST(WorkerPoolTest, TheQueueIsBoundedInBytes) {
  WorkerPool pool(1, 100, 1000);
  WorkerGate blocker;
  ASSERT_TRUE(blocker.Occupy(pool, 1));
  EXPECT_TRUE(pool.TrySubmit([](bool) {}, 600));
  EXPECT_FALSE(pool.TrySubmit([](bool) {}, 500)) << "600 + 500 bytes exceed 1000";
  EXPECT_TRUE(pool.TrySubmit([](bool) {}, 400));
  EXPECT_FALSE(pool.TrySubmit([](bool) {}, 1));
  EXPECT_FALSE(pool.TrySubmit([](bool) {}, 5000)) << "a call larger than the bound";
  blocker.Release();
}

TEST(WorkerPoolTest, BytesAreGivenBackWhenATaskStarts) {
  WorkerPool pool(1, 100, 1000);
  for (int round = 0; round < 50; ++round) {
    std::promise<void> done;
    ASSERT_TRUE(pool.TrySubmit([&](bool) { done.set_value(); }, 900)) << "round " << round;
    done.get_future().wait();
  }
}

TEST(WorkerPoolTest, ShutdownRefusesQueuedTasksAndFinishesRunningOnes) {
  auto pool = std::make_unique<WorkerPool>(1, 100, 1 << 20);
  WorkerGate blocker;
  ASSERT_TRUE(blocker.Occupy(*pool, 1));
  std::vector<int> outcomes;  // 1 ran, 0 refused
  std::mutex mutex;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool->TrySubmit(
        [&](bool run) {
          std::lock_guard<std::mutex> lock(mutex);
          outcomes.push_back(run ? 1 : 0);
        },
        1));
  }
  std::thread shutdown([&] { pool->Shutdown(); });
  // Refusals happen before the running task ends: Shutdown waits for it.
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (outcomes.size() == 3) {
        break;
      }
    }
    std::this_thread::yield();
  }
  EXPECT_THAT(outcomes, ::testing::ElementsAre(0, 0, 0));
  EXPECT_FALSE(pool->TrySubmit([](bool) {}, 1)) << "a stopping pool takes nothing";
  blocker.Release();
  shutdown.join();
  pool.reset();
}

TEST(WorkerPoolTest, ManySubmittersAndWorkersLoseNothing) {
  std::atomic<int> called{0};  // run, or refused by the shutdown at the end
  std::atomic<int> accepted{0};
  {
    WorkerPool pool(3, 64, 1 << 20);
    std::vector<std::thread> submitters;
    for (int t = 0; t < 4; ++t) {
      submitters.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          if (pool.TrySubmit([&](bool) { ++called; }, 1)) {
            ++accepted;
          }
        }
      });
    }
    for (auto& t : submitters) {
      t.join();
    }
  }
  EXPECT_EQ(called.load(), accepted.load());
  EXPECT_GT(accepted.load(), 0);
}

}  // namespace
}  // namespace kaoping
