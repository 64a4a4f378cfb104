#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gateway/gateway_options.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"

namespace kaoping::gateway {

// A route's path as OpenAPI writes it: each `*` of a variable becomes a
// parameter named after the collection before it
// ("/v1/{name=regions/*/indicatorSets/*}:publish" →
// "/v1/regions/{region}/indicatorSets/{indicatorSet}:publish").
struct OpenApiPath {
  std::string path;
  std::vector<std::string> parameters;
  // Per variable: how its value is composed, "regions/{region}/indicatorSets/{indicatorSet}".
  std::vector<std::string> variable_forms;
};
OpenApiPath ToOpenApiPath(const PathTemplate& path_template);

// The OpenAPI 3.0 document of every route the gateway serves (internal
// routes left out), generated from the same descriptors as the routes.
std::string OpenApiDocument(const RouteTable& routes, const std::vector<RouteSettings>& settings);

}  // namespace kaoping::gateway
