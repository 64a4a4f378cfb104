#include "tools/scoring_simulator/simulation.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/evaluations/scoring/engine.h"
#include "tools/scoring_simulator/baselines.h"

namespace kaoping::scoring::simulator {

std::vector<Mix> StandardMixes() {
  // lenient, harsh, central, straight, lenient_unit_share, flattery_share
  const RaterStyles mostly_honest = {0.05, 0.05, 0.05, 0.02, 0.00, 0.2};
  const RaterStyles typical = {0.20, 0.05, 0.10, 0.05, 0.15, 0.5};
  const RaterStyles half_lenient = {0.50, 0.05, 0.05, 0.05, 0.20, 0.5};
  const RaterStyles lenient_units = {0.30, 0.00, 0.05, 0.10, 0.40, 0.7};
  const RaterStyles mixed_styles = {0.25, 0.20, 0.20, 0.10, 0.10, 0.5};
  const RaterStyles seventy_lenient = {0.70, 0.00, 0.05, 0.10, 0.30, 0.7};
  const Design standard;
  // Few raters cross unit lines: two county leaders (both overseeing every
  // unit) and one member of the public per subject.
  Design sparse;
  sparse.county_leaders = 2;
  sparse.leaders_per_unit = 2;
  sparse.min_public_forms = 1;
  sparse.max_public_forms = 1;
  // A single superior form per subject (merged into the next group).
  Design one_superior;
  one_superior.max_superior_forms = 1;
  Design sparse_one_superior = sparse;
  sparse_one_superior.max_superior_forms = 1;
  return {
      {"mostly honest", mostly_honest, standard},
      {"typical", typical, standard},
      {"half lenient", half_lenient, standard},
      {"lenient units", lenient_units, standard},
      {"mixed styles", mixed_styles, standard},
      {"70% lenient", seventy_lenient, standard},
      {"typical, sparse links", typical, sparse},
      {"half lenient, sparse links", half_lenient, sparse},
      {"lenient units, sparse links", lenient_units, sparse},
      {"typical, one superior", typical, one_superior},
      {"lenient units, one superior", lenient_units, one_superior},
      {"typical, sparse, one superior", typical, sparse_one_superior},
  };
}

double BestBaseline(const SimulationReport& r) {
  return std::max(
      {r.rho_plain, r.rho_zscore, r.rho_trimmed, r.rho_additive, r.rho_additive_shrunk});
}

namespace {

// Spearman's rho of every method against the truth (parallel to results).
void MeasureRanking(const CampaignResult& result, const std::vector<double>& truth,
                    SimulationReport& report) {
  std::vector<double> trimmed;
  std::vector<double> calibrated;
  for (const SubjectResult& subject : result.subjects) {
    trimmed.push_back(subject.raw_composite);
    calibrated.push_back(subject.fitted_quality);  // what the ranking is taken from
  }
  report.rho_plain = Spearman(PlainAverage(result), truth);
  report.rho_zscore = Spearman(PerRaterZScore(result), truth);
  report.rho_trimmed = Spearman(trimmed, truth);
  report.rho_additive = Spearman(AdditiveFit(result), truth);
  report.rho_additive_shrunk = Spearman(AdditiveFit(result, 2.0), truth);
  report.rho_calibrated = Spearman(calibrated, truth);
}

void CountVetoes(const CampaignResult& result, const SimulatedCounty& county,
                 const std::vector<std::size_t>& generated, SimulationReport& report) {
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    const SubjectResult& subject = result.subjects[s];
    if (county.true_veto[generated[s]]) {
      ++report.true_vetoes;
      report.vetoes_found += subject.grade_reason == GradeReason::kVeto ? 1 : 0;
    } else if (subject.vetoed) {
      ++report.false_vetoes;
    }
    report.vetoes_applied += subject.vetoed ? 1 : 0;
  }
  report.verified_vetoes = county.verified_vetoes;
}

// The quota and the line it draws. Among the subjects the quota decided
// between (given GOOD, or demoted by the quota), a decision is wrong when
// the subject falls on the other side of the line the true quality would
// draw among them; the flag at the line should catch most wrong ones.
void JudgeQuota(const CampaignResult& result, const std::vector<double>& truth,
                SimulationReport& report) {
  std::vector<std::size_t> decided;
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    const SubjectResult& subject = result.subjects[s];
    report.good += subject.proposed_grade == Grade::kGood ? 1 : 0;
    if (result.summary.quota_demoted > 0 && !subject.vetoed &&
        (subject.proposed_grade == Grade::kGood ||
         subject.grade_reason == GradeReason::kQuotaDemoted)) {
      decided.push_back(s);
    }
  }
  report.quota = result.summary.top_grade_quota;
  report.good_share = result.summary.scored_subjects > 0
                          ? static_cast<double>(report.good) / result.summary.scored_subjects
                          : 0.0;
  report.quota_ok = report.good <= report.quota;
  report.quota_line_uncertain = result.summary.quota_line_uncertain;
  std::vector<std::size_t> by_truth = decided;
  std::sort(by_truth.begin(), by_truth.end(),
            [&](std::size_t a, std::size_t b) { return truth[a] > truth[b]; });
  std::vector<bool> truly_above(result.subjects.size(), false);
  for (std::size_t k = 0; k < by_truth.size() && static_cast<int>(k) < report.good; ++k) {
    truly_above[by_truth[k]] = true;
  }
  for (std::size_t s : decided) {
    const SubjectResult& subject = result.subjects[s];
    if ((subject.proposed_grade == Grade::kGood) != truly_above[s]) {
      ++report.quota_wrong;
      report.quota_wrong_flagged += subject.quota_line_uncertain ? 1 : 0;
    }
  }
}

}  // namespace

absl::StatusOr<SimulationReport> Simulate(const CountyOptions& options,
                                          const ScoringConfig& config) {
  SimulatedCounty county = GenerateCounty(options);
  county.campaign.config = config;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<CampaignResult> scored = ScoreCampaign(county.campaign);
  const auto stop = std::chrono::steady_clock::now();
  if (!scored.ok()) {
    return scored.status();
  }
  const CampaignResult& result = *scored;

  SimulationReport report;
  report.mix = options.mix.name;
  report.seed = options.seed;
  report.subjects = result.summary.subjects;
  report.forms = result.summary.forms;
  report.marks = result.summary.marks;
  report.raters = result.summary.raters;
  report.engine_seconds = std::chrono::duration<double>(stop - start).count();

  // Results are in subject-id order; the truth is in generation order.
  absl::flat_hash_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < county.campaign.subjects.size(); ++i) {
    position.emplace(county.campaign.subjects[i].id, i);
  }
  std::vector<std::size_t> generated;
  std::vector<double> truth;
  for (const SubjectResult& subject : result.subjects) {
    generated.push_back(position.at(subject.subject_id));
    truth.push_back(county.true_quality[generated.back()]);
  }
  MeasureRanking(result, truth, report);
  CountVetoes(result, county, generated, report);
  JudgeQuota(result, truth, report);
  return report;
}

absl::StatusOr<std::string> ExplainSimulatedSubject(const CountyOptions& options,
                                                    const ScoringConfig& config,
                                                    const std::string& subject_id) {
  SimulatedCounty county = GenerateCounty(options);
  county.campaign.config = config;
  absl::StatusOr<CampaignResult> result = ScoreCampaign(county.campaign);
  if (!result.ok()) {
    return result.status();
  }
  for (const SubjectResult& subject : result->subjects) {
    if (subject.subject_id == subject_id) {
      return ExplainSubject(*result, subject, config);
    }
  }
  return absl::NotFoundError(absl::StrCat("no subject ", subject_id, " in the simulated county"));
}

std::string MarkdownTable(const std::vector<SimulationReport>& reports) {
  std::string out =
      "| mix | seed | subjects | ratings | plain avg | z-score | trimmed | additive LS | additive "
      "LS, shrunk | calibrated | best baseline | vetoes found | vetoes applied | GOOD share "
      "(quota) | flagged at the line | quota decisions wrong (flagged) |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n";
  for (const SimulationReport& r : reports) {
    const double best = BestBaseline(r);
    absl::StrAppend(
        &out,
        absl::StrFormat("| %s | %d | %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f | **%.4f** | %s "
                        "%+.4f | %d/%d | %d/%d (%d false) | %.1f%% (%d ≤ %d %s) | %d | %d (%d) |\n",
                        r.mix, r.seed, r.subjects, r.marks, r.rho_plain, r.rho_zscore,
                        r.rho_trimmed, r.rho_additive, r.rho_additive_shrunk, r.rho_calibrated,
                        r.rho_calibrated >= best ? "beats by" : "LOSES by", r.rho_calibrated - best,
                        r.vetoes_found, r.true_vetoes, r.vetoes_applied, r.verified_vetoes,
                        r.false_vetoes, 100.0 * r.good_share, r.good, r.quota,
                        r.quota_ok ? "ok" : "VIOLATED", r.quota_line_uncertain, r.quota_wrong,
                        r.quota_wrong_flagged));
  }
  return out;
}

}  // namespace kaoping::scoring::simulator
