// kaoping_scoring_simulator: generates county campaigns with known true
// quality, scores them, and prints how well each method recovers the truth
// as a markdown table.
//
//   kaoping_scoring_simulator [--seeds=3] [--units=150] [--mix=NAME] [--explain=SUBJECT_ID]
//       [--severity_prior=-1] [--points_scale] [--group_effects] [--slope_prior=-1]
//       [--interaction_prior=8] [--huber_k=2] [--straight_liner_weight=0.1]
//       [--trim_fraction=0.1] [--trim_calibrated] [--group_view_prior=-1]
//       [--quota_line_z=1] [--tolerance=1e-6] [--no_calibration]
//
// Configuration flags override ScoringConfig's defaults (README.md's
// ablation); the mixes are StandardMixes().

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "tools/scoring_simulator/simulation.h"

namespace {

bool Flag(absl::string_view arg, absl::string_view name, absl::string_view* value) {
  const std::string prefix = absl::StrFormat("--%s=", name);
  if (absl::StartsWith(arg, prefix)) {
    *value = arg.substr(prefix.size());
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using kaoping::scoring::ScoringConfig;
  using namespace kaoping::scoring::simulator;
  int seeds = 3;
  int units = 150;
  std::string only_mix;
  std::string explain;
  ScoringConfig config;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    absl::string_view value;
    bool ok = true;
    if (Flag(arg, "seeds", &value)) {
      ok = absl::SimpleAtoi(value, &seeds);
    } else if (Flag(arg, "units", &value)) {
      ok = absl::SimpleAtoi(value, &units);
    } else if (Flag(arg, "mix", &value)) {
      only_mix = std::string(value);
    } else if (Flag(arg, "explain", &value)) {
      explain = std::string(value);
    } else if (Flag(arg, "severity_prior", &value)) {
      ok = absl::SimpleAtod(value, &config.severity_prior_forms);
    } else if (Flag(arg, "slope_prior", &value)) {
      ok = absl::SimpleAtod(value, &config.rater_slope_prior_forms);
    } else if (arg == "--points_scale") {
      config.latent_scale = false;
    } else if (arg == "--group_effects") {
      config.group_effects = true;
    } else if (arg == "--trim_calibrated") {
      config.trim_calibrated = true;
    } else if (Flag(arg, "interaction_prior", &value)) {
      ok = absl::SimpleAtod(value, &config.interaction_prior_forms);
    } else if (Flag(arg, "huber_k", &value)) {
      ok = absl::SimpleAtod(value, &config.huber_k);
    } else if (Flag(arg, "straight_liner_weight", &value)) {
      ok = absl::SimpleAtod(value, &config.straight_liner_weight);
    } else if (Flag(arg, "trim_fraction", &value)) {
      ok = absl::SimpleAtod(value, &config.trim_fraction);
    } else if (Flag(arg, "group_view_prior", &value)) {
      ok = absl::SimpleAtod(value, &config.group_view_prior_forms);
    } else if (Flag(arg, "quota_line_z", &value)) {
      ok = absl::SimpleAtod(value, &config.quota_line_z);
    } else if (Flag(arg, "tolerance", &value)) {
      ok = absl::SimpleAtod(value, &config.tolerance);
    } else if (arg == "--no_calibration") {
      config.calibrate = false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "unknown or malformed argument: %s\n", argv[i]);
      return 2;
    }
  }
  if (!explain.empty()) {
    // The account of one subject in the first selected mix, seed 1.
    for (const Mix& mix : StandardMixes()) {
      if (!only_mix.empty() && mix.name != only_mix) {
        continue;
      }
      CountyOptions options;
      options.units = units;
      options.mix = mix;
      absl::StatusOr<std::string> text = ExplainSimulatedSubject(options, config, explain);
      if (!text.ok()) {
        std::fprintf(stderr, "%s\n", text.status().ToString().c_str());
        return 1;
      }
      std::printf("%s\n", text->c_str());
      return 0;
    }
  }
  std::vector<SimulationReport> reports;
  for (const Mix& mix : StandardMixes()) {
    if (!only_mix.empty() && mix.name != only_mix) {
      continue;
    }
    for (int seed = 1; seed <= seeds; ++seed) {
      CountyOptions options;
      options.units = units;
      options.mix = mix;
      options.seed = static_cast<std::uint64_t>(seed);
      absl::StatusOr<SimulationReport> report = Simulate(options, config);
      if (!report.ok()) {
        std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
        return 1;
      }
      std::fprintf(stderr, "%s seed %d: calibrated %.3f (engine %.0f ms)\n", mix.name.c_str(), seed,
                   report->rho_calibrated, report->engine_seconds * 1000);
      reports.push_back(*report);
    }
  }
  std::printf("%s", MarkdownTable(reports).c_str());
  return 0;
}
