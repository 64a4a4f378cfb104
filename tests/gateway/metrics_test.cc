// The metrics registry's Prometheus text exposition and the service-side
// RpcMetrics, as a scraper reads them.
#include "services/common/metrics/registry.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/http/metrics_endpoint.h"
#include "services/common/metrics/rpc_metrics.h"
#include "services/common/server/service_metrics.h"
#include "tests/gateway/http_client.h"
#include "tests/support/shared_servers.h"

namespace kaoping::metrics {
namespace {

using ::testing::HasSubstr;

TEST(RegistryTest, RendersCountersGaugesAndHistograms) {
  Registry registry;
  auto& calls = registry.AddCounter("kaoping_calls_total", "Calls.", {"method", "code"});
  calls.With({"A/B", "OK"}).Increment();
  calls.With({"A/B", "OK"}).Increment(2);
  calls.With({"A/C", "NOT_FOUND"}).Increment();
  registry.AddGauge("kaoping_depth", "Depth.").With({}).Set(7);
  auto& latency = registry.AddHistogram("kaoping_seconds", "Latency.", {"method"}, {0.1, 1});
  latency.With({"A/B"}).Observe(0.05);
  latency.With({"A/B"}).Observe(0.5);
  latency.With({"A/B"}).Observe(5);
  registry.AddGaugeCallback("kaoping_lag", "Lag.", [] { return std::optional<double>(1.5); });
  registry.AddGaugeCallback("kaoping_down", "Down.", [] { return std::optional<double>(); });
  EXPECT_EQ(registry.Render(),
            "# HELP kaoping_calls_total Calls.\n"
            "# TYPE kaoping_calls_total counter\n"
            "kaoping_calls_total{method=\"A/B\",code=\"OK\"} 3\n"
            "kaoping_calls_total{method=\"A/C\",code=\"NOT_FOUND\"} 1\n"
            "# HELP kaoping_depth Depth.\n"
            "# TYPE kaoping_depth gauge\n"
            "kaoping_depth 7\n"
            "# HELP kaoping_seconds Latency.\n"
            "# TYPE kaoping_seconds histogram\n"
            "kaoping_seconds_bucket{method=\"A/B\",le=\"0.1\"} 1\n"
            "kaoping_seconds_bucket{method=\"A/B\",le=\"1\"} 2\n"
            "kaoping_seconds_bucket{method=\"A/B\",le=\"+Inf\"} 3\n"
            "kaoping_seconds_sum{method=\"A/B\"} 5.55\n"
            "kaoping_seconds_count{method=\"A/B\"} 3\n"
            "# HELP kaoping_lag Lag.\n"
            "# TYPE kaoping_lag gauge\n"
            "kaoping_lag 1.5\n"
            "# HELP kaoping_down Down.\n"
            "# TYPE kaoping_down gauge\n");
}

TEST(RegistryTest, EscapesLabelValues) {
  Registry registry;
  registry.AddCounter("c_total", "Help with \\ and\nnewline.", {"l"})
      .With({"quote \" backslash \\ newline \n"})
      .Increment();
  EXPECT_THAT(registry.Render(), HasSubstr("# HELP c_total Help with \\\\ and\\nnewline.\n"));
  EXPECT_THAT(registry.Render(),
              HasSubstr("c_total{l=\"quote \\\" backslash \\\\ newline \\n\"} 1\n"));
}

TEST(RegistryTest, CountsFromManyThreadsAreExact) {
  Registry registry;
  auto& counter = registry.AddCounter("c_total", "C.", {"t"});
  auto& histogram = registry.AddHistogram("h_seconds", "H.", {});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.With({"x"}).Increment();
        histogram.With({}).Observe(0.001);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(counter.With({"x"}).value(), 40000);
  EXPECT_EQ(histogram.With({}).Read().count, 40000u);
}

TEST(RpcMetricsTest, RecordsCallsQueueDepthAndOutboxLag) {
  Registry registry;
  RpcMetrics rpc(registry);
  rpc.RecordCall("kaoping.v1.IndicatorService/GetIndicatorSet", absl::StatusCode::kOk,
                 absl::Milliseconds(3));
  rpc.RecordCall("kaoping.v1.IndicatorService/GetIndicatorSet", absl::StatusCode::kNotFound,
                 absl::Milliseconds(1));
  rpc.SetQueueDepth([] { return int64_t{4}; });
  rpc.SetOutboxPending([] { return std::optional<int64_t>(12); });
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_calls_total{method=\"kaoping.v1.IndicatorService/"
                              "GetIndicatorSet\",code=\"NOT_FOUND\"} 1"));
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_duration_seconds_count{method=\"kaoping.v1."
                              "IndicatorService/GetIndicatorSet\"} 2"));
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_queue_depth 4\n"));
  EXPECT_THAT(text, HasSubstr("kaoping_outbox_pending_events 12\n"));
}

TEST(RpcMetricsTest, AMethodsHandleRecordsIntoTheSameSeries) {
  Registry registry;
  RpcMetrics rpc(registry);
  RpcMetrics::Method method(&rpc, "kaoping.v1.IndicatorService/ListIndicatorSets");
  rpc.RecordCall("kaoping.v1.IndicatorService/ListIndicatorSets", absl::StatusCode::kOk,
                 absl::Milliseconds(1));
  method.Record(absl::StatusCode::kOk, absl::Milliseconds(2));
  method.Record(absl::StatusCode::kPermissionDenied, absl::Milliseconds(2));
  // A code outside gRPC's set counts as UNKNOWN rather than indexing past the end.
  method.Record(static_cast<absl::StatusCode>(99), absl::Milliseconds(2));
  const std::string text = registry.Render();
  const std::string series = "{method=\"kaoping.v1.IndicatorService/ListIndicatorSets\"";
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_calls_total" + series + ",code=\"OK\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("kaoping_rpc_calls_total" + series + ",code=\"PERMISSION_DENIED\"} 1"));
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_calls_total" + series + ",code=\"UNKNOWN\"} 1"));
  EXPECT_THAT(text, HasSubstr("kaoping_rpc_duration_seconds_count" + series + "} 4"));
}

TEST(MetricsEndpointTest, ServesTheRegistryOnMetricsAddress) {
  Registry registry;
  registry.AddCounter("kaoping_x_total", "X.").With({}).Increment();
  auto none = http::MetricsEndpoint::FromConfig(*Config::FromText(""), &registry);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr) << "no metrics_address, no listener";
  auto endpoint = http::MetricsEndpoint::FromConfig(
      *Config::FromText("metrics_address = 127.0.0.1:0"), &registry);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  auto client = gateway::testing::HttpClient::Connect((*endpoint)->address());
  ASSERT_TRUE(client.ok());
  auto reply = (*client)->Send("GET", "/metrics");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(reply->body, HasSubstr("kaoping_x_total 1\n"));
  EXPECT_EQ((*client)->Send("GET", "/other")->status, 404);
  EXPECT_EQ((*client)->Send("POST", "/metrics")->status, 405);
  auto taken = http::MetricsEndpoint::FromConfig(
      *Config::FromText("metrics_address = " + (*endpoint)->address()), &registry);
  EXPECT_THAT(taken.status().message(), HasSubstr("metrics_address"));
}

TEST(ServiceMetricsTest, ServesRpcMetricsAndTheOutboxLagOfTheStore) {
  auto url = ::kaoping::testing::FreshDatabaseUrl(::kaoping::testing::StoreKind::kSqlite);
  ASSERT_TRUE(url.ok());
  auto db = db::OpenDatabase(*url, db::DatabaseOptions{});
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db::ApplyMigrations(**db, "common", CommonMigrations()).ok());
  auto metrics = ::kaoping::ServiceMetrics::Start(
      *Config::FromText("metrics_address = 127.0.0.1:0"), db->get());
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  (*metrics)->rpc().RecordCall("kaoping.v1.IndicatorService/GetIndicatorSet", absl::StatusCode::kOk,
                               absl::Milliseconds(2));
  auto client = gateway::testing::HttpClient::Connect((*metrics)->address());
  ASSERT_TRUE(client.ok());
  auto reply = (*client)->Send("GET", "/metrics");
  ASSERT_TRUE(reply.ok());
  EXPECT_THAT(reply->body, HasSubstr("kaoping_outbox_pending_events 0\n"));
  EXPECT_THAT(reply->body, HasSubstr("kaoping_rpc_calls_total{method=\"kaoping.v1."
                                     "IndicatorService/GetIndicatorSet\",code=\"OK\"} 1"));
}

}  // namespace
}  // namespace kaoping::metrics
