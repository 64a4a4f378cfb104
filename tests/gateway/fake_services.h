#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "kaoping/v1/results.grpc.pb.h"

namespace kaoping::gateway::testing {

// Stand-ins for the evaluations and results services in the gateway's
// tests of dashboards and public access, over real gRPC on a free port:
// the statistics RPCs answer what the test set per region (NOT_FOUND
// otherwise), ListUnits the units set, the public-notice RPCs and
// RedeemInvitationCode what the test set; every call's method and
// authorization are recorded.
class FakeServices {
 public:
  static std::unique_ptr<FakeServices> Start();
  ~FakeServices();

  std::string address() const;

  struct Seen {
    std::string method;  // e.g. "GetEvaluationStatistics"
    std::string authorization;
    std::string request;  // the request's text format
  };
  std::vector<Seen> seen() const;
  int Calls(const std::string& method) const;
  void ClearSeen();

  // Statistics by region code; a year not set answers the same as any other.
  void SetStatistics(const std::string& region_code, v1::EvaluationStatistics evaluation,
                     v1::UsageStatistics usage);
  void SetUnits(std::vector<v1::Unit> units);
  // Every statistics call first waits this long (concurrent requests meet).
  void SetDelay(absl::Duration delay);
  // Every call answers this (OK: normal answers).
  void SetFailure(grpc::Status status);

  void SetNotice(v1::PublicNotice notice);
  // The receipt of SubmitPublicReport (the request is recorded in seen()).
  void SetReceipt(v1::SubmitPublicReportResponse receipt);
  // RedeemInvitationCode: the answer for one access code (others NOT_FOUND).
  void SetRedemption(const std::string& access_code, v1::RedeemInvitationCodeResponse response);

  class Evaluations;
  class Results;
  // For the services' methods.
  grpc::Status Begin(grpc::CallbackServerContext* context, const std::string& method,
                     const google::protobuf::Message& request);
  bool Statistics(const std::string& name, v1::EvaluationStatistics* evaluation,
                  v1::UsageStatistics* usage) const;
  std::vector<v1::Unit> units() const;
  bool Notice(const std::string& name, v1::PublicNotice* notice) const;
  std::vector<v1::PublicNotice> notices() const;
  v1::SubmitPublicReportResponse receipt() const;
  bool Redemption(const std::string& code, v1::RedeemInvitationCodeResponse* response) const;

 private:
  FakeServices() = default;

  std::unique_ptr<Evaluations> evaluations_;
  std::unique_ptr<Results> results_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  mutable absl::Mutex mutex_;
  std::vector<Seen> seen_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, std::pair<v1::EvaluationStatistics, v1::UsageStatistics>> statistics_
      ABSL_GUARDED_BY(mutex_);
  std::vector<v1::Unit> units_ ABSL_GUARDED_BY(mutex_);
  absl::Duration delay_ ABSL_GUARDED_BY(mutex_);
  grpc::Status failure_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::PublicNotice> notices_ ABSL_GUARDED_BY(mutex_);
  v1::SubmitPublicReportResponse receipt_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::RedeemInvitationCodeResponse> redemptions_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::gateway::testing
