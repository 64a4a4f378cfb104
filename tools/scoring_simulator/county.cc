#include "tools/scoring_simulator/county.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <random>
#include <string>
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

// The units' structure as generated, which the rating plan walks.
struct Unit {
  int size = 0;
  double quality = 0;
  double culture = 0;          // leniency every insider adds (0: none)
  int principal = -1;          // cadre index
  std::vector<int> team;       // principal first, then the deputies
  std::vector<int> middle;     // middle-level cadres
  std::vector<int> overseers;  // county leaders' rater indices
  std::vector<int> staff;      // staff raters
};

// One county, phase by phase (Run). Every random draw comes from one
// generator in a fixed order, so a seed gives the same county every time.
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

  // The phases, in order.
  void MakeCatalog();
  void MakeUnits();
  void MakeCountyLeaders();
  void MakeCadres(SimulatedCounty& county);
  void RateUnits(Campaign& campaign);
  void CommitMisconduct(SimulatedCounty& county);
  void FileLeads(SimulatedCounty& county);

  int NewRater(std::string id, int unit, bool may_flatter);
  void MakeCadre(int u, int position, int deputies, SimulatedCounty& county);
  // Who rates `subject` (of unit u) in which group, given the staff who
  // attend the team's evaluation; the public is added here too.
  void PlanRaters(int u, int subject, const std::vector<int>& attending);
  void Rate(int rater, int subject, RaterGroup group, std::vector<Form>& forms);

  const CountyOptions& options_;
  const Design& design_ = options_.mix.design;
  std::mt19937_64 rng_;
  std::vector<Criterion> criteria_;
  std::vector<double> easiness_;
  std::vector<Unit> units_;
  std::vector<int> leaders_;  // rater indices
  std::vector<Cadre> cadres_;
  std::vector<std::string> subject_ids_;
  std::vector<int> cadre_rater_;            // cadre -> their rater identity
  std::vector<std::vector<int>> staff_of_;  // cadre -> the staff under them
  std::vector<Rater> raters_;
  int staff_counter_ = 0;
  int public_counter_ = 0;
  std::vector<std::pair<int, RaterGroup>> planned_;  // PlanRaters' answer
  // Parallel to the campaign's forms.
  std::vector<int> form_rater_;
  std::vector<int> form_subject_;
  // Per cadre, from CommitMisconduct to FileLeads.
  std::vector<int> veto_ticks_;
  std::vector<int> deduct_ticks_;
  std::vector<int> false_veto_ticks_;
};

int Generator::NewRater(std::string id, int unit, bool may_flatter) {
  Rater rater;
  rater.id = std::move(id);
  rater.unit = unit;
  const RaterStyles& mix = options_.mix.styles;
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
    rater.bias += units_[static_cast<std::size_t>(unit)].culture;
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
  form_rater_.push_back(rater_index);
  form_subject_.push_back(subject);
  if (rater.style == Style::kStraight) {
    std::fill(form.grades.begin(), form.grades.end(), rater.straight_grade);
    form.overall = rater.straight_grade;
    forms.push_back(std::move(form));
    return;
  }
  double shift = rater.bias;
  const bool own_leader = subject == units_[static_cast<std::size_t>(cadre.unit)].principal ||
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
}

// The catalog: criteria spread over the five dimensions, unequal weights.
void Generator::MakeCatalog() {
  constexpr std::array<double, 5> kWeightPattern = {1.0, 1.5, 1.0, 0.5, 1.0};
  for (int c = 0; c < options_.criteria; ++c) {
    Criterion criterion;
    criterion.id = absl::StrFormat("c%02d", c + 1);
    criterion.dimension = static_cast<Dimension>(c % kDimensionCount);
    criterion.weight = kWeightPattern[static_cast<std::size_t>((c / kDimensionCount) % 5)];
    criteria_.push_back(std::move(criterion));
    easiness_.push_back(Normal(options_.criterion_easiness_sd));
  }
}

// Units: size, how well led, whether leniency is the local culture.
void Generator::MakeUnits() {
  units_.resize(static_cast<std::size_t>(std::max(options_.units, 1)));
  for (Unit& unit : units_) {
    const double spread = options_.mean_subjects_per_unit * options_.unit_size_spread;
    const double size =
        std::round(options_.mean_subjects_per_unit + (spread > 0 ? Normal(spread) : 0.0));
    unit.size = static_cast<int>(std::clamp(size, 8.0, 32.0));
    unit.quality = Normal(options_.unit_quality_sd);
    if (Chance(options_.mix.styles.lenient_unit_share)) {
      unit.culture = Uniform(0.8, 1.5);
    }
  }
}

// County leaders, each overseeing several units: the only cross-unit raters
// besides the public.
void Generator::MakeCountyLeaders() {
  const int units = static_cast<int>(units_.size());
  const int ratio = std::max(design_.county_leaders_per_unit_ratio, 1);
  const int count = design_.county_leaders > 0
                        ? design_.county_leaders
                        : std::max(design_.leaders_per_unit + 1, (units + ratio - 1) / ratio);
  for (int l = 0; l < count; ++l) {
    leaders_.push_back(NewRater(absl::StrFormat("county-leader-%03d", l + 1), -1, false));
  }
}

void Generator::MakeCadres(SimulatedCounty& county) {
  const int leader_count = static_cast<int>(leaders_.size());
  for (std::size_t u = 0; u < units_.size(); ++u) {
    Unit& unit = units_[u];
    const int deputies = 2 + (unit.size >= 15 ? 1 : 0) + (unit.size >= 25 ? 1 : 0);
    std::vector<int> picks;
    while (static_cast<int>(picks.size()) < std::min(design_.leaders_per_unit, leader_count)) {
      const int l = Below(leader_count);
      if (std::find(picks.begin(), picks.end(), l) == picks.end()) {
        picks.push_back(l);
      }
    }
    for (int l : picks) {
      unit.overseers.push_back(leaders_[static_cast<std::size_t>(l)]);
    }
    for (int i = 0; i < unit.size; ++i) {
      MakeCadre(static_cast<int>(u), i, deputies, county);
    }
  }
}

// The cadre at `position` of unit u (0: the principal, then the deputies,
// then middle cadres with their staff), as a subject and as a rater.
void Generator::MakeCadre(int u, int position, int deputies, SimulatedCounty& county) {
  Unit& unit = units_[static_cast<std::size_t>(u)];
  const int index = static_cast<int>(cadres_.size());
  Cadre cadre;
  cadre.unit = u;
  cadre.tier = position == 0          ? PostTier::kPrincipal
               : position <= deputies ? PostTier::kDeputy
                                      : PostTier::kFrontline;
  const double quality = unit.quality + Normal(options_.individual_sd);
  for (double& q : cadre.quality) {
    q = quality + Normal(options_.dimension_sd);
  }
  cadres_.push_back(cadre);
  subject_ids_.push_back(absl::StrFormat("s-%05d", index + 1));
  Subject subject;
  subject.id = subject_ids_.back();
  subject.unit_id = absl::StrFormat("u-%03d", u + 1);
  subject.tier = cadre.tier;
  subject.criteria = criteria_;
  subject.dimension_weights = TierProfile(cadre.tier);
  double truth = 0;
  double weight = 0;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    truth += subject.dimension_weights[d] * cadre.quality[d];
    weight += subject.dimension_weights[d];
  }
  county.true_quality.push_back(truth / weight);
  county.campaign.subjects.push_back(std::move(subject));
  // Middle cadres rate their principal as subordinates: they may flatter.
  cadre_rater_.push_back(
      NewRater(absl::StrFormat("cadre-%05d", index + 1), u, position > deputies));
  staff_of_.emplace_back();
  if (position == 0) {
    unit.principal = index;
  }
  (position <= deputies ? unit.team : unit.middle).push_back(index);
  if (position > deputies) {
    const int staff = 3 + Below(4);
    for (int k = 0; k < staff; ++k) {
      const int r = NewRater(absl::StrFormat("staff-%06d", ++staff_counter_), u, true);
      raters_[static_cast<std::size_t>(r)].section_head = index;
      staff_of_.back().push_back(r);
      unit.staff.push_back(r);
    }
  }
}

void Generator::PlanRaters(int u, int subject, const std::vector<int>& attending) {
  const Unit& unit = units_[static_cast<std::size_t>(u)];
  planned_.clear();
  const Cadre& cadre = cadres_[static_cast<std::size_t>(subject)];
  std::vector<std::pair<int, RaterGroup>> subordinates;
  std::vector<std::pair<int, RaterGroup>> peers;
  if (cadre.tier != PostTier::kFrontline) {
    for (int leader : unit.overseers) {
      planned_.emplace_back(leader, RaterGroup::kSuperior);
    }
    for (int other : unit.team) {
      if (other == subject) {
        continue;
      }
      const bool principal_rates_deputy = other == unit.team.front();
      planned_.emplace_back(cadre_rater_[static_cast<std::size_t>(other)],
                            principal_rates_deputy ? RaterGroup::kSuperior : RaterGroup::kPeer);
    }
    for (int m : unit.middle) {
      subordinates.emplace_back(cadre_rater_[static_cast<std::size_t>(m)],
                                RaterGroup::kSubordinate);
    }
    for (int r : attending) {
      subordinates.emplace_back(r, RaterGroup::kSubordinate);
    }
  } else {
    for (int other : unit.team) {
      planned_.emplace_back(cadre_rater_[static_cast<std::size_t>(other)], RaterGroup::kSuperior);
    }
    for (int m : unit.middle) {
      if (m != subject) {
        peers.emplace_back(cadre_rater_[static_cast<std::size_t>(m)], RaterGroup::kPeer);
      }
    }
    std::shuffle(peers.begin(), peers.end(), rng_);
    if (peers.size() > static_cast<std::size_t>(design_.max_peer_forms)) {
      peers.resize(static_cast<std::size_t>(design_.max_peer_forms));
    }
    for (int r : staff_of_[static_cast<std::size_t>(subject)]) {
      subordinates.emplace_back(r, RaterGroup::kSubordinate);
    }
  }
  if (design_.max_superior_forms > 0) {
    // Some of the superiors only, whoever they happen to be.
    auto superior = [](const std::pair<int, RaterGroup>& p) {
      return p.second == RaterGroup::kSuperior;
    };
    std::vector<std::pair<int, RaterGroup>> superiors;
    std::copy_if(planned_.begin(), planned_.end(), std::back_inserter(superiors), superior);
    std::erase_if(planned_, superior);
    std::shuffle(superiors.begin(), superiors.end(), rng_);
    superiors.resize(
        std::min(superiors.size(), static_cast<std::size_t>(design_.max_superior_forms)));
    planned_.insert(planned_.begin(), superiors.begin(), superiors.end());
  }
  // Room left after the superiors and the public's minimum: peers and
  // subordinates share it, each taking what the other leaves.
  const int room = std::max(
      0, design_.forms_per_subject - design_.min_public_forms - static_cast<int>(planned_.size()));
  std::shuffle(subordinates.begin(), subordinates.end(), rng_);
  const int want_peers = std::max(room / 2, room - static_cast<int>(subordinates.size()));
  peers.resize(static_cast<std::size_t>(std::clamp(want_peers, 0, static_cast<int>(peers.size()))));
  const int want_subordinates = room - static_cast<int>(peers.size());
  subordinates.resize(static_cast<std::size_t>(
      std::clamp(want_subordinates, 0, static_cast<int>(subordinates.size()))));
  planned_.insert(planned_.end(), peers.begin(), peers.end());
  planned_.insert(planned_.end(), subordinates.begin(), subordinates.end());
  const int public_forms =
      std::max(design_.min_public_forms,
               std::min(design_.max_public_forms,
                        design_.forms_per_subject - static_cast<int>(planned_.size())));
  for (int k = 0; k < public_forms; ++k) {
    planned_.emplace_back(NewRater(absl::StrFormat("public-%07d", ++public_counter_), -1, false),
                          RaterGroup::kPublic);
  }
}

// Who rates whom, unit by unit; the public fills each subject up.
void Generator::RateUnits(Campaign& campaign) {
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const Unit& unit = units_[u];
    // The staff who attend the unit's democratic evaluation of its team.
    std::vector<int> attending;
    for (int r : unit.staff) {
      if (Chance(0.3)) {
        attending.push_back(r);
      }
    }
    std::vector<int> subjects = unit.team;
    subjects.insert(subjects.end(), unit.middle.begin(), unit.middle.end());
    std::sort(subjects.begin(), subjects.end());
    for (int subject : subjects) {
      PlanRaters(static_cast<int>(u), subject, attending);
      for (const auto& [rater, group] : planned_) {
        Rate(rater, subject, group, campaign.forms);
      }
    }
  }
}

// Who really misbehaved, and who ticked it on a form: 好人思想 makes lenient
// raters rarely report; a straight-liner never does.
void Generator::CommitMisconduct(SimulatedCounty& county) {
  const std::size_t subject_count = cadres_.size();
  county.true_veto.assign(subject_count, false);
  county.true_deduct.assign(subject_count, false);
  for (std::size_t s = 0; s < subject_count; ++s) {
    const double pick = Uniform(0.0, 1.0);
    county.true_veto[s] = pick < options_.veto_rate;
    county.true_deduct[s] =
        !county.true_veto[s] && pick < options_.veto_rate + options_.deduct_rate;
  }
  veto_ticks_.assign(subject_count, 0);
  deduct_ticks_.assign(subject_count, 0);
  false_veto_ticks_.assign(subject_count, 0);
  constexpr std::array<double, kRaterGroupCount> kTickRate = {0.10, 0.20, 0.20, 0.05};
  const std::vector<Form>& forms = county.campaign.forms;
  for (std::size_t f = 0; f < forms.size(); ++f) {
    const std::size_t s = static_cast<std::size_t>(form_subject_[f]);
    const Rater& rater = raters_[static_cast<std::size_t>(form_rater_[f])];
    const bool lenient =
        rater.style == Style::kLenient ||
        (rater.unit >= 0 && units_[static_cast<std::size_t>(rater.unit)].culture > 0);
    const double rate =
        rater.style == Style::kStraight
            ? 0.0
            : kTickRate[static_cast<std::size_t>(forms[f].group)] * (lenient ? 0.3 : 1.0);
    if (county.true_veto[s] && Chance(rate)) {
      ++veto_ticks_[s];
    }
    if (county.true_deduct[s] && Chance(rate)) {
      ++deduct_ticks_[s];
    }
    if (!county.true_veto[s] && Chance(0.001)) {
      ++false_veto_ticks_[s];
    }
  }
}

// The leads that reach the engine: ticks and discipline records, then
// verification, which confirms most true leads and a few false ones.
void Generator::FileLeads(SimulatedCounty& county) {
  Campaign& campaign = county.campaign;
  int lead_counter = 0;
  for (std::size_t s = 0; s < cadres_.size(); ++s) {
    const bool veto_lead = veto_ticks_[s] > 0 || (county.true_veto[s] && Chance(0.4));
    if (veto_lead && county.true_veto[s] && Chance(0.9)) {
      campaign.leads.push_back(
          Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s], Severity::kVeto, 0});
      ++county.verified_vetoes;
    }
    if (false_veto_ticks_[s] > 0 && Chance(0.02)) {
      campaign.leads.push_back(
          Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s], Severity::kVeto, 0});
      ++county.verified_vetoes;
      ++county.false_veto_leads;
    }
    const bool deduct_lead = deduct_ticks_[s] > 0 || (county.true_deduct[s] && Chance(0.2));
    if (deduct_lead && county.true_deduct[s] && Chance(0.9)) {
      constexpr std::array<double, 3> kPoints = {2, 3, 5};
      campaign.leads.push_back(Lead{absl::StrFormat("L-%05d", ++lead_counter), subject_ids_[s],
                                    Severity::kDeduct,
                                    kPoints[static_cast<std::size_t>(Below(3))]});
    }
  }
}

SimulatedCounty Generator::Run() {
  SimulatedCounty county;
  MakeCatalog();
  MakeUnits();
  MakeCountyLeaders();
  MakeCadres(county);
  RateUnits(county.campaign);
  CommitMisconduct(county);
  FileLeads(county);
  return county;
}

}  // namespace

SimulatedCounty GenerateCounty(const CountyOptions& options) { return Generator(options).Run(); }

}  // namespace kaoping::scoring::simulator
