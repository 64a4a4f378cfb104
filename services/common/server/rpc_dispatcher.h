#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "services/common/audit/audit_log.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/authenticator.h"
#include "services/common/auth/policy.h"
#include "services/common/db/database.h"
#include "services/common/metrics/rpc_metrics.h"
#include "services/common/server/refusal_log.h"
#include "services/common/server/worker_pool.h"

namespace kaoping {

// What every call of a process shares.
struct CallEnv {
  const Authenticator* authenticator = nullptr;
  const AuditLog* audit = nullptr;
  db::Database* db = nullptr;
  WorkerPool* workers = nullptr;
  RefusalLog* refusals = nullptr;
  // Calls by method and code, latencies; none in tests that do not scrape.
  metrics::RpcMetrics* metrics = nullptr;
};

enum class CallKind {
  kRead,         // not audited (its refusals by the rule are)
  kAuditedRead,  // reads of forms, appraisals, archives: audited, success or not
  kWrite,        // audited in the write's own transaction; refusals and failures apart
};

// One call in progress, as the typed part of a route sees it.
class Call {
 public:
  Call(const Principal& principal, const Rule& rule, const AuditLog* log, absl::string_view method)
      : principal_(principal), rule_(rule), audit_(log, principal.subject, method) {}

  const Principal& principal() const { return principal_; }
  AuditScope& audit() { return audit_; }
  const AuditScope& audit() const { return audit_; }
  // Names what the call is about (so that its refusal is audited under it)
  // and applies the rule: OK, or the refusal.
  absl::Status Admit(const CallResource& resource);
  bool refused() const { return refused_; }

 private:
  const Principal& principal_;
  const Rule& rule_;
  AuditScope audit_;
  bool refused_ = false;
};

// One RPC of a service, type-erased (RpcTable builds these).
struct RpcRoute {
  std::string method;  // "kaoping.v1.IndicatorService/CreateIndicatorSet"
  CallKind kind = CallKind::kRead;
  Rule rule;
  // Parses the request (INVALID_ARGUMENT when it does not parse), Admit()s
  // its resource, runs the domain method and serializes the response.
  std::function<absl::Status(Call&, const grpc::ByteBuffer&, grpc::ByteBuffer*)> run;
};

// The call path of every RPC: on gRPC's thread only the hand-off to the
// workers; on a worker: a call whose deadline passed or whose client gave
// up while it waited is dropped before anything runs; then authenticate,
// parse, take the resource, authorize, run the domain method, audit what
// the domain did not, log, answer. Refusals of callers outside the
// resource's region go to the RefusalLog, never to the region's chain.
class RpcDispatcher {
 public:
  RpcDispatcher(CallEnv env, std::vector<RpcRoute> routes);

  size_t size() const { return routes_.size(); }
  const RpcRoute& route(size_t i) const { return routes_[i]; }

  grpc::ServerUnaryReactor* Serve(size_t index, grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request, grpc::ByteBuffer* response);

 private:
  struct Pending;
  void Run(const Pending& call) const;
  absl::Status RunAuthenticated(const RpcRoute& route, const Principal& principal,
                                const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                                std::string* resource) const;
  void AuditOutcome(const RpcRoute& route, const Principal& principal, const Call& call,
                    absl::Status* status) const;
  // Records the call's outcome (when the process keeps metrics) and answers.
  void Finish(const Pending& call, const absl::Status& status) const;

  CallEnv env_;
  std::vector<RpcRoute> routes_;
  std::vector<std::unique_ptr<metrics::RpcMetrics::Method>> metrics_;  // per route, or none
};

// A gRPC service whose every method (those of `descriptor`, all unary) is
// served by `dispatcher`, route i for method i. Requests are parsed here,
// not by gRPC, so a malformed body is INVALID_ARGUMENT with a message.
// Registered like any service: health and reflection list it.
class DispatchedService final : public grpc::Service {
 public:
  DispatchedService(const google::protobuf::ServiceDescriptor* descriptor,
                    std::unique_ptr<RpcDispatcher> dispatcher, std::shared_ptr<void> owned);

 private:
  std::vector<std::string> method_paths_;  // "/package.Service/Method", kept for gRPC
  std::unique_ptr<RpcDispatcher> dispatcher_;
  std::shared_ptr<void> owned_;  // the domain the routes call
};

}  // namespace kaoping
