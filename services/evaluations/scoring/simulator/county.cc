#include "services/evaluations/scoring/simulator/county.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"

namespace kaoping::scoring::simulator {
namespace {

// Where the latent impression crosses from one grade into the next. With
// these, an honest rater gives an average cadre roughly 40% GOOD, 30%
// FAIRLY_GOOD, 25% AVERAGE and 5% POOR marks.
constexpr double kGoodAbove = 0.3;
constexpr double kFairlyGoodAbove = -0.7;
constexpr double kAverageAbove = -1.8;
// A central-tendency rater: everything squeezed around the FAIRLY_GOOD /
// AVERAGE boundary.
constexpr double kCentralCentre = -0.5;
constexpr double kCentralSlope = 0.35;

enum class Style { kNormal, kLenient, kHarsh, kCentral, kStraight };

struct Rater {
  std::string id;
  Style style = Style::kNormal;
  double bias = 0;      // style leniency + unit culture, latent units
  double flattery = 0;  // added when rating their own leader as a subordinate
  Grade straight_grade = Grade::kGood;
  int unit = -1;          // -1: county leader or the public
  int section_head = -1;  // staff: the middle cadre they work under
};

struct Cadre {
  int unit = 0;
  PostTier tier = PostTier::kFrontline;
  std::array<double, kDimensionCount> quality{};
};

Grade Categorize(double y) {
  if (y > kGoodAbove) {
    return Grade::kGood;
  }
  if (y > kFairlyGoodAbove) {
    return Grade::kFairlyGood;
  }
  if (y > kAverageAbove) {
    return Grade::kAverage;
  }
  return Grade::kPoor;
}

std::array<double, kDimensionCount> TierProfile(PostTier tier) {
  switch (tier) {
    case PostTier::kPrincipal:
      return {0.25, 0.20, 0.25, 0.15, 0.15};
    case PostTier::kDeputy:
      return {0.20, 0.20, 0.25, 0.20, 0.15};
    case PostTier::kFrontline:
    case PostTier::kStaff:
      return {0.20, 0.15, 0.25, 0.25, 0.15};
  }
  return {0.2, 0.2, 0.2, 0.2, 0.2};
}

class Generator {
 public:
  explicit Generator(const CountyOptions& options) : options_(options), rng_(options.seed) {}

  SimulatedCounty Run();

 private:
  double Normal(double sd) { return std::normal_distribution<double>(0.0, sd)(rng_); }
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  bool Chance(double p) { return Uniform(0.0, 1.0) < p; }
  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  int NewRater(std::string id, int unit, bool may_flatter);
  void Rate(int rater, int subject, RaterGroup group, std::vector<Form>& forms);

  const CountyOptions& options_;
  std::mt19937_64 rng_;
  std::vector<double> unit_culture_;
  std::vector<int> unit_principal_;
  std::vector<Cadre> cadres_;
  std::vector<Rater> raters_;
  std::vector<double> easiness_;
  std::vector<Criterion> criteria_;
  std::vector<std::string> subject_ids_;
  // Parallel to the campaign's forms.
  std::vector<int> form_rater_;
  std::vector<int> form_subject_;
};

int Generator::NewRater(std::string id, int unit, bool may_flatter) {
  Rater rater;
  rater.id = std::move(id);
  rater.unit = unit;
  const RaterMix& mix = options_.mix;
  const double pick = Uniform(0.0, 1.0);
  if (pick < mix.lenient) {
    rater.style = Style::kLenient;
    rater.bias = Uniform(1.0, 2.0);
  } else if (pick < mix.lenient + mix.harsh) {
    rater.style = Style::kHarsh;
    rater.bias = -Uniform(0.8, 1.6);
  } else if (pick < mix.lenient + mix.harsh + mix.central) {
    rater.style = Style::kCentral;
    rater.bias = Normal(options_.honest_bias_sd);
  } else if (pick < mix.lenient + mix.harsh + mix.central + mix.straight) {
    rater.style = Style::kStraight;
    const double grade = Uniform(0.0, 1.0);
    rater.straight_grade = grade < 0.6   ? Grade::kGood
                           : grade < 0.9 ? Grade::kFairlyGood
                                         : Grade::kAverage;
  } else {
    rater.bias = Normal(options_.honest_bias_sd);
  }
  if (unit >= 0) {
    rater.bias += unit_culture_[static_cast<std::size_t>(unit)];
    if (may_flatter && Chance(mix.flattery_share)) {
      rater.flattery = Uniform(0.5, 1.0);
    }
  }
  raters_.push_back(std::move(rater));
  return static_cast<int>(raters_.size()) - 1;
}

void Generator::Rate(int rater_index, int subject, RaterGroup group, std::vector<Form>& forms) {
  const Rater& rater = raters_[static_cast<std::size_t>(rater_index)];
  const Cadre& cadre = cadres_[static_cast<std::size_t>(subject)];
  Form form;
  form.rater_id = rater.id;
  form.group = group;
  form.subject_id = subject_ids_[static_cast<std::size_t>(subject)];
  form.grades.resize(criteria_.size());
  if (rater.style == Style::kStraight) {
    std::fill(form.grades.begin(), form.grades.end(), rater.straight_grade);
    form.overall = rater.straight_grade;
    forms.push_back(std::move(form));
    form_rater_.push_back(rater_index);
    form_subject_.push_back(subject);
    return;
  }
  double shift = rater.bias;
  const bool own_leader = subject == unit_principal_[static_cast<std::size_t>(cadre.unit)] ||
                          subject == rater.section_head;
  if (group == RaterGroup::kSubordinate && own_leader) {
    shift += rater.flattery;
  }
  const double halo = Normal(options_.halo_sd);
  double mean_quality = 0;
  for (double q : cadre.quality) {
    mean_quality += q / kDimensionCount;
  }
  const bool central = rater.style == Style::kCentral;
  for (std::size_t c = 0; c < criteria_.size(); ++c) {
    const double signal = cadre.quality[static_cast<std::size_t>(criteria_[c].dimension)] +
                          easiness_[c] + halo + Normal(options_.mark_noise_sd);
    const double y = central ? kCentralCentre + kCentralSlope * signal + shift : signal + shift;
    form.grades[c] = Chance(options_.skip_rate) ? Grade::kUnspecified : Categorize(y);
  }
  const double overall_signal = mean_quality + halo;
  form.overall = Categorize(central ? kCentralCentre + kCentralSlope * overall_signal + shift
                                    : overall_signal + shift);
  forms.push_back(std::move(form));
  form_rater_.push_back(rater_index);
  form_subject_.push_back(subject);
}

SimulatedCounty Generator::Run() {
  SimulatedCounty county;
  Campaign& campaign = county.campaign;
  const int units = std::max(options_.units, 1);

  // The catalog: criteria spread over the five dimensions, unequal weights.
  constexpr std::array<double, 5> kWeightPattern = {1.0, 1.5, 1.0, 0.5, 1.0};
  for (int c = 0; c < options_.criteria; ++c) {
    Criterion criterion;
    criterion.id = absl::StrFormat("c%02d", c + 1);
    criterion.dimension = static_cast<Dimension>(c % kDimensionCount);
    criterion.weight = kWeightPattern[static_cast<std::size_t>((c / kDimensionCount) % 5)];
    criteria_.push_back(std::move(criterion));
    easiness_.push_back(Normal(options_.criterion_easiness_sd));
  }

  // Units: size, how well led, whether leniency is the local culture.
  std::vector<double> unit_quality(static_cast<std::size_t>(units));
  std::vector<int> unit_size(static_cast<std::size_t>(units));
  unit_culture_.assign(static_cast<std::size_t>(units), 0.0);
  for (int u = 0; u < units; ++u) {
    const double spread = options_.mean_subjects_per_unit * options_.unit_size_spread;
    const double size =
        std::round(options_.mean_subjects_per_unit + (spread > 0 ? Normal(spread) : 0.0));
    unit_size[static_cast<std::size_t>(u)] = static_cast<int>(std::clamp(size, 8.0, 32.0));
    unit_quality[static_cast<std::size_t>(u)] = Normal(options_.unit_quality_sd);
    if (Chance(options_.mix.lenient_unit_share)) {
      unit_culture_[static_cast<std::size_t>(u)] = Uniform(0.8, 1.5);
    }
  }

  // County leaders, each overseeing several units.
  const int leader_count = std::max(options_.leaders_per_unit + 1,
                                    (units + options_.county_leaders_per_unit_ratio - 1) /
                                        std::max(options_.county_leaders_per_unit_ratio, 1));
  std::vector<int> leaders;
  for (int l = 0; l < leader_count; ++l) {
    leaders.push_back(NewRater(absl::StrFormat("county-leader-%03d", l + 1), -1, false));
  }

  // Cadres (the subjects) and the staff under them.
  std::vector<std::vector<int>> team(static_cast<std::size_t>(units));  // principal first
  std::vector<std::vector<int>> middle(static_cast<std::size_t>(units));
  std::vector<std::vector<int>> overseers(static_cast<std::size_t>(units));
  std::vector<int> cadre_rater;               // cadre -> their rater identity
  std::vector<std::vector<int>> staff_of(0);  // cadre -> staff raters
  std::vector<std::vector<int>> unit_staff(static_cast<std::size_t>(units));
  unit_principal_.assign(static_cast<std::size_t>(units), -1);
  int staff_counter = 0;
  for (int u = 0; u < units; ++u) {
    const std::string unit_id = absl::StrFormat("u-%03d", u + 1);
    const int size = unit_size[static_cast<std::size_t>(u)];
    const int deputies = 2 + (size >= 15 ? 1 : 0) + (size >= 25 ? 1 : 0);
    std::vector<int> picks;
    while (static_cast<int>(picks.size()) < std::min(options_.leaders_per_unit, leader_count)) {
      const int l = Below(leader_count);
      if (std::find(picks.begin(), picks.end(), l) == picks.end()) {
        picks.push_back(l);
      }
    }
    for (int l : picks) {
      overseers[static_cast<std::size_t>(u)].push_back(leaders[static_cast<std::size_t>(l)]);
    }
    for (int i = 0; i < size; ++i) {
      const int index = static_cast<int>(cadres_.size());
      Cadre cadre;
      cadre.unit = u;
      cadre.tier = i == 0          ? PostTier::kPrincipal
                   : i <= deputies ? PostTier::kDeputy
                                   : PostTier::kFrontline;
      const double quality =
          unit_quality[static_cast<std::size_t>(u)] + Normal(options_.individual_sd);
      for (double& q : cadre.quality) {
        q = quality + Normal(options_.dimension_sd);
      }
      cadres_.push_back(cadre);
      subject_ids_.push_back(absl::StrFormat("s-%05d", index + 1));
      Subject subject;
      subject.id = subject_ids_.back();
      subject.unit_id = unit_id;
      subject.tier = cadre.tier;
      subject.criteria = criteria_;
      subject.dimension_weights = TierProfile(cadre.tier);
      double truth = 0;
      double weight = 0;
      for (int d = 0; d < kDimensionCount; ++d) {
        truth += subject.dimension_weights[static_cast<std::size_t>(d)] *
                 cadre.quality[static_cast<std::size_t>(d)];
        weight += subject.dimension_weights[static_cast<std::size_t>(d)];
      }
      county.true_quality.push_back(truth / weight);
      campaign.subjects.push_back(std::move(subject));
      // Middle cadres rate their principal as subordinates: they may flatter.
      cadre_rater.push_back(NewRater(absl::StrFormat("cadre-%05d", index + 1), u, i > deputies));
      staff_of.emplace_back();
      if (i == 0) {
        unit_principal_[static_cast<std::size_t>(u)] = index;
      }
      (i <= deputies ? team : middle)[static_cast<std::size_t>(u)].push_back(index);
      if (i > deputies) {
        const int staff = 3 + Below(4);
        for (int k = 0; k < staff; ++k) {
          const int r = NewRater(absl::StrFormat("staff-%06d", ++staff_counter), u, true);
          raters_[static_cast<std::size_t>(r)].section_head = index;
          staff_of.back().push_back(r);
          unit_staff[static_cast<std::size_t>(u)].push_back(r);
        }
      }
    }
  }

  // Who rates whom, then the public fills each subject up to the target.
  int public_counter = 0;
  std::vector<std::pair<int, RaterGroup>> planned;
  for (int u = 0; u < units; ++u) {
    const auto& members = team[static_cast<std::size_t>(u)];
    const auto& mids = middle[static_cast<std::size_t>(u)];
    // The staff who attend the unit's democratic evaluation of its team.
    std::vector<int> attending;
    for (int r : unit_staff[static_cast<std::size_t>(u)]) {
      if (Chance(0.3)) {
        attending.push_back(r);
      }
    }
    auto plan_for = [&](int subject) {
      planned.clear();
      const Cadre& cadre = cadres_[static_cast<std::size_t>(subject)];
      std::vector<std::pair<int, RaterGroup>> subordinates;
      std::vector<std::pair<int, RaterGroup>> peers;
      if (cadre.tier != PostTier::kFrontline) {
        for (int leader : overseers[static_cast<std::size_t>(u)]) {
          planned.emplace_back(leader, RaterGroup::kSuperior);
        }
        for (int other : members) {
          if (other == subject) {
            continue;
          }
          const bool principal_rates_deputy = other == members.front();
          planned.emplace_back(cadre_rater[static_cast<std::size_t>(other)],
                               principal_rates_deputy ? RaterGroup::kSuperior : RaterGroup::kPeer);
        }
        for (int m : mids) {
          subordinates.emplace_back(cadre_rater[static_cast<std::size_t>(m)],
                                    RaterGroup::kSubordinate);
        }
        for (int r : attending) {
          subordinates.emplace_back(r, RaterGroup::kSubordinate);
        }
      } else {
        for (int other : members) {
          planned.emplace_back(cadre_rater[static_cast<std::size_t>(other)], RaterGroup::kSuperior);
        }
        for (int m : mids) {
          if (m != subject) {
            peers.emplace_back(cadre_rater[static_cast<std::size_t>(m)], RaterGroup::kPeer);
          }
        }
        std::shuffle(peers.begin(), peers.end(), rng_);
        if (peers.size() > static_cast<std::size_t>(options_.max_peer_forms)) {
          peers.resize(static_cast<std::size_t>(options_.max_peer_forms));
        }
        for (int r : staff_of[static_cast<std::size_t>(subject)]) {
          subordinates.emplace_back(r, RaterGroup::kSubordinate);
        }
      }
      // Room left after the superiors and the public's minimum: peers and
      // subordinates share it, each taking what the other leaves.
      const int room = std::max(0, options_.forms_per_subject - options_.min_public_forms -
                                       static_cast<int>(planned.size()));
      std::shuffle(subordinates.begin(), subordinates.end(), rng_);
      const int want_peers = std::max(room / 2, room - static_cast<int>(subordinates.size()));
      peers.resize(
          static_cast<std::size_t>(std::clamp(want_peers, 0, static_cast<int>(peers.size()))));
      const int want_subordinates = room - static_cast<int>(peers.size());
      subordinates.resize(static_cast<std::size_t>(
          std::clamp(want_subordinates, 0, static_cast<int>(subordinates.size()))));
      planned.insert(planned.end(), peers.begin(), peers.end());
      planned.insert(planned.end(), subordinates.begin(), subordinates.end());
      const int public_forms =
          std::max(options_.min_public_forms,
                   std::min(options_.max_public_forms,
                            options_.forms_per_subject - static_cast<int>(planned.size())));
      for (int k = 0; k < public_forms; ++k) {
        planned.emplace_back(NewRater(absl::StrFormat("public-%07d", ++public_counter), -1, false),
                             RaterGroup::kPublic);
      }
    };
    std::vector<int> subjects = members;
    subjects.insert(subjects.end(), mids.begin(), mids.end());
    std::sort(subjects.begin(), subjects.end());
    for (int subject : subjects) {
      plan_for(subject);
      for (const auto& [rater, group] : planned) {
        Rate(rater, subject, group, campaign.forms);
      }
    }
  }

  // Misconduct, and the leads that reach the engine: ticks on forms and
  // discipline records, then verification (which confirms most true leads
  // and a few false ones).
  const std::size_t subject_count = cadres_.size();
  county.true_veto.assign(subject_count, false);
  county.true_deduct.assign(subject_count, false);
  for (std::size_t s = 0; s < subject_count; ++s) {
    const double pick = Uniform(0.0, 1.0);
    county.true_veto[s] = pick < options_.veto_rate;
    county.true_deduct[s] =
        !county.true_veto[s] && pick < options_.veto_rate + options_.deduct_rate;
  }
  std::vector<int> veto_ticks(subject_count, 0);
  std::vector<int> deduct_ticks(subject_count, 0);
  std::vector<int> false_veto_ticks(subject_count, 0);
  constexpr std::array<double, kRaterGroupCount> kTickRate = {0.10, 0.20, 0.20, 0.05};
  for (std::size_t f = 0; f < campaign.forms.size(); ++f) {
    const std::size_t s = static_cast<std::size_t>(form_subject_[f]);
    const Rater& rater = raters_[static_cast<std::size_t>(form_rater_[f])];
    // 好人思想: lenient raters rarely report; a straight-liner never does.
    const bool lenient =
        rater.style == Style::kLenient ||
        (rater.unit >= 0 && unit_culture_[static_cast<std::size_t>(rater.unit)] > 0);
    const double rate =
        rater.style == Style::kStraight
            ? 0.0
            : kTickRate[static_cast<std::size_t>(campaign.forms[f].group)] * (lenient ? 0.3 : 1.0);
    if (county.true_veto[s] && Chance(rate)) {
      ++veto_ticks[s];
    }
    if (county.true_deduct[s] && Chance(rate)) {
      ++deduct_ticks[s];
    }
    if (!county.true_veto[s] && Chance(0.001)) {
      ++false_veto_ticks[s];
    }
  }
  int lead_counter = 0;
  for (std::size_t s = 0; s < subject_count; ++s) {
    const bool veto_lead = veto_ticks[s] > 0 || (county.true_veto[s] && Chance(0.4));
    if (veto_lead && county.true_veto[s] && Chance(0.9)) {
      campaign.leads.push_back(
          Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s], Severity::kVeto, 0});
      ++county.verified_vetoes;
    }
    if (false_veto_ticks[s] > 0 && Chance(0.02)) {
      campaign.leads.push_back(
          Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s], Severity::kVeto, 0});
      ++county.verified_vetoes;
      ++county.false_veto_leads;
    }
    const bool deduct_lead = deduct_ticks[s] > 0 || (county.true_deduct[s] && Chance(0.2));
    if (deduct_lead && county.true_deduct[s] && Chance(0.9)) {
      constexpr std::array<double, 3> kPoints = {2, 3, 5};
      campaign.leads.push_back(Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s],
                                    Severity::kDeduct,
                                    kPoints[static_cast<std::size_t>(Below(3))]});
    }
  }
  return county;
}

}  // namespace

SimulatedCounty GenerateCounty(const CountyOptions& options) { return Generator(options).Run(); }

}  // namespace kaoping::scoring::simulator
