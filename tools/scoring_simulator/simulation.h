#pragma once

// Runs the engine on simulated counties and measures how well each method
// recovers the known true quality.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/evaluations/scoring/model.h"
#include "tools/scoring_simulator/county.h"

namespace kaoping::scoring::simulator {

struct SimulationReport {
  std::string mix;
  std::uint64_t seed = 0;
  int subjects = 0;
  int forms = 0;
  std::int64_t marks = 0;
  int raters = 0;
  // Spearman's rank correlation of each method's score with true quality.
  double rho_plain = 0;            // unweighted mean of form scores
  double rho_zscore = 0;           // per-rater z-scores, averaged
  double rho_trimmed = 0;          // the engine's raw composite: group weights, trimming
  double rho_additive = 0;         // plain least-squares subject + rater fit
  double rho_additive_shrunk = 0;  // the same with rater effects shrunk (2 pseudo-forms)
  double rho_calibrated = 0;  // the engine's fitted quality (orders as the calibrated composite)
  // Vetoes: cadres who really committed a VETO-level offence, and how many
  // of them end with the veto grade because of a verified VETO lead.
  int true_vetoes = 0;
  int vetoes_found = 0;
  int verified_vetoes = 0;  // VETO leads that reached the engine
  int vetoes_applied = 0;   // subjects the engine vetoed
  int false_vetoes = 0;     // vetoed although innocent (verification erred)
  // The top-grade quota.
  int good = 0;
  int quota = 0;
  double good_share = 0;
  bool quota_ok = false;
  int quota_line_uncertain = 0;  // subjects flagged at the quota line
  // Quota decisions (GOOD or demoted by the quota) on the wrong side of the
  // line the true quality draws, and how many of those were flagged.
  int quota_wrong = 0;
  int quota_wrong_flagged = 0;
  double engine_seconds = 0;
};

// The mixes the README's table reports: rater styles on the standard county
// design, then on designs with few cross-unit links or one superior form.
std::vector<Mix> StandardMixes();

// The best baseline's rho (plain, z-score, trimmed, additive).
double BestBaseline(const SimulationReport& report);

absl::StatusOr<SimulationReport> Simulate(const CountyOptions& options,
                                          const ScoringConfig& config);

// Scores one simulated county and renders ExplainSubject for `subject_id`.
absl::StatusOr<std::string> ExplainSimulatedSubject(const CountyOptions& options,
                                                    const ScoringConfig& config,
                                                    const std::string& subject_id);

// One row per report.
std::string MarkdownTable(const std::vector<SimulationReport>& reports);

}  // namespace kaoping::scoring::simulator
