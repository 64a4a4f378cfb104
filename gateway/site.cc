#include "gateway/site.h"

#include <unistd.h>

#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

absl::StatusOr<DashboardEndpointOptions> DashboardOptions(const Config& config) {
  DashboardEndpointOptions o;
  ASSIGN_OR_RETURN(int64_t threads, config.GetInt("dashboard_threads", o.threads));
  ASSIGN_OR_RETURN(int64_t years, config.GetInt("dashboard_trend_years", o.trend_years));
  ASSIGN_OR_RETURN(int64_t min_cell, config.GetInt("dashboard_min_cell_size", o.min_cell_size));
  if (threads < 1 || threads > 256 || years < 1 || years > 10 || min_cell < 3) {
    return absl::InvalidArgumentError(
        "configuration: `dashboard_threads` must be 1..256, `dashboard_trend_years` 1..10 and "
        "`dashboard_min_cell_size` at least 3");
  }
  o.threads = static_cast<int>(threads);
  o.trend_years = static_cast<int>(years);
  o.min_cell_size = min_cell;
  return o;
}

std::string HostName() {
  char name[256] = {};
  return gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0' ? name : "gateway";
}

}  // namespace

Site::~Site() = default;

absl::StatusOr<std::unique_ptr<Site>> Site::FromConfig(const Config& config,
                                                       const Upstreams& upstreams,
                                                       const Authenticator* authenticator,
                                                       const Clock* clock) {
  std::unique_ptr<Site> site(new Site());
  ASSIGN_OR_RETURN(WebFiles::Options web, WebFiles::OptionsFromConfig(config));
  ASSIGN_OR_RETURN(site->web_, WebFiles::Load(web));

  std::optional<RedisOptions> redis;
  const std::string redis_url = config.Get("redis_url", "none");
  if (redis_url != "none") {
    ASSIGN_OR_RETURN(redis, ParseRedisUrl(redis_url));
    redis->connect_timeout = absl::Milliseconds(200);
    redis->command_timeout = absl::Milliseconds(500);
  }
  DashboardCacheOptions cache;
  ASSIGN_OR_RETURN(cache.entry_ttl, config.GetDuration("dashboard_cache_ttl", cache.entry_ttl));
  site->cache_ = std::make_unique<DashboardCache>(redis, cache, clock);
  ASSIGN_OR_RETURN(absl::Duration deadline,
                   config.GetDuration("dashboard_timeout", absl::Seconds(10)));
  // Null when not deployed (or not routed: a gateway built for other APIs).
  auto evaluations_or = upstreams.ForApi("evaluations");
  auto results_or = upstreams.ForApi("results");
  Upstream* evaluations = evaluations_or.ok() ? *evaluations_or : nullptr;
  Upstream* results = results_or.ok() ? *results_or : nullptr;
  site->source_ = std::make_unique<GrpcStatisticsSource>(evaluations, results, deadline);
  ASSIGN_OR_RETURN(DashboardEndpointOptions dashboards, DashboardOptions(config));
  site->dashboards_ = std::make_unique<DashboardEndpoint>(
      dashboards, authenticator, site->source_.get(), site->cache_.get(), clock);

  ASSIGN_OR_RETURN(site->identity_, ServiceIdentity::FromConfig(config, "gateway", clock));
  ASSIGN_OR_RETURN(PublicEndpointOptions public_options, PublicEndpointOptionsFromConfig(config));
  ASSIGN_OR_RETURN(std::unique_ptr<RaterTokenSigner> rater_tokens,
                   RaterTokenSigner::FromConfig(config));
  site->public_ = std::make_unique<PublicEndpoint>(
      public_options, evaluations, site->identity_.get(), std::move(rater_tokens), clock);
  if (redis.has_value()) {
    std::vector<std::string> services = absl::StrSplit(
        config.Get("dashboard_event_services", "evaluations,results"), ',', absl::SkipWhitespace());
    ASSIGN_OR_RETURN(absl::Duration discover,
                     config.GetDuration("dashboard_event_discover_interval", absl::Seconds(5)));
    site->invalidation_ = std::make_unique<DashboardInvalidation>(
        *redis, services, config.Get("dashboard_consumer", HostName()), discover,
        site->cache_.get());
    site->invalidation_->Start();
  }
  return site;
}

std::vector<OwnRoutes*> Site::routes() const {
  return {web_.get(), dashboards_.get(), public_.get()};
}

}  // namespace kaoping::gateway
