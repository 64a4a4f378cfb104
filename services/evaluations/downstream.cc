#include "services/evaluations/downstream.h"

#include <algorithm>

#include "services/common/api/resource_name.h"
#include "services/common/client/downstream.h"

namespace kaoping::evaluations {
namespace {

// BatchGetCadres takes at most this many names (results.proto).
constexpr size_t kCadresPerCall = 1000;

class GrpcCatalogs final : public CatalogSource {
 public:
  explicit GrpcCatalogs(std::shared_ptr<v1::IndicatorService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<v1::ResolvedCatalog> Resolve(
      absl::string_view token, const v1::ResolveCatalogRequest& request) const override {
    v1::ResolvedCatalog catalog;
    const grpc::Status status =
        stub_->ResolveCatalog(DownstreamContext(token).get(), request, &catalog);
    if (!status.ok()) {
      return FromDownstream("indicators", status);
    }
    return catalog;
  }

 private:
  std::shared_ptr<v1::IndicatorService::StubInterface> stub_;
};

class GrpcRoster final : public RosterSource {
 public:
  explicit GrpcRoster(std::shared_ptr<v1::ResultsService::StubInterface> stub)
      : stub_(std::move(stub)) {}

  absl::StatusOr<v1::Cadre> GetCadre(absl::string_view token,
                                     const std::string& name) const override {
    v1::GetCadreRequest request;
    request.set_name(name);
    v1::Cadre cadre;
    const grpc::Status status = stub_->GetCadre(DownstreamContext(token).get(), request, &cadre);
    if (!status.ok()) {
      return FromDownstream("results", status);
    }
    return cadre;
  }

  absl::StatusOr<v1::BatchGetCadresResponse> BatchGetCadres(
      absl::string_view token, const std::string& region_code,
      const std::vector<std::string>& names) const override {
    v1::BatchGetCadresResponse all;
    for (size_t start = 0; start < names.size(); start += kCadresPerCall) {
      v1::BatchGetCadresRequest request;
      request.set_parent(RegionName(region_code));
      const size_t end = std::min(names.size(), start + kCadresPerCall);
      for (size_t i = start; i < end; ++i) {
        request.add_names(names[i]);
      }
      v1::BatchGetCadresResponse part;
      const grpc::Status status =
          stub_->BatchGetCadres(DownstreamContext(token).get(), request, &part);
      if (!status.ok()) {
        return FromDownstream("results", status);
      }
      all.mutable_cadres()->MergeFrom(part.cadres());
      all.mutable_missing_names()->MergeFrom(part.missing_names());
    }
    return all;
  }

  absl::StatusOr<v1::Unit> GetUnit(absl::string_view token,
                                   const std::string& name) const override {
    v1::GetUnitRequest request;
    request.set_name(name);
    v1::Unit unit;
    const grpc::Status status = stub_->GetUnit(DownstreamContext(token).get(), request, &unit);
    if (!status.ok()) {
      return FromDownstream("results", status);
    }
    return unit;
  }

 private:
  std::shared_ptr<v1::ResultsService::StubInterface> stub_;
};

}  // namespace

std::shared_ptr<const CatalogSource> GrpcCatalogSource(
    std::shared_ptr<v1::IndicatorService::StubInterface> stub) {
  return std::make_shared<GrpcCatalogs>(std::move(stub));
}

std::shared_ptr<const RosterSource> GrpcRosterSource(
    std::shared_ptr<v1::ResultsService::StubInterface> stub) {
  return std::make_shared<GrpcRoster>(std::move(stub));
}

}  // namespace kaoping::evaluations
