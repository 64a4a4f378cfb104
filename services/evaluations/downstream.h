#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "kaoping/v1/results.grpc.pb.h"

// What evaluations reads from other services (DESIGN.md §3), behind small
// interfaces so that tests can stand a service in (the generated gMock
// stubs, e.g. v1::MockResultsServiceStub, through the gRPC implementations
// below). Every call carries a token (the caller's, so that scoping holds
// end to end, or the service's own) and a deadline; failures come back as
// FromDownstream maps them: the other service's answer about the request,
// or UNAVAILABLE when it could not answer.
namespace kaoping::evaluations {

// IndicatorService: the catalog a campaign freezes.
class CatalogSource {
 public:
  virtual ~CatalogSource() = default;
  virtual absl::StatusOr<v1::ResolvedCatalog> Resolve(
      absl::string_view token, const v1::ResolveCatalogRequest& request) const = 0;
};

// ResultsService: the roster subjects' profiles come from.
class RosterSource {
 public:
  virtual ~RosterSource() = default;
  virtual absl::StatusOr<v1::Cadre> GetCadre(absl::string_view token,
                                             const std::string& name) const = 0;
  // Names in one region, any number (asked 1000 at a time).
  virtual absl::StatusOr<v1::BatchGetCadresResponse> BatchGetCadres(
      absl::string_view token, const std::string& region_code,
      const std::vector<std::string>& names) const = 0;
  virtual absl::StatusOr<v1::Unit> GetUnit(absl::string_view token,
                                           const std::string& name) const = 0;
};

std::shared_ptr<const CatalogSource> GrpcCatalogSource(
    std::shared_ptr<v1::IndicatorService::StubInterface> stub);
std::shared_ptr<const RosterSource> GrpcRosterSource(
    std::shared_ptr<v1::ResultsService::StubInterface> stub);

}  // namespace kaoping::evaluations
