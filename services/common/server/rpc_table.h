#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/empty.pb.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/resource_pattern.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/policy.h"
#include "services/common/auth/principal.h"
#include "services/common/server/rpc_dispatcher.h"
#include "services/common/server/service_runtime.h"
#include "services/common/status_macros.h"

// A service declares its RPCs in one table: for each, the domain method
// that serves it, its call kind, how its resource is read from the request,
// and who may call it. The runtime does the rest (services/common/README.md):
//
//   const RpcTable<IndicatorCatalog>& IndicatorRpcs() {
//     static const auto* table = new RpcTable<IndicatorCatalog>(
//         v1::IndicatorService::service_full_name(),
//         {
//             Rpc(&IndicatorCatalog::Get, CallKind::kRead,
//                 Named("name", &v1::GetIndicatorSetRequest::name,
//                       "regions/{region}/indicatorSets/{set}"),
//                 kReaders),
//             …one row per RPC…
//         });
//     return *table;
//   }
//   … Serve(runtime, IndicatorRpcs(), std::make_shared<IndicatorCatalog>(runtime.deps()));
//
// A domain method is
//   absl::StatusOr<Response> Method(const Principal&, AuditScope&, const Request&)
// (or absl::Status for google.protobuf.Empty); the row's RPC is the one of
// the service whose request type is `Request` (each AIP request message
// belongs to one method), so no method name is ever typed. The table is
// checked when built: every method of the service exactly once, response
// types matching, writes and audited reads about a region, unit rules only
// where the resource has a unit (status()).
namespace kaoping {

// ───────────── how a call's resource is read from its request ─────────────

// The field `field` (read by `get`: a member pointer such as
// &v1::GetIndicatorSetRequest::name, or a lambda) names a resource of
// `pattern`, e.g. "regions/{region}/indicatorSets/{set}" or "regions/{region}".
template <typename Get>
struct NamedResource {
  absl::string_view field;
  Get get;
  absl::string_view pattern;

  static constexpr bool kRegional = true;
  bool has_unit() const { return absl::StrContains(pattern, "units/{"); }
  bool valid() const { return IsValidResourcePattern(pattern); }
  template <typename Request>
  absl::StatusOr<CallResource> operator()(const Request& request) const {
    const std::string& name = std::invoke(get, request);
    ASSIGN_OR_RETURN(PatternMatch match, MatchResourcePattern(field, name, pattern));
    return CallResource{std::move(match.region_code), name, std::move(match.unit)};
  }
};
template <typename Get>
NamedResource<Get> Named(absl::string_view field, Get get, absl::string_view pattern) {
  return {field, std::move(get), pattern};
}

// A resource being created under a parent (`parent_field` of
// `parent_pattern`) in `collection`, with the id the client chose (read by
// get_id). While that id is malformed the call is about the parent: what is
// audited is always a name of checked form, never arbitrary input (the
// domain method reports the bad id).
template <typename GetParent, typename GetId>
struct CreatedResource {
  absl::string_view parent_field;
  GetParent get_parent;
  absl::string_view parent_pattern;
  absl::string_view collection;
  GetId get_id;

  static constexpr bool kRegional = true;
  bool has_unit() const { return absl::StrContains(parent_pattern, "units/{"); }
  bool valid() const { return IsValidResourcePattern(parent_pattern); }
  template <typename Request>
  absl::StatusOr<CallResource> operator()(const Request& request) const {
    const std::string& parent = std::invoke(get_parent, request);
    ASSIGN_OR_RETURN(PatternMatch match,
                     MatchResourcePattern(parent_field, parent, parent_pattern));
    const std::string& id = std::invoke(get_id, request);
    std::string name =
        IsValidResourceId(id) ? absl::StrCat(parent, "/", collection, "/", id) : parent;
    return CallResource{std::move(match.region_code), std::move(name), std::move(match.unit)};
  }
};
template <typename GetParent, typename GetId>
CreatedResource<GetParent, GetId> Created(absl::string_view parent_field, GetParent get_parent,
                                          absl::string_view parent_pattern,
                                          absl::string_view collection, GetId get_id) {
  return {parent_field, std::move(get_parent), parent_pattern, collection, std::move(get_id)};
}

// A call about no region (the shipped default catalog); `name` is what
// logs call it. Only for reads whose rule has RegionRelation::kNone.
struct GlobalResource {
  absl::string_view name;

  static constexpr bool kRegional = false;
  bool has_unit() const { return false; }
  bool valid() const { return true; }
  template <typename Request>
  absl::StatusOr<CallResource> operator()(const Request&) const {
    return CallResource{"", std::string(name), ""};
  }
};
inline GlobalResource NoRegion(absl::string_view name) { return {name}; }

// ───────────── rows ─────────────

namespace rpc_internal {

template <typename Method>
struct DomainMethod;
template <typename C, typename R, typename Req>
struct DomainMethod<R (C::*)(const Principal&, AuditScope&, const Req&)> {
  using Domain = C;
  using Result = R;
  using Request = Req;
};
template <typename C, typename R, typename Req>
struct DomainMethod<R (C::*)(const Principal&, AuditScope&, const Req&) const>
    : DomainMethod<R (C::*)(const Principal&, AuditScope&, const Req&)> {};

template <typename Result>
struct ResponseOf {
  using Type = typename Result::value_type;  // absl::StatusOr<Response>
};
template <>
struct ResponseOf<absl::Status> {
  using Type = google::protobuf::Empty;
};

// INVALID_ARGUMENT naming the type when the bytes are not one.
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request);
absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* out);

}  // namespace rpc_internal

template <typename Domain>
struct RpcRow {
  const google::protobuf::Descriptor* request = nullptr;
  const google::protobuf::Descriptor* response = nullptr;
  CallKind kind = CallKind::kRead;
  Rule rule;
  bool regional = true;
  bool has_unit = false;
  bool valid_pattern = true;
  std::function<absl::Status(Domain&, Call&, const grpc::ByteBuffer&, grpc::ByteBuffer*)> run;
};

// One row: the domain method serving the RPC (its request type picks the
// RPC), the call kind, the resource (Named, Created or NoRegion) and the rule.
// `Served` names the table's domain when the method is inherited from one
// of its bases (a service whose domain is several classes, one per
// concern): Rpc<Results>(&Roster::GetUnit, …).
template <typename Served = void, typename Method, typename Resource>
auto Rpc(Method method, CallKind kind, Resource resource, const Rule& rule) {
  using Traits = rpc_internal::DomainMethod<Method>;
  using Domain = std::conditional_t<std::is_void_v<Served>, typename Traits::Domain, Served>;
  static_assert(std::is_base_of_v<typename Traits::Domain, Domain>,
                "the method must belong to the served domain or one of its bases");
  using Request = typename Traits::Request;
  using Result = typename Traits::Result;
  using Response = typename rpc_internal::ResponseOf<Result>::Type;
  RpcRow<Domain> row;
  row.request = Request::descriptor();
  row.response = Response::descriptor();
  row.kind = kind;
  row.rule = rule;
  row.regional = Resource::kRegional;
  row.has_unit = resource.has_unit();
  row.valid_pattern = resource.valid();
  row.run = [method, resource = std::move(resource)](Domain& domain, Call& call,
                                                     const grpc::ByteBuffer& bytes,
                                                     grpc::ByteBuffer* out) -> absl::Status {
    Request request;
    RETURN_IF_ERROR(rpc_internal::ParseRequest(bytes, &request));
    ASSIGN_OR_RETURN(CallResource about, resource(request));
    RETURN_IF_ERROR(call.Admit(about));
    if constexpr (std::is_same_v<Result, absl::Status>) {
      RETURN_IF_ERROR((domain.*method)(call.principal(), call.audit(), request));
      return rpc_internal::SerializeResponse(google::protobuf::Empty(), out);
    } else {
      ASSIGN_OR_RETURN(Response response,
                       (domain.*method)(call.principal(), call.audit(), request));
      return rpc_internal::SerializeResponse(response, out);
    }
  };
  return row;
}

namespace rpc_internal {

// What a table's rows say about one method, type-erased, for the checks.
struct RowFacts {
  const google::protobuf::Descriptor* request;
  const google::protobuf::Descriptor* response;
  CallKind kind;
  const Rule* rule;
  bool regional;
  bool has_unit;
  bool valid_pattern;
};
// Row index per method of `service` (descriptor order), or every problem
// found: a method without a row or with several, a row for no method, a
// response type that differs, a write about no region, a unit rule on a
// resource without a unit.
absl::StatusOr<std::vector<size_t>> MatchRows(const google::protobuf::ServiceDescriptor* service,
                                              const std::vector<RowFacts>& rows);
const google::protobuf::ServiceDescriptor* FindService(absl::string_view full_name);

}  // namespace rpc_internal

// The RPCs of one service, served by one Domain object.
template <typename Domain>
class RpcTable {
 public:
  RpcTable(absl::string_view service, std::vector<RpcRow<Domain>> rows)
      : descriptor_(rpc_internal::FindService(service)), rows_(std::move(rows)) {
    if (descriptor_ == nullptr) {
      status_ = absl::InternalError(absl::StrCat("no service ", service, " in the API"));
      return;
    }
    std::vector<rpc_internal::RowFacts> facts;
    for (const RpcRow<Domain>& row : rows_) {
      facts.push_back({row.request, row.response, row.kind, &row.rule, row.regional, row.has_unit,
                       row.valid_pattern});
    }
    auto order = rpc_internal::MatchRows(descriptor_, facts);
    if (!order.ok()) {
      status_ = order.status();
      return;
    }
    order_ = *std::move(order);
    std::vector<std::pair<std::string, Rule>> rules;
    for (int i = 0; i < descriptor_->method_count(); ++i) {
      rules.emplace_back(MethodName(i), rows_[order_[i]].rule);
    }
    policy_ = Policy(std::move(rules));
  }

  // OK when the table covers the service exactly (checked at start-up by
  // Serve, and by the service's tests).
  const absl::Status& status() const { return status_; }
  const google::protobuf::ServiceDescriptor* descriptor() const { return descriptor_; }
  // The service's authorization: one rule per method, by full method name.
  const Policy& policy() const { return policy_; }
  // "kaoping.v1.IndicatorService/CreateIndicatorSet" of method i.
  std::string MethodName(int i) const {
    return absl::StrCat(descriptor_->full_name(), "/", descriptor_->method(i)->name());
  }
  CallKind KindOf(int i) const { return rows_[order_[i]].kind; }

  // The routes of a dispatcher serving `domain` (which must outlive them).
  std::vector<RpcRoute> Routes(Domain& domain) const {
    std::vector<RpcRoute> routes;
    for (int i = 0; i < descriptor_->method_count(); ++i) {
      const RpcRow<Domain>& row = rows_[order_[i]];
      routes.push_back(RpcRoute{
          MethodName(i), row.kind, row.rule,
          [run = row.run, &domain](Call& call, const grpc::ByteBuffer& in, grpc::ByteBuffer* out) {
            return run(domain, call, in, out);
          }});
    }
    return routes;
  }

 private:
  const google::protobuf::ServiceDescriptor* descriptor_;
  std::vector<RpcRow<Domain>> rows_;
  std::vector<size_t> order_;
  Policy policy_;
  absl::Status status_;
};

// The gRPC service serving `table` with `domain`, on the runtime's
// authenticator, audit log, store and workers. Fails when the table does
// not cover the service exactly.
template <typename Domain>
absl::StatusOr<OwnedService> Serve(ServiceRuntime& runtime, const RpcTable<Domain>& table,
                                   std::shared_ptr<Domain> domain) {
  RETURN_IF_ERROR(table.status());
  auto dispatcher = std::make_unique<RpcDispatcher>(runtime.call_env(), table.Routes(*domain));
  OwnedService served;
  served.name = table.descriptor()->full_name();
  served.service = std::make_unique<DispatchedService>(table.descriptor(), std::move(dispatcher),
                                                       std::move(domain));
  return served;
}

}  // namespace kaoping
