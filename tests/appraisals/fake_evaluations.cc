#include "tests/appraisals/fake_evaluations.h"

#include <grpcpp/test/client_context_test_peer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace kaoping::appraisals::testing {
namespace {

using ::testing::_;
using ::testing::Invoke;

std::string LastSegment(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// A summary that reads like one: figures, a group, a verified lead.
v1::SubjectSummary MakeSummary(const std::string& subject, const std::string& cadre,
                               int64_t revision, v1::Grade proposed, bool vetoed) {
  v1::SubjectSummary summary;
  summary.set_name(absl::StrReplaceAll(subject, {{"/subjects/", "/subjectSummaries/"}}));
  summary.set_subject(subject);
  summary.set_campaign(subject.substr(0, subject.find("/subjects/")));
  summary.set_cadre(cadre);
  summary.set_revision(revision);
  summary.set_aggregation_revision(1);
  summary.set_form_count(40);
  summary.set_raw_composite(86.5 - revision);
  summary.set_calibrated_composite(84.25 - revision);
  summary.set_deduction_total(vetoed ? 0 : 2);
  summary.set_final_composite(82.25 - revision);
  summary.set_agreement_rwg(0.81);
  v1::GroupScore* group = summary.add_group_scores();
  group->add_rater_groups(v1::SUPERIOR);
  group->set_form_count(12);
  group->set_weight(0.3);
  v1::VerifiedLead* lead = summary.add_verified_leads();
  lead->set_lead(absl::StrCat(subject.substr(0, subject.find("/campaigns/")), "/leads/l-",
                              LastSegment(subject)));
  lead->set_cadre(cadre);
  lead->mutable_negative_item()->set_id(vetoed ? "veto-1" : "deduct-1");
  lead->mutable_negative_item()->set_severity(vetoed ? v1::VETO : v1::DEDUCT);
  lead->set_deduction(vetoed ? 0 : 2);
  lead->set_findings("核实：情况属实");
  summary.set_vetoed(vetoed);
  summary.mutable_proposal()->set_grade(vetoed ? v1::POOR : proposed);
  summary.mutable_proposal()->set_vetoed(vetoed);
  summary.mutable_proposal()->set_explanation("final composite gives the grade");
  return summary;
}

}  // namespace

void FakeEvaluations::AddCampaign(const std::string& name, v1::Campaign::State state) {
  absl::MutexLock lock(&mutex_);
  v1::Campaign& campaign = campaigns_[name];
  campaign.set_name(name);
  campaign.set_display_name(absl::StrCat("2026 年度考核 ", LastSegment(name)));
  campaign.set_kind(v1::ANNUAL);
  campaign.set_state(state);
}

void FakeEvaluations::AddSubject(const std::string& subject, const std::string& cadre,
                                 const std::string& unit, v1::Grade proposed, bool vetoed) {
  absl::MutexLock lock(&mutex_);
  v1::Subject& s = subjects_[subject];
  s.set_name(subject);
  s.set_cadre(cadre);
  s.set_display_name(absl::StrCat("张", LastSegment(cadre)));
  s.set_unit(unit);
  s.set_unit_display_name(absl::StrCat("单位 ", LastSegment(unit)));
  s.set_post_title("镇党委书记");
  s.set_post_tier(v1::PRINCIPAL);
  s.set_sector(v1::TOWNSHIP);
  summaries_[subject] = MakeSummary(subject, cadre, 1, proposed, vetoed);
}

void FakeEvaluations::ChangeSummary(const std::string& subject, v1::Grade proposed, bool vetoed) {
  absl::MutexLock lock(&mutex_);
  const v1::SubjectSummary& before = summaries_.at(subject);
  summaries_[subject] =
      MakeSummary(subject, before.cadre(), before.revision() + 1, proposed, vetoed);
}

v1::SubjectSummary FakeEvaluations::Summary(const std::string& subject) const {
  absl::MutexLock lock(&mutex_);
  return summaries_.at(subject);
}

void FakeEvaluations::SetDown(bool down) {
  absl::MutexLock lock(&mutex_);
  down_ = down;
}

std::vector<FakeEvaluations::Seen> FakeEvaluations::calls() const {
  absl::MutexLock lock(&mutex_);
  return calls_;
}

grpc::Status FakeEvaluations::Note(absl::string_view method, const std::string& name,
                                   grpc::ClientContext* context) {
  Seen seen;
  seen.method = std::string(method);
  seen.name = name;
  grpc::testing::ClientContextTestPeer peer(context);
  for (const auto& [key, value] : peer.GetSendInitialMetadata()) {
    if (key == "authorization") {
      seen.authorization = value;
    }
  }
  seen.has_deadline =
      context->deadline() < std::chrono::system_clock::now() + std::chrono::hours(1);
  calls_.push_back(seen);
  if (down_) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
  return grpc::Status::OK;
}

grpc::Status FakeEvaluations::GetCampaign(grpc::ClientContext* context,
                                          const v1::GetCampaignRequest& request,
                                          v1::Campaign* response) {
  absl::MutexLock lock(&mutex_);
  grpc::Status status = Note("GetCampaign", request.name(), context);
  if (!status.ok()) {
    return status;
  }
  auto it = campaigns_.find(request.name());
  if (it == campaigns_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request.name(), " not found"));
  }
  *response = it->second;
  return grpc::Status::OK;
}

grpc::Status FakeEvaluations::GetSubject(grpc::ClientContext* context,
                                         const v1::GetSubjectRequest& request,
                                         v1::Subject* response) {
  absl::MutexLock lock(&mutex_);
  grpc::Status status = Note("GetSubject", request.name(), context);
  if (!status.ok()) {
    return status;
  }
  auto it = subjects_.find(request.name());
  if (it == subjects_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request.name(), " not found"));
  }
  *response = it->second;
  return grpc::Status::OK;
}

grpc::Status FakeEvaluations::GetSubjectSummary(grpc::ClientContext* context,
                                                const v1::GetSubjectSummaryRequest& request,
                                                v1::SubjectSummary* response) {
  absl::MutexLock lock(&mutex_);
  grpc::Status status = Note("GetSubjectSummary", request.name(), context);
  if (!status.ok()) {
    return status;
  }
  const std::string subject =
      absl::StrReplaceAll(request.name(), {{"/subjectSummaries/", "/subjects/"}});
  auto campaign = campaigns_.find(subject.substr(0, subject.find("/subjects/")));
  if (campaign != campaigns_.end() && campaign->second.state() != v1::Campaign::AGGREGATED) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "campaign is CLOSED: summaries exist after an aggregation run");
  }
  auto it = summaries_.find(subject);
  if (it == summaries_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request.name(), " not found"));
  }
  *response = it->second;
  return grpc::Status::OK;
}

void FakeEvaluations::Install(v1::MockEvaluationServiceStub& mock) {
  ON_CALL(mock, GetCampaign(_, _, _)).WillByDefault(Invoke(this, &FakeEvaluations::GetCampaign));
  ON_CALL(mock, GetSubject(_, _, _)).WillByDefault(Invoke(this, &FakeEvaluations::GetSubject));
  ON_CALL(mock, GetSubjectSummary(_, _, _))
      .WillByDefault(Invoke(this, &FakeEvaluations::GetSubjectSummary));
}

}  // namespace kaoping::appraisals::testing
