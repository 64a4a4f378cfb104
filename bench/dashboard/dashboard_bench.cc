// Dashboards through the gateway (issue 13), each figure beside its baseline
// measured in the same run, everything in this process on the same cores
// (the gateway, a real Redis, the load generator, and stand-ins of the
// evaluations and results services answering the statistics RPCs from
// memory, tests/gateway/fake_services.h: the real services are not on main
// yet, so a cold dashboard here is the gateway's own cost, not the
// services' aggregation):
//  - a cached county dashboard, closed loop at 64 connections, beside the
//    gateway's bare handler (GET /healthz): target ≥ 0.50×; asked with
//    accept-encoding gzip as browsers do, and uncompressed beside it;
//  - the same dashboard paced at half its closed-loop rate: target p99 ≤ 5 ms;
//  - a cold county dashboard (its version bumped before each request: the
//    trend's statistics fetched, composed, suppressed and stored) beside one
//    statistics call to the stand-in over gRPC: target ≤ 100 ms;
//  - a cold province dashboard (21 cities over 183 counties): target ≤ 1 s.
//
//   bench/run   (or: build/bench/bench/dashboard/kaoping_dashboard_bench)
#include <cstdio>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/gateway/load.h"
#include "gateway/gateway.h"
#include "services/common/auth/jwt.h"
#include "services/common/log.h"
#include "tests/gateway/fake_services.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_harness.h"

namespace kaoping::bench {
namespace {

using ::kaoping::gateway::testing::FakeServices;
using ::kaoping::testing::ServiceHarness;

[[noreturn]] void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

v1::EvaluationFigures Figures(const std::string& scope, bool unit, int forms) {
  v1::EvaluationFigures f;
  unit ? f.set_unit(scope) : f.set_region(scope);
  f.set_form_count(forms);
  f.set_assignment_count(forms + forms / 8);
  f.set_participation_rate(static_cast<double>(forms) / f.assignment_count());
  f.set_subject_count(forms / 30 + 3);
  f.set_top_grade_share(0.42);
  int left = forms;
  for (v1::Grade grade : {v1::GOOD, v1::FAIRLY_GOOD, v1::AVERAGE, v1::POOR}) {
    v1::GradeCount* g = f.add_proposed_grades();
    g->set_grade(grade);
    g->set_count(grade == v1::POOR ? left : forms / 4);
    left -= g->count();
  }
  for (v1::Dimension d :
       {v1::LOYALTY, v1::STEADFASTNESS, v1::RESPONSIBILITY, v1::CAPABILITY, v1::SELF_DISCIPLINE}) {
    v1::DimensionMean* m = f.add_dimension_means();
    m->set_dimension(d);
    m->set_mean_raw_score(82.5);
    m->set_mean_calibrated_score(80.1);
    m->set_subject_count(f.subject_count());
  }
  for (v1::Lead::State state : {v1::Lead::CONFIRMED, v1::Lead::UNFOUNDED, v1::Lead::OPEN}) {
    v1::LeadCount* c = f.add_leads_by_state();
    c->set_state(state);
    c->set_count(forms / 20 + 3);
  }
  return f;
}

// A region's statistics with `children` rows (units of a county, cities of
// a province), each built from `forms_per_child` forms.
void SetRegion(FakeServices& fake, const std::string& code, bool county,
               const std::vector<std::string>& children, int forms_per_child) {
  v1::EvaluationStatistics evaluation;
  evaluation.set_name(absl::StrCat("regions/", code, "/evaluationStatistics"));
  v1::UsageStatistics usage;
  usage.set_name(absl::StrCat("regions/", code, "/usageStatistics"));
  *evaluation.mutable_total() = Figures(absl::StrCat("regions/", code), false,
                                        forms_per_child * static_cast<int>(children.size()));
  usage.mutable_total()->set_region(absl::StrCat("regions/", code));
  usage.mutable_total()->set_decision_count(static_cast<int>(children.size()) * 4);
  for (const std::string& child : children) {
    *evaluation.add_children() = Figures(child, county, forms_per_child);
    v1::UsageFigures* u = usage.add_children();
    county ? u->set_unit(child) : u->set_region(child);
    u->set_decision_count(4);
  }
  fake.SetStatistics(code, evaluation, usage);
}

// One GET on a fresh connection; its wall time.
absl::Duration TimedGet(const std::string& address, const std::string& target,
                        const std::string& token, size_t* body_bytes = nullptr) {
  namespace beast = boost::beast;
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  const size_t colon = address.rfind(':');
  const absl::Time start = absl::Now();
  stream.connect(resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "bench");
  request.set(http::field::authorization, "Bearer " + token);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  const absl::Duration took = absl::Now() - start;
  if (body_bytes != nullptr) {
    *body_bytes = response.body().size();
  }
  if (response.result_int() != 200) {
    std::fprintf(stderr, "GET %s: %d %s\n", target.c_str(), response.result_int(),
                 response.body().c_str());
    std::exit(1);
  }
  return took;
}

// Median and worst of `n` cold reads of a region's dashboard.
std::pair<double, double> Cold(gateway::Gateway& g, const std::string& code,
                               const std::string& token, int n) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    if (absl::Status bumped = g.site().dashboard_cache().Bump(code); !bumped.ok()) {
      Die("bump", bumped);
    }
    ms.push_back(absl::ToDoubleMilliseconds(
        TimedGet(g.address(), absl::StrCat("/v1/regions/", code, "/dashboard?year=2026"), token)));
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

void Print(const std::string& what, const LoadResult& r) {
  std::printf("  %-48s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms%s\n", what.c_str(),
              r.requests_per_second, r.p50_ms, r.p99_ms,
              r.errors > 0 ? absl::StrCat("  [", r.errors, " errors]").c_str() : "");
}

}  // namespace
}  // namespace kaoping::bench

int main(int argc, char** argv) {
  using namespace kaoping::bench;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string prefix = "--benchmark_filter=";
    if (arg.rfind(prefix, 0) == 0 &&
        !std::regex_search("Dashboard", std::regex(arg.substr(prefix.size())))) {
      return 0;
    }
  }
  kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
  auto redis = kaoping::testing::RedisServer::Start();
  if (!redis.ok()) {
    Die("redis", redis.status());
  }
  auto fake = FakeServices::Start();
  std::vector<std::string> units;
  for (int i = 1; i <= 30; ++i) {
    units.push_back(absl::StrCat("regions/510114/units/u-", i));
  }
  SetRegion(*fake, "510114", true, units, 40);
  std::vector<std::string> cities;
  for (int i = 1; i <= 21; ++i) {
    cities.push_back(absl::StrFormat("regions/51%02d00", i));
  }
  SetRegion(*fake, "510000", false, cities, 183 * 400 / 21);

  auto config = kaoping::Config::FromText("", {{"listen_address", "127.0.0.1:0"},
                                               {"jwt_key", ServiceHarness::kSecret},
                                               {"jwt_issuer", ServiceHarness::kIssuer},
                                               {"evaluations_address", fake->address()},
                                               {"results_address", fake->address()},
                                               {"redis_url", (*redis)->url()},
                                               {"http_max_connections", "2000"}});
  auto started = kaoping::gateway::Gateway::Start(*config);
  if (!started.ok()) {
    Die("gateway", started.status());
  }
  kaoping::gateway::Gateway& g = **started;
  kaoping::JwtClaims claims;
  claims.subject = "province-admin";
  claims.roles = {"REGION_ADMIN"};
  claims.regions = {"51"};
  claims.issuer = ServiceHarness::kIssuer;
  claims.issued_at = absl::Now();
  claims.expiry = absl::Now() + absl::Hours(1);
  const std::string token =
      *kaoping::SignJwt(kaoping::JwtAlgorithm::kHs256, ServiceHarness::kSecret, claims);

  const std::string county = "/v1/regions/510114/dashboard?year=2026";
  size_t county_bytes = 0;
  TimedGet(g.address(), county, token, &county_bytes);  // computed once: what follows is cached
  // As a browser asks: gzip accepted (the identity line beside it).
  const std::string cached =
      absl::StrCat("GET ", county, " HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: gzip, br\r\n",
                   "Authorization: Bearer ", token, "\r\n\r\n");
  const std::string identity = absl::StrCat("GET ", county, " HTTP/1.1\r\nHost: bench\r\n",
                                            "Authorization: Bearer ", token, "\r\n\r\n");
  const std::string bare = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::printf(
      "Dashboards through the gateway (stand-in services, real Redis), closed loop at 64 "
      "connections unless paced; 1 s warm-up + 4 s measured per line; the county dashboard is "
      "%zu bytes of JSON\n",
      county_bytes);
  LoadOptions options;
  const LoadResult handler = RunHttpLoad(g.address(), bare, options);
  Print("gateway bare  GET /healthz (baseline)", handler);
  const LoadResult hit = RunHttpLoad(g.address(), cached, options);
  Print("cached county dashboard (gzip, as browsers ask)", hit);
  const double ratio = hit.requests_per_second / std::max(handler.requests_per_second, 1.0);
  std::printf("  = %.2f× the bare handler; target ≥ 0.50×: %s\n", ratio,
              ratio >= 0.5 ? "met" : "NOT met");
  Print("cached county dashboard, uncompressed (no gzip)",
        RunHttpLoad(g.address(), identity, options));
  options.rate = hit.requests_per_second / 2;
  const LoadResult half = RunHttpLoad(g.address(), cached, options);
  Print(absl::StrFormat("cached, paced at %.0f req/s (half)", options.rate), half);
  std::printf("  target p99 ≤ 5 ms: %s\n", half.p99_ms <= 5 ? "met" : "NOT met");

  kaoping::v1::GetEvaluationStatisticsRequest statistics;
  statistics.set_name("regions/510114/evaluationStatistics");
  statistics.mutable_start_date()->set_year(2026);
  statistics.mutable_start_date()->set_month(1);
  statistics.mutable_start_date()->set_day(1);
  LoadOptions one;
  one.connections = 1;
  one.measure = absl::Seconds(2);
  const LoadResult call =
      RunGrpcLoad(fake->address(), "/kaoping.v1.EvaluationService/GetEvaluationStatistics",
                  statistics.SerializeAsString(), absl::StrCat("Bearer ", token), one);
  Print("baseline: one statistics call to the stand-in", call);
  const auto [county_p50, county_max] = Cold(g, "510114", token, 30);
  std::printf(
      "  cold county dashboard (30 units, 5 years: 11 calls)  median %7.2f ms  max %7.2f "
      "ms  = %.1f× one call; target ≤ 100 ms: %s\n",
      county_p50, county_max, county_p50 / std::max(call.p50_ms, 1e-3),
      county_max <= 100 ? "met" : "NOT met");
  const auto [province_p50, province_max] = Cold(g, "510000", token, 30);
  std::printf(
      "  cold province dashboard (21 cities, 183 counties)   median %7.2f ms  max %7.2f "
      "ms  = %.1f× one call; target ≤ 1 s: %s\n",
      province_p50, province_max, province_p50 / std::max(call.p50_ms, 1e-3),
      province_max <= 1000 ? "met" : "NOT met");
  g.Shutdown();
  return 0;
}
