#pragma once

#include <functional>
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
// RedeemInvitationCode what the test set; the rater's flow (GetInvitation,
// GetSubject, GetCampaignCatalog, SubmitForm) and the team's lead
// verification (ListLeads, StartLeadVerification, VerifyLead) over state the
// test set, their writes counted in the region's statistics as the services
// would; every call's method and authorization are recorded.
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
  // RedeemInvitationCode: the answer for one access code (others NOT_FOUND);
  // the code is consumed by its first redemption (a retry with the same
  // request_id gets the same answer, any other NOT_FOUND), as the service does.
  void SetRedemption(const std::string& access_code, v1::RedeemInvitationCodeResponse response);

  // The rater's flow. SubmitForm records one form per subject (again:
  // ALREADY_EXISTS; validate_only records nothing), marks the invitation's
  // assignment answered and counts the form in the region's statistics.
  void SetInvitation(v1::Invitation invitation);
  void SetSubject(v1::Subject subject);
  void SetCatalog(v1::CampaignCatalog catalog);
  std::vector<v1::Form> forms() const;
  // The team's flow: OPEN → StartLeadVerification → VERIFYING → VerifyLead
  // → the outcome's state, counted in the region's statistics
  // (leads_by_state); a wrong state or etag is FAILED_PRECONDITION / ABORTED.
  void SetLead(v1::Lead lead);
  v1::Lead lead(const std::string& name) const;
  // Called after every recorded write with its region code (a test publishes
  // the event the service's outbox would).
  void SetOnWrite(std::function<void(const std::string& region_code)> on_write);

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
  bool Redeem(const v1::RedeemInvitationCodeRequest& request,
              v1::RedeemInvitationCodeResponse* response);
  grpc::Status Get(const std::string& name, google::protobuf::Message* response) const;
  grpc::Status SubmitForm(const v1::SubmitFormRequest& request, v1::Form* form);
  std::vector<v1::Lead> Leads(const v1::ListLeadsRequest& request) const;
  grpc::Status MoveLead(const std::string& name, const std::string& etag, v1::Lead::State from,
                        v1::Lead::State to, const v1::Verification* verification, v1::Lead* lead);

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
  std::map<std::string, std::string> redeemed_by_ ABSL_GUARDED_BY(mutex_);  // code → request id
  // Invitations, subjects, catalogs and leads by name.
  std::map<std::string, std::unique_ptr<google::protobuf::Message>> resources_
      ABSL_GUARDED_BY(mutex_);
  std::map<std::string, v1::Form> forms_ ABSL_GUARDED_BY(mutex_);  // by request id
  std::function<void(const std::string&)> on_write_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping::gateway::testing
