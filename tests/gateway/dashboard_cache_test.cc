// The dashboard cache against a real redis-server: hit, miss, invalidation
// by a version bump (of the region and of the regions enclosing it), one
// computation per key (within a process and across two gateways), a failed
// computation not stored, Redis down: answers computed and served; the
// copy kept in memory following Redis's version, and its gzip form.
#include "gateway/dashboard/dashboard_cache.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "tests/support/redis_server.h"

namespace kaoping::gateway {
namespace {

using Source = DashboardCache::Source;

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

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
  EXPECT_EQ(*first->body, "body@0");
  auto second = Get(*cache_, "510114");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->source, Source::kHit);
  EXPECT_EQ(*second->body, "body@0");
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
  EXPECT_EQ(*county->body, "body@1");
  EXPECT_EQ(Get(*cache_, "510100")->source, Source::kComputed);
  EXPECT_EQ(Get(*cache_, "510000")->source, Source::kComputed);
  EXPECT_EQ(Get(*cache_, "510115")->source, Source::kHit) << "a sibling county is untouched";
}

// The copy a gateway keeps in memory is served only at Redis's current
// version: another gateway's bump makes it stale here too.
TEST_F(DashboardCacheTest, AKeptCopyFollowsAnotherGatewaysBump) {
  std::unique_ptr<DashboardCache> other = NewCache();
  ASSERT_TRUE(Get(*cache_, "510114").ok());
  ASSERT_EQ(Get(*cache_, "510114")->source, Source::kHit);
  ASSERT_TRUE(other->Bump("510114").ok());
  auto after = Get(*cache_, "510114");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->source, Source::kComputed);
  EXPECT_EQ(*after->body, "body@1");
  // The other gateway, which kept nothing, reads the entry from Redis.
  auto there = Get(*other, "510114");
  EXPECT_EQ(there->source, Source::kHit);
  EXPECT_EQ(*there->body, "body@1");
  EXPECT_EQ(computed_, 2);
}

// A body worth compressing is kept with its gzip copy, which inflates to it.
TEST_F(DashboardCacheTest, AnswersCarryTheirGzipCopy) {
  std::string json;
  for (int i = 0; i < 200; ++i) {
    absl::StrAppend(&json, "{\"unit\":\"regions/510114/units/u-", i, "\",\"formCount\":40},");
  }
  auto compute = [&](const std::string&) -> absl::StatusOr<std::string> { return json; };
  auto computed = cache_->Get("510114", "overview:y2026", compute);
  auto hit = cache_->Get("510114", "overview:y2026", compute);
  ASSERT_TRUE(computed.ok() && hit.ok());
  EXPECT_EQ(hit->source, Source::kHit);
  for (const auto* answer : {&*computed, &*hit}) {
    ASSERT_NE(answer->gzip, nullptr);
    EXPECT_LT(answer->gzip->size(), json.size() / 4);
    EXPECT_EQ(Gunzip(*answer->gzip), json);
  }
  // A small body is not worth it.
  auto small = Get(*cache_, "510115");
  EXPECT_EQ(small->gzip, nullptr);
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
      EXPECT_EQ(*answer->body, "slow body");
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
  EXPECT_EQ(*b->body, "shared body");
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
  EXPECT_EQ(*down->body, "body@");
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
