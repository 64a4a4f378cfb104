#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A run of a campaign that has not ended, as the recovery sweep finds it.
struct RunKey {
  CampaignKey campaign;
  int64_t number = 0;
};

// Aggregation runs, their diagnostics, and every version of every subject
// summary. Every method runs in the caller's transaction.
class AggregationStore {
 public:
  absl::StatusOr<int64_t> NextRunNumber(db::Transaction& tx, const CampaignKey& campaign) const;
  absl::Status InsertRun(db::Transaction& tx, const CampaignKey& campaign,
                         const v1::AggregationRun& run, int64_t lease_micros) const;
  absl::StatusOr<std::optional<v1::AggregationRun>> FindRun(db::Transaction& tx,
                                                            const CampaignKey& campaign,
                                                            int64_t number) const;
  absl::StatusOr<std::optional<v1::AggregationRun>> RunningRun(db::Transaction& tx,
                                                               const CampaignKey& campaign) const;
  // Replaces a run (its state, progress, error), with a new lease.
  absl::Status UpdateRun(db::Transaction& tx, const CampaignKey& campaign,
                         const v1::AggregationRun& run, int64_t lease_micros) const;
  // Newest first, numbers below `before` (0: from the newest).
  absl::StatusOr<std::vector<v1::AggregationRun>> ListRuns(db::Transaction& tx,
                                                           const CampaignKey& campaign,
                                                           int64_t before, int limit) const;
  // RUNNING runs whose lease ended before `now_micros`: their runner is gone.
  absl::StatusOr<std::vector<RunKey>> AbandonedRuns(db::Transaction& tx, int64_t now_micros) const;
  absl::Status SetDiagnostics(db::Transaction& tx, const CampaignKey& campaign, int64_t number,
                              const v1::CampaignDiagnostics& diagnostics) const;
  absl::StatusOr<std::optional<v1::CampaignDiagnostics>> Diagnostics(db::Transaction& tx,
                                                                     const CampaignKey& campaign,
                                                                     int64_t number) const;

  // The current version of every summary of the campaign, by subject id.
  absl::StatusOr<std::vector<v1::SubjectSummary>> CurrentSummaries(
      db::Transaction& tx, const CampaignKey& campaign) const;
  // A new current version (its revision set by the caller).
  absl::Status WriteSummary(db::Transaction& tx, const CampaignKey& campaign,
                            const std::string& unit, const v1::SubjectSummary& summary) const;
  absl::StatusOr<std::optional<v1::SubjectSummary>> CurrentSummary(
      db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id) const;
  // The newest revision a subject's summary ever had (0: none).
  absl::StatusOr<int64_t> LatestRevision(db::Transaction& tx, const CampaignKey& campaign,
                                         const std::string& subject_id) const;

  struct SummaryQuery {
    std::string unit;
    std::string proposed_grade;
    bool vetoed_only = false;
    std::optional<std::pair<double, std::string>> after;  // final composite, subject id
    int limit = 50;
  };
  // Highest final composite first, then subject id.
  absl::StatusOr<std::vector<v1::SubjectSummary>> ListSummaries(db::Transaction& tx,
                                                                const CampaignKey& campaign,
                                                                const SummaryQuery& q) const;
};

}  // namespace kaoping::evaluations
