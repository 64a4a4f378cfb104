#include "tests/gateway/fake_services.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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
  grpc::ServerUnaryReactor* GetInvitation(grpc::CallbackServerContext* context,
                                          const v1::GetInvitationRequest* request,
                                          v1::Invitation* response) override {
    grpc::Status status = fake_->Begin(context, "GetInvitation", *request);
    return Finish(context, status.ok() ? fake_->Get(request->name(), response) : status);
  }
  grpc::ServerUnaryReactor* GetSubject(grpc::CallbackServerContext* context,
                                       const v1::GetSubjectRequest* request,
                                       v1::Subject* response) override {
    grpc::Status status = fake_->Begin(context, "GetSubject", *request);
    return Finish(context, status.ok() ? fake_->Get(request->name(), response) : status);
  }
  grpc::ServerUnaryReactor* GetCampaignCatalog(grpc::CallbackServerContext* context,
                                               const v1::GetCampaignCatalogRequest* request,
                                               v1::CampaignCatalog* response) override {
    grpc::Status status = fake_->Begin(context, "GetCampaignCatalog", *request);
    return Finish(context, status.ok() ? fake_->Get(request->name(), response) : status);
  }
  grpc::ServerUnaryReactor* SubmitForm(grpc::CallbackServerContext* context,
                                       const v1::SubmitFormRequest* request,
                                       v1::Form* response) override {
    grpc::Status status = fake_->Begin(context, "SubmitForm", *request);
    return Finish(context, status.ok() ? fake_->SubmitForm(*request, response) : status);
  }
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context,
                                      const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override {
    grpc::Status status = fake_->Begin(context, "ListLeads", *request);
    for (v1::Lead& lead : fake_->Leads(*request)) {
      *response->add_leads() = std::move(lead);
    }
    return Finish(context, status);
  }
  grpc::ServerUnaryReactor* StartLeadVerification(grpc::CallbackServerContext* context,
                                                  const v1::StartLeadVerificationRequest* request,
                                                  v1::Lead* response) override {
    grpc::Status status = fake_->Begin(context, "StartLeadVerification", *request);
    return Finish(context, status.ok()
                               ? fake_->MoveLead(request->name(), request->etag(), v1::Lead::OPEN,
                                                 v1::Lead::VERIFYING, nullptr, response)
                               : status);
  }
  grpc::ServerUnaryReactor* VerifyLead(grpc::CallbackServerContext* context,
                                       const v1::VerifyLeadRequest* request,
                                       v1::Lead* response) override {
    grpc::Status status = fake_->Begin(context, "VerifyLead", *request);
    static const std::map<v1::Verification::Outcome, v1::Lead::State> kStates = {
        {v1::Verification::CONFIRMED, v1::Lead::CONFIRMED},
        {v1::Verification::PARTLY_CONFIRMED, v1::Lead::PARTLY_CONFIRMED},
        {v1::Verification::UNFOUNDED, v1::Lead::UNFOUNDED}};
    auto to = kStates.find(request->outcome());
    if (status.ok() && to == kStates.end()) {
      status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "outcome: required");
    }
    return Finish(context, status.ok() ? fake_->MoveLead(request->name(), request->etag(),
                                                         v1::Lead::VERIFYING, to->second,
                                                         &request->verification(), response)
                                       : status);
  }
  grpc::ServerUnaryReactor* RedeemInvitationCode(
      grpc::CallbackServerContext* context, const v1::RedeemInvitationCodeRequest* request,
      v1::RedeemInvitationCodeResponse* response) override {
    grpc::Status status = fake_->Begin(context, "RedeemInvitationCode", *request);
    if (status.ok() && !fake_->Redeem(*request, response)) {
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

bool FakeServices::Redeem(const v1::RedeemInvitationCodeRequest& request,
                          v1::RedeemInvitationCodeResponse* response) {
  absl::MutexLock lock(&mutex_);
  auto it = redemptions_.find(request.access_code());
  if (it == redemptions_.end()) {
    return false;
  }
  auto [by, first] = redeemed_by_.try_emplace(request.access_code(), request.request_id());
  if (!first && (request.request_id().empty() || by->second != request.request_id())) {
    return false;
  }
  *response = it->second;
  return true;
}

void FakeServices::SetInvitation(v1::Invitation invitation) {
  absl::MutexLock lock(&mutex_);
  const std::string name = invitation.name();  // before the move
  resources_[name] = std::make_unique<v1::Invitation>(std::move(invitation));
}

void FakeServices::SetSubject(v1::Subject subject) {
  absl::MutexLock lock(&mutex_);
  const std::string name = subject.name();  // before the move
  resources_[name] = std::make_unique<v1::Subject>(std::move(subject));
}

void FakeServices::SetCatalog(v1::CampaignCatalog catalog) {
  absl::MutexLock lock(&mutex_);
  const std::string name = catalog.name();  // before the move
  resources_[name] = std::make_unique<v1::CampaignCatalog>(std::move(catalog));
}

void FakeServices::SetLead(v1::Lead lead) {
  absl::MutexLock lock(&mutex_);
  const std::string name = lead.name();  // before the move
  resources_[name] = std::make_unique<v1::Lead>(std::move(lead));
}

void FakeServices::SetOnWrite(std::function<void(const std::string&)> on_write) {
  absl::MutexLock lock(&mutex_);
  on_write_ = std::move(on_write);
}

std::vector<v1::Form> FakeServices::forms() const {
  absl::MutexLock lock(&mutex_);
  std::vector<v1::Form> out;
  for (const auto& [request_id, form] : forms_) {
    out.push_back(form);
  }
  return out;
}

v1::Lead FakeServices::lead(const std::string& name) const {
  v1::Lead lead;
  Get(name, &lead).ok();
  return lead;
}

grpc::Status FakeServices::Get(const std::string& name, google::protobuf::Message* response) const {
  absl::MutexLock lock(&mutex_);
  auto it = resources_.find(name);
  if (it == resources_.end() || it->second->GetDescriptor() != response->GetDescriptor()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, name + " not found");
  }
  response->CopyFrom(*it->second);
  return grpc::Status::OK;
}

grpc::Status FakeServices::SubmitForm(const v1::SubmitFormRequest& request, v1::Form* form) {
  std::function<void(const std::string&)> on_write;
  {
    absl::MutexLock lock(&mutex_);
    if (auto replay = forms_.find(request.request_id()); replay != forms_.end()) {
      *form = replay->second;
      return grpc::Status::OK;
    }
    v1::Invitation* invitation = nullptr;
    for (auto& [name, resource] : resources_) {
      auto* candidate = dynamic_cast<v1::Invitation*>(resource.get());
      if (candidate != nullptr && absl::StartsWith(name, request.parent() + "/")) {
        invitation = candidate;
      }
    }
    v1::Assignment* assignment = nullptr;
    for (int i = 0; invitation != nullptr && i < invitation->assignments_size(); ++i) {
      if (invitation->assignments(i).subject() == request.form().subject()) {
        assignment = invitation->mutable_assignments(i);
      }
    }
    if (assignment == nullptr) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "form.subject: not assigned to this rater");
    }
    if (assignment->answered()) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "form.subject: already answered");
    }
    *form = request.form();
    form->set_name(absl::StrCat(request.parent(), "/forms/f-", forms_.size() + 1));
    form->set_state(v1::Form::SUBMITTED);
    form->mutable_submit_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    if (request.validate_only()) {
      return grpc::Status::OK;
    }
    assignment->set_answered(true);
    assignment->set_form(form->name());
    forms_[request.request_id()] = *form;
    const std::string region = RegionOf(request.parent());
    v1::EvaluationFigures* total = statistics_[region].first.mutable_total();
    total->set_form_count(total->form_count() + 1);
    on_write = on_write_;
  }
  if (on_write) {
    on_write(RegionOf(request.parent()));
  }
  return grpc::Status::OK;
}

std::vector<v1::Lead> FakeServices::Leads(const v1::ListLeadsRequest& request) const {
  absl::MutexLock lock(&mutex_);
  std::vector<v1::Lead> out;
  for (const auto& [name, resource] : resources_) {
    auto* lead = dynamic_cast<const v1::Lead*>(resource.get());
    if (lead != nullptr && absl::StartsWith(name, request.parent() + "/") &&
        (request.state() == v1::Lead::STATE_UNSPECIFIED || request.state() == lead->state())) {
      out.push_back(*lead);
    }
  }
  return out;
}

grpc::Status FakeServices::MoveLead(const std::string& name, const std::string& etag,
                                    v1::Lead::State from, v1::Lead::State to,
                                    const v1::Verification* verification, v1::Lead* out) {
  std::function<void(const std::string&)> on_write;
  {
    absl::MutexLock lock(&mutex_);
    auto it = resources_.find(name);
    auto* lead = it == resources_.end() ? nullptr : dynamic_cast<v1::Lead*>(it->second.get());
    if (lead == nullptr) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, name + " not found");
    }
    if (!etag.empty() && etag != lead->etag()) {
      return grpc::Status(grpc::StatusCode::ABORTED, "etag: the lead changed; read it again");
    }
    if (lead->state() != from) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          absl::StrCat("the lead is ", v1::Lead::State_Name(lead->state())));
    }
    lead->set_state(to);
    lead->set_etag(absl::StrCat("e", lead->etag().size() + 1, "-", to));
    if (verification != nullptr) {
      *lead->mutable_verification() = *verification;
      v1::EvaluationFigures* total = statistics_[RegionOf(name)].first.mutable_total();
      v1::LeadCount* cell = nullptr;
      for (v1::LeadCount& c : *total->mutable_leads_by_state()) {
        cell = c.has_state() && c.state() == to ? &c : cell;
      }
      if (cell == nullptr) {
        cell = total->add_leads_by_state();
        cell->set_state(to);
      }
      cell->set_count(cell->count() + 1);
    }
    *out = *lead;
    on_write = on_write_;
  }
  if (on_write) {
    on_write(RegionOf(name));
  }
  return grpc::Status::OK;
}

}  // namespace kaoping::gateway::testing
