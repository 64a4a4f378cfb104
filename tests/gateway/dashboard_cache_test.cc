// The dashboard cache against a real redis-server: hit, miss, invalidation
// by a version bump (of the region and of the regions enclosing it), one
// computation per key (within a process and across two gateways), a failed
// computation not stored, and Redis down: answers computed and served.
#include "gateway/dashboard/dashboard_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "tests/support/redis_server.h"

namespace kaoping::gateway {
namespace {

using Source = DashboardCache::Source;

class DashboardCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = kaoping::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    auto options = ParseRedisUrl(redis_->url());
    ASSERT_TRUE(options.ok());
    redis_options_ = *options;
    redis_options_.connect_timeout = absl::Milliseconds(200);
    redis_options_.command_timeout = absl::Milliseconds(500);
    cache_ = NewCache();
  }

  std::unique_ptr<DashboardCache> NewCache() {
    DashboardCacheOptions options;
    options.redis_retry = absl::Milliseconds(50);
    return std::make_unique<DashboardCache>(redis_options_, options, &SystemClock::Get());
  }

  // A computation that counts itself and says which version it was given.
  absl::StatusOr<DashboardCache::Answer> Get(DashboardCache& cache, const std::string& region,
                                             const std::string& key = "overview:y2026") {
    return cache.Get(region, key, [&](const std::string& version) -> absl::StatusOr<std::string> {
      ++computed_;
      return absl::StrCat("body@", version);
    });
  }

  std::unique_ptr<kaoping::testing::RedisServer> redis_;
  RedisOptions redis_options_;
  std::unique_ptr<DashboardCache> cache_;
  std::atomic<int> computed_{0};
};

TEST_F(DashboardCacheTest, MissThenHitAtTheSameVersion) {
  auto first = Get(*cache_, "510114");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->source, Source::kComputed);
  EXPECT_EQ(first->body, "body@0");
  auto second = Get(*cache_, "510114");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->source, Source::kHit);
  EXPECT_EQ(second->body, "body@0");
  EXPECT_EQ(computed_, 1);
  // Another key or region is another entry.
  EXPECT_EQ(Get(*cache_, "510114", "overview:y2025")->source, Source::kComputed);
  EXPECT_EQ(Get(*cache_, "510115")->source, Source::kComputed);
  EXPECT_EQ(computed_, 3);
}

TEST_F(DashboardCacheTest, BumpInvalidatesTheRegionAndTheRegionsEnclosingIt) {
  ASSERT_TRUE(Get(*cache_, "510114").ok());
  ASSERT_TRUE(Get(*cache_, "510100").ok());
  ASSERT_TRUE(Get(*cache_, "510000").ok());
  ASSERT_TRUE(Get(*cache_, "510115").ok());
  ASSERT_TRUE(cache_->Bump("510114").ok());
  EXPECT_EQ(*cache_->Version("510114"), "1");
  EXPECT_EQ(*cache_->Version("510100"), "1");
  EXPECT_EQ(*cache_->Version("510000"), "1");
  EXPECT_EQ(*cache_->Version("510115"), "0");
  auto county = Get(*cache_, "510114");
  EXPECT_EQ(county->source, Source::kComputed);
  EXPECT_EQ(county->body, "body@1");
  EXPECT_EQ(Get(*cache_, "510100")->source, Source::kComputed);
  EXPECT_EQ(Get(*cache_, "510000")->source, Source::kComputed);
  EXPECT_EQ(Get(*cache_, "510115")->source, Source::kHit) << "a sibling county is untouched";
}

TEST_F(DashboardCacheTest, ABumpDuringTheComputationLeavesTheEntryStale) {
  auto answer = cache_->Get("510114", "k", [&](const std::string& version) {
    EXPECT_TRUE(cache_->Bump("510114").ok());  // an event arrives meanwhile
    return absl::StatusOr<std::string>(absl::StrCat("body@", version));
  });
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->version, "0");
  EXPECT_EQ(Get(*cache_, "510114", "k")->source, Source::kComputed)
      << "computed before the event: not served after it";
}

TEST_F(DashboardCacheTest, ConcurrentRequestsShareOneComputation) {
  std::atomic<int> computations{0};
  std::vector<std::thread> threads;
  std::vector<Source> sources(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto answer = cache_->Get("510114", "k", [&](const std::string&) {
        ++computations;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return absl::StatusOr<std::string>("slow body");
      });
      ASSERT_TRUE(answer.ok());
      EXPECT_EQ(answer->body, "slow body");
      sources[i] = answer->source;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(computations, 1);
  EXPECT_EQ(std::count(sources.begin(), sources.end(), Source::kComputed), 1);
}

TEST_F(DashboardCacheTest, TwoGatewaysComputeAKeyOnce) {
  auto other = NewCache();
  std::atomic<int> computations{0};
  auto slow = [&](const std::string&) {
    ++computations;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return absl::StatusOr<std::string>("shared body");
  };
  absl::StatusOr<DashboardCache::Answer> a, b;
  std::thread first([&] { a = cache_->Get("510114", "k", slow); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread second([&] { b = other->Get("510114", "k", slow); });
  first.join();
  second.join();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(computations, 1) << "the second gateway waited for the first one's entry";
  EXPECT_EQ(b->body, "shared body");
  EXPECT_EQ(b->source, Source::kShared);
}

TEST_F(DashboardCacheTest, AFailedComputationIsReturnedAndNotStored) {
  auto failed = cache_->Get("510114", "k", [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::UnavailableError("evaluations unavailable");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Get(*cache_, "510114", "k")->source, Source::kComputed);
}

TEST_F(DashboardCacheTest, RedisDownAnswersAreComputedAndServedThenCachedAgain) {
  ASSERT_TRUE(Get(*cache_, "510114").ok());
  redis_->Stop();
  auto down = Get(*cache_, "510114");
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->source, Source::kUncached);
  EXPECT_EQ(down->body, "body@");
  EXPECT_FALSE(cache_->Bump("510114").ok());
  ASSERT_TRUE(redis_->Restart().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past redis_retry
  auto back = Get(*cache_, "510114");
  ASSERT_TRUE(back.ok());
  EXPECT_NE(back->source, Source::kUncached);
  EXPECT_EQ(Get(*cache_, "510114")->source, Source::kHit);
}

TEST(DashboardCacheWithoutRedis, ComputesEveryAnswer) {
  DashboardCache cache(std::nullopt, {}, &SystemClock::Get());
  int computed = 0;
  auto compute = [&](const std::string& version) {
    ++computed;
    return absl::StatusOr<std::string>(absl::StrCat("v", version));
  };
  EXPECT_EQ(cache.Get("510114", "k", compute)->source, Source::kUncached);
  EXPECT_EQ(cache.Get("510114", "k", compute)->source, Source::kUncached);
  EXPECT_EQ(computed, 2);
  EXPECT_TRUE(cache.Bump("510114").ok()) << "nothing to invalidate";
}

}  // namespace
}  // namespace kaoping::gateway
