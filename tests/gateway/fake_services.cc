#include "tests/gateway/fake_services.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kaoping::gateway::testing {
namespace {

std::string RegionOf(const std::string& name) {
  // regions/{region}/…
  return name.size() >= 14 ? name.substr(8, 6) : "";
}

}  // namespace

class FakeServices::Evaluations final : public v1::EvaluationService::CallbackService {
 public:
  explicit Evaluations(FakeServices* fake) : fake_(fake) {}

  grpc::ServerUnaryReactor* GetEvaluationStatistics(
      grpc::CallbackServerContext* context, const v1::GetEvaluationStatisticsRequest* request,
      v1::EvaluationStatistics* response) override {
    grpc::Status status = fake_->Begin(context, "GetEvaluationStatistics", *request);
    v1::UsageStatistics unused;
    if (status.ok() && !fake_->Statistics(request->name(), response, &unused)) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, request->name() + " not found");
    }
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* GetPublicNotice(grpc::CallbackServerContext* context,
                                            const v1::GetPublicNoticeRequest* request,
                                            v1::PublicNotice* response) override {
    grpc::Status status = fake_->Begin(context, "GetPublicNotice", *request);
    if (status.ok() && !fake_->Notice(request->name(), response)) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, request->name() + " not found");
    }
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* ListPublicNotices(grpc::CallbackServerContext* context,
                                              const v1::ListPublicNoticesRequest* request,
                                              v1::ListPublicNoticesResponse* response) override {
    grpc::Status status = fake_->Begin(context, "ListPublicNotices", *request);
    for (const v1::PublicNotice& notice : fake_->notices()) {
      if (absl::StartsWith(notice.name(), request->parent() + "/")) {
        *response->add_public_notices() = notice;
      }
    }
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* SubmitPublicReport(grpc::CallbackServerContext* context,
                                               const v1::SubmitPublicReportRequest* request,
                                               v1::SubmitPublicReportResponse* response) override {
    grpc::Status status = fake_->Begin(context, "SubmitPublicReport", *request);
    *response = fake_->receipt();
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* RedeemInvitationCode(
      grpc::CallbackServerContext* context, const v1::RedeemInvitationCodeRequest* request,
      v1::RedeemInvitationCodeResponse* response) override {
    grpc::Status status = fake_->Begin(context, "RedeemInvitationCode", *request);
    if (status.ok() && !fake_->Redemption(request->access_code(), response)) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, "access code not found");
    }
    return Finish(context, status);
  }

 private:
  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                          const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }
  FakeServices* fake_;
};

class FakeServices::Results final : public v1::ResultsService::CallbackService {
 public:
  explicit Results(FakeServices* fake) : fake_(fake) {}

  grpc::ServerUnaryReactor* GetUsageStatistics(grpc::CallbackServerContext* context,
                                               const v1::GetUsageStatisticsRequest* request,
                                               v1::UsageStatistics* response) override {
    grpc::Status status = fake_->Begin(context, "GetUsageStatistics", *request);
    v1::EvaluationStatistics unused;
    const std::string name = RegionOf(request->name());
    if (status.ok() && !fake_->Statistics(absl::StrCat("regions/", name, "/evaluationStatistics"),
                                          &unused, response)) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, request->name() + " not found");
    }
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override {
    grpc::Status status = fake_->Begin(context, "ListUnits", *request);
    for (const v1::Unit& unit : fake_->units()) {
      if (absl::StartsWith(unit.name(), request->parent() + "/")) {
        *response->add_units() = unit;
      }
    }
    return Finish(context, status);
  }

 private:
  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                          const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }
  FakeServices* fake_;
};

std::unique_ptr<FakeServices> FakeServices::Start() {
  std::unique_ptr<FakeServices> fake(new FakeServices());
  fake->evaluations_ = std::make_unique<Evaluations>(fake.get());
  fake->results_ = std::make_unique<Results>(fake.get());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &fake->port_);
  builder.RegisterService(fake->evaluations_.get());
  builder.RegisterService(fake->results_.get());
  fake->server_ = builder.BuildAndStart();
  return fake;
}

FakeServices::~FakeServices() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
  }
}

std::string FakeServices::address() const { return absl::StrCat("127.0.0.1:", port_); }

grpc::Status FakeServices::Begin(grpc::CallbackServerContext* context, const std::string& method,
                                 const google::protobuf::Message& request) {
  absl::Duration delay;
  grpc::Status failure;
  {
    absl::MutexLock lock(&mutex_);
    Seen seen{method, "", request.ShortDebugString()};
    auto it = context->client_metadata().find("authorization");
    if (it != context->client_metadata().end()) {
      seen.authorization = std::string(it->second.data(), it->second.size());
    }
    seen_.push_back(std::move(seen));
    delay = absl::StrContains(method, "Statistics") ? delay_ : absl::ZeroDuration();
    failure = failure_;
  }
  if (delay > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
  }
  return failure;
}

std::vector<FakeServices::Seen> FakeServices::seen() const {
  absl::MutexLock lock(&mutex_);
  return seen_;
}

int FakeServices::Calls(const std::string& method) const {
  absl::MutexLock lock(&mutex_);
  int n = 0;
  for (const Seen& seen : seen_) {
    n += seen.method == method;
  }
  return n;
}

void FakeServices::ClearSeen() {
  absl::MutexLock lock(&mutex_);
  seen_.clear();
}

void FakeServices::SetStatistics(const std::string& region_code,
                                 v1::EvaluationStatistics evaluation, v1::UsageStatistics usage) {
  absl::MutexLock lock(&mutex_);
  statistics_[region_code] = {std::move(evaluation), std::move(usage)};
}

void FakeServices::SetUnits(std::vector<v1::Unit> units) {
  absl::MutexLock lock(&mutex_);
  units_ = std::move(units);
}

void FakeServices::SetDelay(absl::Duration delay) {
  absl::MutexLock lock(&mutex_);
  delay_ = delay;
}

void FakeServices::SetFailure(grpc::Status status) {
  absl::MutexLock lock(&mutex_);
  failure_ = std::move(status);
}

void FakeServices::SetNotice(v1::PublicNotice notice) {
  absl::MutexLock lock(&mutex_);
  notices_[notice.name()] = std::move(notice);
}

void FakeServices::SetReceipt(v1::SubmitPublicReportResponse receipt) {
  absl::MutexLock lock(&mutex_);
  receipt_ = std::move(receipt);
}

void FakeServices::SetRedemption(const std::string& access_code,
                                 v1::RedeemInvitationCodeResponse response) {
  absl::MutexLock lock(&mutex_);
  redemptions_[access_code] = std::move(response);
}

bool FakeServices::Statistics(const std::string& name, v1::EvaluationStatistics* evaluation,
                              v1::UsageStatistics* usage) const {
  absl::MutexLock lock(&mutex_);
  auto it = statistics_.find(RegionOf(name));
  if (it == statistics_.end()) {
    return false;
  }
  *evaluation = it->second.first;
  *usage = it->second.second;
  return true;
}

std::vector<v1::Unit> FakeServices::units() const {
  absl::MutexLock lock(&mutex_);
  return units_;
}

bool FakeServices::Notice(const std::string& name, v1::PublicNotice* notice) const {
  absl::MutexLock lock(&mutex_);
  auto it = notices_.find(name);
  if (it == notices_.end()) {
    return false;
  }
  *notice = it->second;
  return true;
}

std::vector<v1::PublicNotice> FakeServices::notices() const {
  absl::MutexLock lock(&mutex_);
  std::vector<v1::PublicNotice> out;
  for (const auto& [name, notice] : notices_) {
    out.push_back(notice);
  }
  return out;
}

v1::SubmitPublicReportResponse FakeServices::receipt() const {
  absl::MutexLock lock(&mutex_);
  return receipt_;
}

bool FakeServices::Redemption(const std::string& code,
                              v1::RedeemInvitationCodeResponse* response) const {
  absl::MutexLock lock(&mutex_);
  auto it = redemptions_.find(code);
  if (it == redemptions_.end()) {
    return false;
  }
  *response = it->second;
  return true;
}

}  // namespace kaoping::gateway::testing
