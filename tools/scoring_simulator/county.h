#pragma once

// A synthetic county campaign with known true quality per cadre, generated
// the way counties are organised (services/evaluations/scoring/README.md,
// "The simulator", documents every assumption). Used by the simulator
// executable, its regression test and the scoring benchmark. Deterministic
// for a given CountyOptions (std::mt19937_64).

#include <cstdint>
#include <string>
#include <vector>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring::simulator {

// Shares of rater styles; the rest rate honestly (with a small personal bias).
struct RaterStyles {
  double lenient = 0.20;   // severity shifted up by U(1.0, 2.0) latent sd
  double harsh = 0.05;     // shifted down by U(0.8, 1.6)
  double central = 0.05;   // compress everything toward FAIRLY_GOOD/AVERAGE
  double straight = 0.05;  // one grade for every mark on every form
  // Units whose insiders (peers, subordinates, in-unit superiors) all add a
  // U(0.8, 1.5) leniency on top of their own style: 好人思想 as a culture.
  double lenient_unit_share = 0.15;
  // Subordinates who add U(0.5, 1.0) when rating their own leaders (the
  // unit's principal, and a staff member's section head).
  double flattery_share = 0.5;
};

// Who rates whom: how many raters cross unit lines and how many forms each
// group brings.
struct Design {
  // County leaders, who rate the teams of the units they oversee: 0 means
  // one per county_leaders_per_unit_ratio units; a positive number fixes it.
  int county_leaders = 0;
  int county_leaders_per_unit_ratio = 6;
  int leaders_per_unit = 2;  // county leaders overseeing a unit (at most all)
  // Forms per subject: superiors (at most max_superior_forms; 0 = all the
  // unit's structure gives), peers (at most max_peer_forms) and subordinates
  // within forms_per_subject - min_public_forms; the public fills up to
  // forms_per_subject but brings at most max_public_forms.
  int forms_per_subject = 40;
  int max_superior_forms = 0;
  int max_peer_forms = 15;
  int min_public_forms = 6;
  int max_public_forms = 10;
};

// A scenario of the simulator's table: rater styles on a design.
struct Mix {
  std::string name;
  RaterStyles styles;
  Design design;
};

struct CountyOptions {
  int units = 150;
  int mean_subjects_per_unit = 20;
  // Unit sizes: normal around the mean with this relative spread, kept in
  // [8, 32]. 0 makes every unit the same size (the benchmark's exact 3,000).
  double unit_size_spread = 0.3;
  int criteria = 25;
  // Latent scale: cadre quality has standard deviation 1 overall.
  double unit_quality_sd = 0.6;
  double individual_sd = 0.8;
  double dimension_sd = 0.3;   // a cadre's dimensions around their quality
  double halo_sd = 1.0;        // one rater's impression of one cadre (all marks)
  double mark_noise_sd = 0.6;  // each mark
  double criterion_easiness_sd = 0.2;
  double honest_bias_sd = 0.4;  // personal leniency of raters without a style
  double skip_rate = 0.02;      // marks left blank
  // Misconduct and the lead pipeline that finds it.
  double veto_rate = 0.01;
  double deduct_rate = 0.04;
  Mix mix;
  std::uint64_t seed = 1;
};

struct SimulatedCounty {
  Campaign campaign;
  // Parallel to campaign.subjects.
  std::vector<double> true_quality;  // dimension-weighted, latent scale
  std::vector<bool> true_veto;       // really committed a VETO-level offence
  std::vector<bool> true_deduct;
  int verified_vetoes = 0;   // VETO leads passed to the engine (true or not)
  int false_veto_leads = 0;  // verified VETO leads against innocent cadres
};

SimulatedCounty GenerateCounty(const CountyOptions& options);

}  // namespace kaoping::scoring::simulator
