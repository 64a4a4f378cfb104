#include "gateway/dashboard/dashboard_endpoint.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/dashboard/dashboard_compose.h"
#include "gateway/dashboard/dashboard_suppression.h"
#include "gateway/gzip.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/api/date.h"
#include "services/common/http/utf8.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

constexpr absl::string_view kPrefix = "/v1/regions/";
constexpr absl::string_view kSuffix = "/dashboard";

http::Response Error(const absl::Status& status) {
  return http::ErrorResponse(status.code(), status.message());
}

// The region code of /v1/regions/{region}/dashboard, or "".
absl::string_view RegionOf(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, kPrefix) || !absl::ConsumeSuffix(&path, kSuffix) ||
      absl::StrContains(path, "/")) {
    return "";
  }
  return path;
}

absl::StatusOr<int> IntParameter(absl::string_view name, absl::string_view value, int min,
                                 int max) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed < min || parsed > max) {
    return absl::InvalidArgumentError(absl::StrCat("query parameter ", name, ": must be ", min,
                                                   "..", max, ", got \"",
                                                   http::QuotableUtf8(value, 40), "\""));
  }
  return parsed;
}

}  // namespace

DashboardEndpoint::DashboardEndpoint(DashboardEndpointOptions options,
                                     const Authenticator* authenticator, StatisticsSource* source,
                                     DashboardCache* cache, const Clock* clock)
    : options_(options),
      authenticator_(authenticator),
      source_(source),
      cache_(cache),
      clock_(clock),
      pool_(options.threads, options.max_queued, size_t{1} << 30) {}

DashboardEndpoint::~DashboardEndpoint() { pool_.Shutdown(); }

absl::string_view DashboardEndpoint::Claims(absl::string_view path) const {
  return absl::StartsWith(path, kPrefix) && absl::EndsWith(path, kSuffix) ? "dashboard" : "";
}

absl::StatusOr<DashboardQuery> DashboardEndpoint::ParseQuery(absl::string_view path,
                                                             absl::string_view query) const {
  DashboardQuery parsed;
  parsed.region_code = std::string(RegionOf(path));
  if (!IsValidRegionCode(parsed.region_code)) {
    return absl::InvalidArgumentError(absl::StrCat("region: \"",
                                                   http::QuotableUtf8(parsed.region_code, 40),
                                                   "\" is not a GB/T 2260 code of six digits"));
  }
  parsed.year = static_cast<int>(Today(*clock_).year());
  parsed.trend_years = options_.trend_years;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.first == "year") {
      ASSIGN_OR_RETURN(parsed.year, IntParameter("year", kv.second, 2000, 2100));
    } else if (kv.first == "years") {
      ASSIGN_OR_RETURN(parsed.trend_years, IntParameter("years", kv.second, 1, 10));
    } else if (kv.first == "kind") {
      if (!v1::CampaignKind_Parse(std::string(kv.second), &parsed.kind)) {
        return absl::InvalidArgumentError(
            absl::StrCat("query parameter kind: must be CADRE_ADJUSTMENT, ANNUAL, "
                         "SPECIAL_INSPECTION or TEAM_ANALYSIS, got \"",
                         http::QuotableUtf8(kv.second, 40), "\""));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", http::QuotableUtf8(kv.first, 40),
                       ": unknown; a dashboard takes year, years and kind"));
    }
  }
  return parsed;
}

void DashboardEndpoint::Handle(http::Request request, http::Responder respond) {
  if (request.method != "GET") {
    http::Response refused = http::ErrorResponse(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("method ", http::QuotableUtf8(request.method), " not allowed; allowed: GET"),
        405);
    refused.headers.push_back({"allow", "GET"});
    return respond(std::move(refused));
  }
  absl::string_view target = request.target;
  const size_t question = target.find('?');
  auto query = ParseQuery(target.substr(0, question),
                          question == absl::string_view::npos ? "" : target.substr(question + 1));
  if (!query.ok()) {
    return respond(Error(query.status()));
  }
  std::vector<absl::string_view> authorization;
  for (const http::Header& header : request.headers) {
    if (header.name == "authorization") {
      authorization.emplace_back(header.value);
    }
  }
  auto principal = authenticator_->AuthenticateAuthorization(authorization);
  if (!principal.ok()) {
    http::Response refused = Error(principal.status());
    refused.headers.push_back({"www-authenticate", "Bearer"});
    return respond(std::move(refused));
  }
  // Before the cache: a cached answer is only for who may read the region.
  const CallResource resource{query->region_code,
                              absl::StrCat("regions/", query->region_code, "/dashboard"), ""};
  if (absl::Status allowed = Authorize(kDashboardReaders, **principal, resource); !allowed.ok()) {
    return respond(Error(allowed));
  }
  // Shared with the task, so that a full queue can still be answered here.
  auto responder = std::make_shared<http::Responder>(std::move(respond));
  auto task = [this, token = (*principal)->bearer_token, query = *std::move(query), responder,
               gzip = AcceptsGzip(request)](bool run) {
    (*responder)(run ? Serve(token, query, gzip)
                     : Error(absl::UnavailableError("the gateway is shutting down")));
  };
  if (!pool_.TrySubmit(std::move(task), 0)) {
    http::Response busy = Error(absl::UnavailableError("dashboards are busy; try again shortly"));
    busy.headers.push_back({"retry-after", "1"});
    (*responder)(std::move(busy));
  }
}

http::Response DashboardEndpoint::Serve(const std::string& bearer_token,
                                        const DashboardQuery& query, bool accepts_gzip) {
  const std::string key = absl::StrCat("overview:y", query.year, ":k", static_cast<int>(query.kind),
                                       ":n", query.trend_years);
  auto compute = [&](const std::string& version) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(DashboardInputs inputs, source_->Fetch(bearer_token, query));
    Dashboard dashboard = ComposeDashboard(query, inputs, clock_->Now());
    SuppressDashboard(&dashboard, options_.min_cell_size);
    dashboard.set_data_version(version);
    google::protobuf::util::JsonPrintOptions print;
    print.always_print_primitive_fields = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(dashboard, &json, print).ok()) {
      return absl::InternalError("the dashboard does not print as JSON");
    }
    return json;
  };
  auto answer = cache_->Get(query.region_code, key, compute);
  if (!answer.ok()) {
    return Error(answer.status());
  }
  const bool zipped = accepts_gzip && answer->gzip != nullptr;
  http::Response response{200, "application/json", zipped ? *answer->gzip : *answer->body, {}};
  response.headers = {{"x-kaoping-cache", std::string(DashboardCache::SourceName(answer->source))},
                      {"cache-control", "private, no-store"},
                      {"vary", "accept-encoding"}};
  if (zipped) {
    response.headers.push_back({"content-encoding", "gzip"});
  }
  return response;
}

}  // namespace kaoping::gateway
