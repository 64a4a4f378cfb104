#include "services/evaluations/aggregation_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {

absl::StatusOr<int64_t> AggregationStore::NextRunNumber(db::Transaction& tx,
                                                        const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Row row,
                   tx.QueryOne("SELECT COALESCE(MAX(run_number), 0) FROM aggregation_runs"
                               " WHERE region_code = $1 AND campaign_id = $2",
                               {campaign.region_code, campaign.campaign_id}));
  return row[0].AsInt() + 1;
}

absl::Status AggregationStore::InsertRun(db::Transaction& tx, const CampaignKey& campaign,
                                         const v1::AggregationRun& run,
                                         int64_t lease_micros) const {
  return tx
      .Execute(
          "INSERT INTO aggregation_runs (region_code, campaign_id, run_number, state,"
          " lease_micros, create_micros, content) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {campaign.region_code, campaign.campaign_id, run.aggregation_revision(),
           v1::AggregationRun::State_Name(run.state()), lease_micros, Micros(run.create_time()),
           Encode(run)})
      .status();
}

absl::StatusOr<std::optional<v1::AggregationRun>> AggregationStore::FindRun(
    db::Transaction& tx, const CampaignKey& campaign, int64_t number) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content FROM aggregation_runs WHERE region_code = $1"
                            " AND campaign_id = $2 AND run_number = $3",
                            {campaign.region_code, campaign.campaign_id, number}));
  if (rows.empty()) {
    return std::optional<v1::AggregationRun>();
  }
  ASSIGN_OR_RETURN(v1::AggregationRun run,
                   Decode<v1::AggregationRun>(rows[0][0], "aggregation run"));
  return std::optional<v1::AggregationRun>(std::move(run));
}

absl::StatusOr<std::optional<v1::AggregationRun>> AggregationStore::RunningRun(
    db::Transaction& tx, const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content FROM aggregation_runs WHERE region_code = $1"
                            " AND campaign_id = $2 AND state = 'RUNNING'",
                            {campaign.region_code, campaign.campaign_id}));
  if (rows.empty()) {
    return std::optional<v1::AggregationRun>();
  }
  ASSIGN_OR_RETURN(v1::AggregationRun run,
                   Decode<v1::AggregationRun>(rows[0][0], "aggregation run"));
  return std::optional<v1::AggregationRun>(std::move(run));
}

absl::Status AggregationStore::UpdateRun(db::Transaction& tx, const CampaignKey& campaign,
                                         const v1::AggregationRun& run,
                                         int64_t lease_micros) const {
  return tx
      .Execute(
          "UPDATE aggregation_runs SET state = $4, lease_micros = $5, content = $6"
          " WHERE region_code = $1 AND campaign_id = $2 AND run_number = $3",
          {campaign.region_code, campaign.campaign_id, run.aggregation_revision(),
           v1::AggregationRun::State_Name(run.state()), lease_micros, Encode(run)})
      .status();
}

absl::StatusOr<std::vector<v1::AggregationRun>> AggregationStore::ListRuns(
    db::Transaction& tx, const CampaignKey& campaign, int64_t before, int limit) const {
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query("SELECT content FROM aggregation_runs WHERE region_code = $1"
               " AND campaign_id = $2 AND ($3 = 0 OR run_number < $3)"
               " ORDER BY run_number DESC LIMIT $4",
               {campaign.region_code, campaign.campaign_id, before, static_cast<int64_t>(limit)}));
  std::vector<v1::AggregationRun> runs;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::AggregationRun run, Decode<v1::AggregationRun>(row[0], "aggregation run"));
    runs.push_back(std::move(run));
  }
  return runs;
}

absl::StatusOr<std::vector<RunKey>> AggregationStore::AbandonedRuns(db::Transaction& tx,
                                                                    int64_t now_micros) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT region_code, campaign_id, run_number FROM aggregation_runs"
                            " WHERE state = 'RUNNING' AND lease_micros < $1",
                            {now_micros}));
  std::vector<RunKey> runs;
  for (const db::Row& row : rows) {
    runs.push_back({CampaignKey{row[0].AsText(), row[1].AsText()}, row[2].AsInt()});
  }
  return runs;
}

absl::Status AggregationStore::SetDiagnostics(db::Transaction& tx, const CampaignKey& campaign,
                                              int64_t number,
                                              const v1::CampaignDiagnostics& diagnostics) const {
  return tx
      .Execute(
          "UPDATE aggregation_runs SET diagnostics = $4 WHERE region_code = $1"
          " AND campaign_id = $2 AND run_number = $3",
          {campaign.region_code, campaign.campaign_id, number, Encode(diagnostics)})
      .status();
}

absl::StatusOr<std::optional<v1::CampaignDiagnostics>> AggregationStore::Diagnostics(
    db::Transaction& tx, const CampaignKey& campaign, int64_t number) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT diagnostics FROM aggregation_runs WHERE region_code = $1"
                            " AND campaign_id = $2 AND run_number = $3",
                            {campaign.region_code, campaign.campaign_id, number}));
  if (rows.empty() || rows[0][0].is_null()) {
    return std::optional<v1::CampaignDiagnostics>();
  }
  ASSIGN_OR_RETURN(v1::CampaignDiagnostics diagnostics,
                   Decode<v1::CampaignDiagnostics>(rows[0][0], "diagnostics"));
  return std::optional<v1::CampaignDiagnostics>(std::move(diagnostics));
}

absl::StatusOr<std::vector<v1::SubjectSummary>> AggregationStore::CurrentSummaries(
    db::Transaction& tx, const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content FROM subject_summaries WHERE region_code = $1"
                            " AND campaign_id = $2 AND current = 1 ORDER BY subject_id",
                            {campaign.region_code, campaign.campaign_id}));
  std::vector<v1::SubjectSummary> summaries;
  summaries.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::SubjectSummary summary,
                     Decode<v1::SubjectSummary>(row[0], "subject summary"));
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

absl::Status AggregationStore::WriteSummary(db::Transaction& tx, const CampaignKey& campaign,
                                            const std::string& unit,
                                            const v1::SubjectSummary& summary) const {
  const std::string subject_id = LastSegment(summary.subject());
  RETURN_IF_ERROR(tx.Execute("UPDATE subject_summaries SET current = 0 WHERE region_code = $1"
                             " AND campaign_id = $2 AND subject_id = $3 AND current = 1",
                             {campaign.region_code, campaign.campaign_id, subject_id})
                      .status());
  return tx
      .Execute(
          "INSERT INTO subject_summaries (region_code, campaign_id, subject_id, revision,"
          " aggregation_revision, current, unit, final_composite, proposed_grade, vetoed,"
          " content) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10)",
          {campaign.region_code, campaign.campaign_id, subject_id, summary.revision(),
           summary.aggregation_revision(), unit, summary.final_composite(),
           v1::Grade_Name(summary.proposal().grade()), summary.vetoed(), Encode(summary)})
      .status();
}

absl::StatusOr<std::optional<v1::SubjectSummary>> AggregationStore::CurrentSummary(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content FROM subject_summaries WHERE region_code = $1"
                            " AND campaign_id = $2 AND subject_id = $3 AND current = 1",
                            {campaign.region_code, campaign.campaign_id, subject_id}));
  if (rows.empty()) {
    return std::optional<v1::SubjectSummary>();
  }
  ASSIGN_OR_RETURN(v1::SubjectSummary summary,
                   Decode<v1::SubjectSummary>(rows[0][0], "subject summary"));
  return std::optional<v1::SubjectSummary>(std::move(summary));
}

absl::StatusOr<int64_t> AggregationStore::LatestRevision(db::Transaction& tx,
                                                         const CampaignKey& campaign,
                                                         const std::string& subject_id) const {
  ASSIGN_OR_RETURN(db::Row row,
                   tx.QueryOne("SELECT COALESCE(MAX(revision), 0) FROM subject_summaries"
                               " WHERE region_code = $1 AND campaign_id = $2 AND subject_id = $3",
                               {campaign.region_code, campaign.campaign_id, subject_id}));
  return row[0].AsInt();
}

absl::StatusOr<std::vector<v1::SubjectSummary>> AggregationStore::ListSummaries(
    db::Transaction& tx, const CampaignKey& campaign, const SummaryQuery& q) const {
  db::Params params = {campaign.region_code, campaign.campaign_id, static_cast<int64_t>(q.limit)};
  std::string where = "region_code = $1 AND campaign_id = $2 AND current = 1";
  if (!q.unit.empty()) {
    params.push_back(q.unit);
    absl::StrAppend(&where, " AND unit = $", params.size());
  }
  if (!q.proposed_grade.empty()) {
    params.push_back(q.proposed_grade);
    absl::StrAppend(&where, " AND proposed_grade = $", params.size());
  }
  if (q.vetoed_only) {
    absl::StrAppend(&where, " AND vetoed = 1");
  }
  if (q.after.has_value()) {
    params.push_back(q.after->first);
    params.push_back(q.after->second);
    absl::StrAppend(&where, " AND (final_composite < $", params.size() - 1,
                    " OR (final_composite = $", params.size() - 1, " AND subject_id > $",
                    params.size(), "))");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT content FROM subject_summaries WHERE ", where,
                                         " ORDER BY final_composite DESC, subject_id LIMIT $3"),
                            params));
  std::vector<v1::SubjectSummary> summaries;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::SubjectSummary summary,
                     Decode<v1::SubjectSummary>(row[0], "subject summary"));
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

}  // namespace kaoping::evaluations
