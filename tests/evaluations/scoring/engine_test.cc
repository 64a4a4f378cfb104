// One test per rule of the scoring model (DESIGN.md §7, README.md here).

#include "services/evaluations/scoring/engine.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/evaluations/scoring/latent_scale.h"
#include "tests/evaluations/scoring/campaign_builder.h"

namespace kaoping::scoring {
namespace {

using ::kaoping::scoring::testing::Find;
using ::kaoping::scoring::testing::FindGroup;
using ::kaoping::scoring::testing::MakeForm;
using ::kaoping::scoring::testing::MakeSubject;
using ::kaoping::scoring::testing::Score;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Grade G = Grade::kGood;
constexpr Grade F = Grade::kFairlyGood;
constexpr Grade A = Grade::kAverage;
constexpr Grade P = Grade::kPoor;
constexpr Grade S = Grade::kUnspecified;  // skipped

// Raw mechanics without calibration or merging in the way.
ScoringConfig Plain() {
  ScoringConfig config;
  config.calibrate = false;
  config.min_group_forms = 1;
  return config;
}

// ---------------------------------------------------------------- weights --

TEST(Weights, CriterionGroupAndDimensionWeightsCombineAsDocumented) {
  Campaign campaign;
  campaign.config = Plain();
  Subject subject;
  subject.id = "s1";
  subject.unit_id = "u1";
  subject.criteria = {{"c1", Dimension::kLoyalty, 1.0},
                      {"c2", Dimension::kLoyalty, 3.0},
                      {"c3", Dimension::kCapability, 1.0}};
  subject.dimension_weights = {2, 0, 0, 1, 0};
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("boss", RaterGroup::kSuperior, subject, {G, A, P}),
                    MakeForm("peer", RaterGroup::kPeer, subject, {F, F, G})};
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  // LOYALTY: superior (100*1 + 60*3) / 4 = 70, peer 80; CAPABILITY: 40 and
  // 100. Superior and peer weigh 0.3 each: renormalized to 0.5 each.
  EXPECT_DOUBLE_EQ(out.dimensions[0].raw, 75.0);
  EXPECT_DOUBLE_EQ(out.dimensions[3].raw, 70.0);
  EXPECT_DOUBLE_EQ(out.dimensions[0].weight, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(out.dimensions[3].weight, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(out.dimensions[1].weight, 0.0);
  EXPECT_DOUBLE_EQ(out.raw_composite, (2 * 75.0 + 70.0) / 3.0);
  EXPECT_DOUBLE_EQ(out.calibrated_composite, out.raw_composite);
  ASSERT_EQ(out.groups.size(), 2u);
  EXPECT_DOUBLE_EQ(out.groups[0].weight, 0.5);
  EXPECT_DOUBLE_EQ(out.groups[1].weight, 0.5);
  EXPECT_DOUBLE_EQ(out.forms[0].raw_score, (2 * 70.0 + 40.0) / 3.0);  // "boss" < "peer"
}

TEST(Weights, UnequalGroupWeightsApplyToGroupMeans) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("a", RaterGroup::kSuperior, subject, G),
                    MakeForm("b", RaterGroup::kSubordinate, subject, P),
                    MakeForm("c", RaterGroup::kSubordinate, subject, A)};
  const CampaignResult result = Score(campaign);
  // Superior 100 (0.3), subordinates mean 50 (0.2): (0.3*100 + 0.2*50) / 0.5.
  EXPECT_DOUBLE_EQ(result.subjects[0].raw_composite, 80.0);
}

TEST(Weights, SkippedCriteriaAreLeftOutNotCountedAsZero) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject subject = MakeSubject("s1", "u1", 2);  // LOYALTY, STEADFASTNESS
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("a", RaterGroup::kPeer, subject, {G, S}),
                    MakeForm("b", RaterGroup::kPeer, subject, {S, S})};
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  EXPECT_EQ(out.forms_with_marks, 1);
  EXPECT_DOUBLE_EQ(out.raw_composite, 100.0);  // only LOYALTY has marks
  EXPECT_DOUBLE_EQ(out.dimensions[0].weight, 1.0);
  EXPECT_EQ(out.forms[1].raw_status, FormStatus::kNoMarks);
}

TEST(Weights, EmptyGroupsAreLeftOutAndTheRestRenormalized) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("a", RaterGroup::kPeer, subject, G),
                    MakeForm("b", RaterGroup::kPeer, subject, F),
                    MakeForm("c", RaterGroup::kPeer, subject, A)};
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  ASSERT_EQ(out.groups.size(), 1u);
  EXPECT_EQ(out.groups[0].group, RaterGroup::kPeer);
  EXPECT_DOUBLE_EQ(out.groups[0].weight, 1.0);
  EXPECT_DOUBLE_EQ(out.raw_composite, 80.0);
}

// ---------------------------------------------------------------- merging --

TEST(Merging, SmallLastGroupJoinsThePreviousOneWhichKeepsItsOwnWeight) {
  Campaign campaign;
  campaign.config = Plain();
  campaign.config.min_group_forms = 3;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  for (int i = 0; i < 3; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("sup", i), RaterGroup::kSuperior, subject, G));
    campaign.forms.push_back(MakeForm(absl::StrCat("peer", i), RaterGroup::kPeer, subject, G));
    campaign.forms.push_back(
        MakeForm(absl::StrCat("sub", i), RaterGroup::kSubordinate, subject, A));
  }
  campaign.forms.push_back(MakeForm("pub0", RaterGroup::kPublic, subject, P));
  campaign.forms.push_back(MakeForm("pub1", RaterGroup::kPublic, subject, P));
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  ASSERT_EQ(out.groups.size(), 3u);
  EXPECT_EQ(FindGroup(out, RaterGroup::kPublic), nullptr) << "never reported alone";
  const GroupOutcome* sub = FindGroup(out, RaterGroup::kSubordinate);
  ASSERT_NE(sub, nullptr);
  EXPECT_THAT(sub->merged, ElementsAre(RaterGroup::kPublic));
  EXPECT_EQ(sub->forms, 5);
  // SUBORDINATE keeps its 0.2; PUBLIC's 0.2 is shared by all, as an absent
  // group's would be: 0.3 : 0.3 : 0.2.
  EXPECT_DOUBLE_EQ(sub->weight, 0.2 / 0.8);
  EXPECT_DOUBLE_EQ(FindGroup(out, RaterGroup::kPeer)->weight, 0.3 / 0.8);
  EXPECT_DOUBLE_EQ(sub->raw, (3 * 60.0 + 2 * 40.0) / 5);
  for (const FormOutcome& form : out.forms) {
    if (form.group == RaterGroup::kPublic) {
      EXPECT_EQ(form.scored_in, RaterGroup::kSubordinate);
    } else {
      EXPECT_EQ(form.scored_in, form.group);
    }
  }
  EXPECT_DOUBLE_EQ(out.raw_composite, (0.3 * 100 + 0.3 * 100 + 0.2 * 52) / 0.8);
}

// One superior form: it is scored with the peers, and the peers do not take
// the superiors' weight along (before issue 8 they carried 0.6 of 1.0).
TEST(Merging, ASingleSuperiorFormDoesNotDoubleThePeersWeight) {
  Campaign campaign;
  campaign.config = Plain();
  campaign.config.min_group_forms = 3;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms.push_back(MakeForm("boss", RaterGroup::kSuperior, subject, P));
  for (int i = 0; i < 5; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("peer", i), RaterGroup::kPeer, subject, G));
    campaign.forms.push_back(
        MakeForm(absl::StrCat("sub", i), RaterGroup::kSubordinate, subject, F));
    campaign.forms.push_back(MakeForm(absl::StrCat("pub", i), RaterGroup::kPublic, subject, A));
  }
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  const GroupOutcome* peer = FindGroup(out, RaterGroup::kPeer);
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(FindGroup(out, RaterGroup::kSuperior), nullptr) << "never reported alone";
  EXPECT_THAT(peer->merged, ElementsAre(RaterGroup::kSuperior));
  EXPECT_EQ(peer->forms, 6);
  EXPECT_DOUBLE_EQ(peer->weight, 0.3 / 0.7);
  EXPECT_DOUBLE_EQ(FindGroup(out, RaterGroup::kSubordinate)->weight, 0.2 / 0.7);
  EXPECT_DOUBLE_EQ(FindGroup(out, RaterGroup::kPublic)->weight, 0.2 / 0.7);
  const double peers_and_boss = (5 * 100.0 + 40.0) / 6;
  EXPECT_DOUBLE_EQ(out.raw_composite, (0.3 * peers_and_boss + 0.2 * 80 + 0.2 * 60) / 0.7);
}

TEST(Merging, SmallGroupsCascadeIntoTheNextUntilLargeEnough) {
  Campaign campaign;
  campaign.config = Plain();
  campaign.config.min_group_forms = 3;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("a", RaterGroup::kSuperior, subject, G),
                    MakeForm("b", RaterGroup::kPeer, subject, G),
                    MakeForm("c", RaterGroup::kSubordinate, subject, F)};
  for (int i = 0; i < 4; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("p", i), RaterGroup::kPublic, subject, A));
  }
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  ASSERT_EQ(out.groups.size(), 2u);
  EXPECT_EQ(out.groups[0].group, RaterGroup::kSubordinate);
  EXPECT_THAT(out.groups[0].merged, ElementsAre(RaterGroup::kSuperior, RaterGroup::kPeer));
  EXPECT_EQ(out.groups[0].forms, 3);
  EXPECT_DOUBLE_EQ(out.groups[0].weight, 0.5);  // 0.2 : 0.2
  EXPECT_EQ(out.groups[1].group, RaterGroup::kPublic);
  EXPECT_FALSE(out.suppressed);
}

TEST(Merging, FewerFormsThanTheMinimumInAllIsSuppressed) {
  Campaign campaign;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("a", RaterGroup::kSuperior, subject, G),
                    MakeForm("b", RaterGroup::kPublic, subject, A)};
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  EXPECT_TRUE(out.suppressed);
  ASSERT_EQ(out.groups.size(), 1u);
  EXPECT_EQ(out.groups[0].forms, 2);
  EXPECT_TRUE(out.scored);
  EXPECT_THAT(ExplainSubject(result, out, campaign.config),
              HasSubstr("never shown on a dashboard"));
}

// --------------------------------------------------------------- trimming --

Campaign PeerGroup(int count, Grade low, Grade middle, Grade high) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  for (int i = 0; i < count; ++i) {
    const Grade grade = i == 0 ? low : i == count - 1 ? high : middle;
    char rater[16];
    std::snprintf(rater, sizeof(rater), "r%02d", i);
    campaign.forms.push_back(MakeForm(rater, RaterGroup::kPeer, subject, grade));
  }
  return campaign;
}

TEST(Trimming, TenFormsDropTheLowestAndTheHighest) {
  const CampaignResult result = Score(PeerGroup(10, P, F, G));
  const SubjectResult& out = result.subjects[0];
  EXPECT_EQ(out.groups[0].trimmed_raw, 2);
  EXPECT_DOUBLE_EQ(out.raw_composite, 80.0);
  EXPECT_EQ(out.forms.front().raw_status, FormStatus::kTrimmedLow);
  EXPECT_EQ(out.forms.back().raw_status, FormStatus::kTrimmedHigh);
}

TEST(Trimming, NineFormsAreNotTrimmed) {
  const CampaignResult result = Score(PeerGroup(9, P, F, G));
  const SubjectResult& out = result.subjects[0];
  EXPECT_EQ(out.groups[0].trimmed_raw, 0);
  EXPECT_DOUBLE_EQ(out.raw_composite, (40.0 + 7 * 80.0 + 100.0) / 9);
}

TEST(Trimming, TwentyFormsDropTwoAtEachEnd) {
  const CampaignResult result = Score(PeerGroup(20, P, F, G));
  const SubjectResult& out = result.subjects[0];
  EXPECT_EQ(out.groups[0].trimmed_raw, 4);
  EXPECT_DOUBLE_EQ(out.raw_composite, 80.0);
}

TEST(Trimming, EqualScoresAreTrimmedByRaterIdNotInputOrder) {
  Campaign campaign = PeerGroup(10, F, F, F);
  std::reverse(campaign.forms.begin(), campaign.forms.end());
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  // Forms are reported by rater id: r00 is the lowest of the ties, r09 the highest.
  EXPECT_EQ(result.raters[static_cast<std::size_t>(out.forms.front().rater)].rater_id, "r00");
  EXPECT_EQ(out.forms.front().raw_status, FormStatus::kTrimmedLow);
  EXPECT_EQ(out.forms.back().raw_status, FormStatus::kTrimmedHigh);
  for (std::size_t i = 1; i + 1 < out.forms.size(); ++i) {
    EXPECT_EQ(out.forms[i].raw_status, FormStatus::kCounted);
  }
}

// ------------------------------------------------------------ calibration --

// Units A and B, four cadres each, equally good: three county leaders rate
// all eight as A F A F A (68 points). Peers rate only inside their unit; B's
// peers give F F F F A (76 points) to everyone (a lenient culture). Marks
// vary across criteria so that no rater is a straight-liner. Calibration
// works on the latent scale (latent_scale.h), where these forms are
// kLatent68 and kLatent76 apart by a little more than their 8 points.
const std::vector<Grade> kSixtyEight = {A, F, A, F, A};
const std::vector<Grade> kSeventySix = {F, F, F, F, A};

// The latent composite of a form whose five criteria (one per dimension,
// equal weights) got `grades`.
double Latent(const std::vector<Grade>& grades) {
  const LatentScale scale{ScoringConfig{}};
  double sum = 0;
  for (Grade grade : grades) {
    sum += scale.ToLatent(ScoringConfig{}.grade_points[static_cast<std::size_t>(grade) - 1],
                          static_cast<int>(grades.size()));
  }
  return sum / static_cast<double>(grades.size());
}

Campaign TwoUnits(double severity_prior) {
  Campaign campaign;
  campaign.config.severity_prior_forms = severity_prior;
  for (const char* unit : {"A", "B"}) {
    std::vector<Subject> subjects;
    for (int i = 0; i < 4; ++i) {
      subjects.push_back(MakeSubject(absl::StrCat(unit, i), unit));
    }
    for (const Subject& subject : subjects) {
      campaign.subjects.push_back(subject);
      for (int leader = 0; leader < 3; ++leader) {
        campaign.forms.push_back(
            MakeForm(absl::StrCat("leader", leader), RaterGroup::kSuperior, subject, kSixtyEight));
      }
      for (int peer = 0; peer < 3; ++peer) {
        campaign.forms.push_back(MakeForm(std::string(unit) + absl::StrCat("-peer", peer),
                                          RaterGroup::kPeer, subject,
                                          std::string(unit) == "B" ? kSeventySix : kSixtyEight));
      }
    }
  }
  return campaign;
}

// B's mean minus A's: raw composites (points) or fitted qualities (latent).
double UnitGap(const CampaignResult& result, bool calibrated) {
  double a = 0;
  double b = 0;
  for (const SubjectResult& subject : result.subjects) {
    (subject.unit_id == "A" ? a : b) +=
        (calibrated ? subject.fitted_quality : subject.raw_composite) / 4;
  }
  return b - a;
}

TEST(Calibration, CrossUnitRatersAnchorALenientUnit) {
  const CampaignResult result = Score(TwoUnits(2.0));
  EXPECT_EQ(result.summary.straight_liners, 0);
  EXPECT_NEAR(UnitGap(result, /*calibrated=*/false), 4.0, 1e-9);
  // Worked out in README.md: with a prior of 2 forms, B's level keeps a
  // quarter of what its peers add (the raw score, through the peers' group
  // weight, keeps half); the peers' severity takes the rest.
  const double peers_add = Latent(kSeventySix) - Latent(kSixtyEight);
  EXPECT_NEAR(UnitGap(result, /*calibrated=*/true), peers_add / 4, 0.01);
  for (const RaterResult& rater : result.raters) {
    if (rater.rater_id.rfind("B-peer", 0) == 0) {
      EXPECT_NEAR(rater.severity - result.raters[0].severity, peers_add / 2, 0.01)
          << rater.rater_id;
    }
  }
  EXPECT_EQ(result.summary.components, 1);
  EXPECT_EQ(result.summary.severity_prior, 2.0);
}

TEST(Calibration, WeakPriorRemovesTheLenientCultureAlmostEntirely) {
  const CampaignResult result = Score(TwoUnits(0.01));
  EXPECT_LT(std::abs(UnitGap(result, /*calibrated=*/true)), 0.1);
}

TEST(Calibration, RealDifferencesBetweenUnitsSurvive) {
  // Everyone, county leaders included, sees unit B as better: calibration
  // must not erase that (per-rater z-scores would, for the peers).
  Campaign campaign = TwoUnits(2.0);
  for (Form& form : campaign.forms) {
    if (form.subject_id[0] == 'B') {
      form.grades = kSeventySix;
    }
  }
  const CampaignResult result = Score(campaign);
  EXPECT_NEAR(UnitGap(result, /*calibrated=*/false), 8.0, 1e-9);
  EXPECT_NEAR(UnitGap(result, /*calibrated=*/true), Latent(kSeventySix) - Latent(kSixtyEight),
              1e-4);
}

TEST(Calibration, DisconnectedUnitsAreSeparateComponents) {
  Campaign campaign = TwoUnits(2.0);
  std::erase_if(campaign.forms,
                [](const Form& form) { return form.group == RaterGroup::kSuperior; });
  const CampaignResult result = Score(campaign);
  EXPECT_EQ(result.summary.components, 2);
  EXPECT_NE(Find(result, "A0")->component, Find(result, "B0")->component);
}

TEST(Calibration, ARaterWithOneSubjectIsBarelyCorrected) {
  Campaign campaign;
  campaign.config.severity_prior_forms = 2;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  for (int i = 0; i < 5; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("peer", i), RaterGroup::kPeer, subject, F));
  }
  campaign.forms.push_back(MakeForm("public", RaterGroup::kPeer, subject, G));
  const CampaignResult result = Score(campaign);
  const RaterResult& one = result.raters.back();
  ASSERT_EQ(one.rater_id, "public");
  EXPECT_EQ(one.forms, 1);
  EXPECT_NEAR(one.shrinkage, 1.0 / 3.0, 1e-9);
  // The data say G - F on the latent scale, less what the subject absorbs;
  // the prior keeps a third.
  EXPECT_GT(one.severity, 0.0);
  EXPECT_LT(one.severity, (Latent({G, G, G, G, G}) - Latent({F, F, F, F, F})) / 3);
}

TEST(Calibration, StraightLinersAreFlaggedAndDownWeighted) {
  Campaign campaign;
  for (int i = 0; i < 4; ++i) {
    const Subject subject = MakeSubject(absl::StrCat("s", i), "u1");
    campaign.subjects.push_back(subject);
    campaign.forms.push_back(MakeForm("liner", RaterGroup::kPeer, subject, G));
    campaign.forms.push_back(MakeForm("varied", RaterGroup::kPeer, subject, {G, F, A, F, G}));
    campaign.forms.push_back(MakeForm("two-only", RaterGroup::kPeer, subject,
                                      i < 2 ? Grade::kFairlyGood : Grade::kUnspecified));
  }
  const CampaignResult result = Score(campaign);
  EXPECT_EQ(result.summary.straight_liners, 1);
  for (const RaterResult& rater : result.raters) {
    EXPECT_EQ(rater.straight_lining, rater.rater_id == "liner") << rater.rater_id;
  }
  for (const SubjectResult& subject : result.subjects) {
    for (const FormOutcome& form : subject.forms) {
      if (result.raters[static_cast<std::size_t>(form.rater)].rater_id == "liner") {
        EXPECT_DOUBLE_EQ(form.weight, campaign.config.straight_liner_weight);
      }
    }
  }
}

TEST(Calibration, OffMeansCalibratedEqualsRaw) {
  Campaign campaign = TwoUnits(2.0);
  campaign.config.calibrate = false;
  const CampaignResult result = Score(campaign);
  for (const SubjectResult& subject : result.subjects) {
    EXPECT_EQ(subject.calibrated_composite, subject.raw_composite);
    for (const FormOutcome& form : subject.forms) {
      EXPECT_EQ(form.adjustment, 0.0);
    }
  }
}

TEST(Calibration, KeepsTheCampaignsMeanComposite) {
  // Calibration moves subjects relative to each other; the thresholds read
  // their calibrated composites at the level the raters put the campaign.
  const CampaignResult result = Score(TwoUnits(2.0));
  double raw = 0;
  double calibrated = 0;
  for (const SubjectResult& subject : result.subjects) {
    raw += subject.raw_composite;
    calibrated += subject.calibrated_composite;
  }
  EXPECT_NEAR(calibrated, raw, 1e-6 * raw);
}

TEST(Calibration, GroupViewsArePooledTowardTheConsensusWhenGroupsAgreeWithinNoise) {
  // Groups that differ only by noise: the estimated spread of real group
  // disagreement is 0, so every group's view is the consensus.
  Campaign campaign;
  const std::vector<std::vector<Grade>> marks = {{G, F, G, F, A}, {F, F, G, A, F}, {G, G, F, F, F}};
  for (int i = 0; i < 6; ++i) {
    const Subject subject = MakeSubject(absl::StrCat("s", i), "u1");
    campaign.subjects.push_back(subject);
    for (int r = 0; r < 3; ++r) {
      const auto& grades = marks[static_cast<std::size_t>((r + i) % 3)];
      campaign.forms.push_back(
          MakeForm(absl::StrCat("sup", r), RaterGroup::kSuperior, subject, grades));
      campaign.forms.push_back(MakeForm(absl::StrCat("sub", r), RaterGroup::kSubordinate, subject,
                                        marks[static_cast<std::size_t>((r + i + 1) % 3)]));
    }
  }
  const CampaignResult result = Score(campaign);
  EXPECT_EQ(result.summary.group_view_sd, 0.0);
  for (const SubjectResult& subject : result.subjects) {
    for (const GroupOutcome& group : subject.groups) {
      EXPECT_GT(group.pooled, 0.99);
    }
    EXPECT_NEAR(subject.calibrated_composite, subject.consensus, 0.01);
  }
}

// ------------------------------------------------------------ diagnostics --

TEST(Diagnostics, AgreementIsOneForConsensusZeroForSplitAndAbsentForOneForm) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject same = MakeSubject("same", "u1");
  const Subject split = MakeSubject("split", "u1");
  const Subject alone = MakeSubject("alone", "u1");
  campaign.subjects = {same, split, alone};
  for (int i = 0; i < 4; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("r", i), RaterGroup::kPeer, same, F));
    campaign.forms.push_back(
        MakeForm(absl::StrCat("r", i), RaterGroup::kPeer, split, i % 2 ? G : P));
  }
  campaign.forms.push_back(MakeForm("r0", RaterGroup::kPeer, alone, G));
  const CampaignResult result = Score(campaign);
  EXPECT_DOUBLE_EQ(*Find(result, "same")->agreement, 1.0);
  EXPECT_DOUBLE_EQ(*Find(result, "split")->agreement, 0.0);
  EXPECT_FALSE(Find(result, "alone")->agreement.has_value());
  EXPECT_EQ(Find(result, "same")->uniform_forms, 4);
}

TEST(Diagnostics, AUnitWhereNearlyEveryoneIsGoodIsVisible) {
  Campaign campaign;
  campaign.config = Plain();
  const Subject lenient = MakeSubject("s1", "lenient-unit");
  const Subject mixed = MakeSubject("s2", "mixed-unit");
  campaign.subjects = {lenient, mixed};
  for (int i = 0; i < 5; ++i) {
    campaign.forms.push_back(MakeForm(absl::StrCat("a", i), RaterGroup::kPeer, lenient, G));
    campaign.forms.push_back(
        MakeForm(absl::StrCat("b", i), RaterGroup::kPeer, mixed, i < 2 ? G : F));
  }
  const CampaignResult result = Score(campaign);
  ASSERT_EQ(result.units.size(), 2u);
  EXPECT_EQ(result.units[0].unit_id, "lenient-unit");
  EXPECT_DOUBLE_EQ(result.units[0].good_mark_share, 1.0);
  EXPECT_DOUBLE_EQ(result.units[0].good_overall_share, 1.0);
  EXPECT_TRUE(result.units[0].lenient);
  EXPECT_DOUBLE_EQ(result.units[1].good_mark_share, 0.4);
  EXPECT_FALSE(result.units[1].lenient);
  EXPECT_DOUBLE_EQ(result.summary.good_mark_share, 0.7);
}

// ------------------------------------------------------------------ leads --

Campaign Ranked(int subjects, std::vector<Grade> grade_of) {
  Campaign campaign;
  campaign.config = Plain();
  for (int i = 0; i < subjects; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "s%02d", i);
    const Subject subject = MakeSubject(id, "u1");
    campaign.subjects.push_back(subject);
    for (int r = 0; r < 3; ++r) {
      campaign.forms.push_back(MakeForm(absl::StrCat("r", r), RaterGroup::kPeer, subject,
                                        grade_of[static_cast<std::size_t>(i) % grade_of.size()]));
    }
  }
  return campaign;
}

TEST(Leads, DeductLeadsSubtractAndNotesOnlyRecord) {
  Campaign campaign = Ranked(1, {G});
  campaign.leads = {{"L2", "s00", Severity::kDeduct, 5.0},
                    {"L1", "s00", Severity::kDeduct, 2.5},
                    {"L3", "s00", Severity::kNote, 50.0}};
  const CampaignResult result = Score(campaign);
  const SubjectResult& out = result.subjects[0];
  EXPECT_DOUBLE_EQ(out.deductions, 7.5);
  EXPECT_DOUBLE_EQ(out.final_score, 92.5);
  ASSERT_EQ(out.leads.size(), 3u);
  EXPECT_EQ(out.leads[0].lead_id, "L1");
  EXPECT_EQ(out.leads[2].severity, Severity::kNote);
  EXPECT_EQ(out.leads[2].points, 0.0);
  EXPECT_THAT(ExplainSubject(result, out, campaign.config),
              HasSubstr("lead L2 DEDUCT: -5.00 points"));
}

TEST(Leads, DeductionsNeverTakeTheFinalScoreBelowZero) {
  Campaign campaign = Ranked(1, {P});
  campaign.leads = {{"L1", "s00", Severity::kDeduct, 500.0}};
  const CampaignResult result = Score(campaign);
  EXPECT_EQ(result.subjects[0].final_score, 0.0);
  EXPECT_EQ(result.subjects[0].proposed_grade, Grade::kPoor);
}

TEST(Leads, AVetoOverridesTheBestScoreAndTakesNoQuota) {
  Campaign campaign = Ranked(10, {G});
  campaign.forms[0].grades[0] = F;  // s00 slightly below the others
  campaign.leads = {{"V1", "s05", Severity::kVeto, 0.0}};
  const CampaignResult result = Score(campaign);
  const SubjectResult* vetoed = Find(result, "s05");
  EXPECT_TRUE(vetoed->vetoed);
  EXPECT_EQ(vetoed->threshold_grade, Grade::kGood);
  EXPECT_EQ(vetoed->proposed_grade, Grade::kPoor);
  EXPECT_EQ(vetoed->grade_reason, GradeReason::kVeto);
  EXPECT_EQ(vetoed->rank, 10) << "vetoed subjects rank last";
  EXPECT_EQ(result.summary.top_grade_awarded, 3) << "the veto frees its quota place";
  EXPECT_EQ(result.summary.vetoed, 1);
  EXPECT_THAT(ExplainSubject(result, *vetoed, campaign.config), HasSubstr("VETO lead overrides"));
}

TEST(Leads, AVetoAppliesEvenWithoutAnyForm) {
  Campaign campaign;
  campaign.subjects = {MakeSubject("s1", "u1")};
  campaign.leads = {{"V1", "s1", Severity::kVeto, 0.0}};
  const CampaignResult result = Score(campaign);
  EXPECT_FALSE(result.subjects[0].scored);
  EXPECT_EQ(result.subjects[0].proposed_grade, Grade::kPoor);
  EXPECT_EQ(result.subjects[0].grade_reason, GradeReason::kVeto);
}

// ------------------------------------------------------- grades and quota --

TEST(Grades, ThresholdsIncludeTheirBoundary) {
  Campaign campaign;
  campaign.config = Plain();
  campaign.config.top_grade_quota = 1.0;
  const Subject ninety = MakeSubject("ninety", "u1", 2);  // two criteria, one dimension each
  Subject just_below = MakeSubject("below", "u1", 2);
  campaign.subjects = {ninety, just_below};
  campaign.forms = {MakeForm("r", RaterGroup::kPeer, ninety, {G, F})};
  campaign.forms.push_back(MakeForm("r", RaterGroup::kPeer, just_below, {G, F}));
  campaign.subjects[1].dimension_weights = {1, 1.0001, 1, 1, 1};
  const CampaignResult result = Score(campaign);
  EXPECT_DOUBLE_EQ(Find(result, "ninety")->final_score, 90.0);
  EXPECT_EQ(Find(result, "ninety")->proposed_grade, Grade::kGood);
  EXPECT_LT(Find(result, "below")->final_score, 90.0);
  EXPECT_EQ(Find(result, "below")->proposed_grade, Grade::kFairlyGood);
}

TEST(Quota, ThirtyPercentOfTenIsThreeByRank) {
  Campaign campaign = Ranked(10, {G});
  // Make the order strict: s0k loses k marks of GOOD on one criterion form.
  for (Form& form : campaign.forms) {
    const int k = form.subject_id[2] - '0';
    if (form.rater_id == "r0" && k > 0) {
      for (int c = 0; c < 5 && c < k; ++c) {
        form.grades[static_cast<std::size_t>(c)] = F;
      }
    }
  }
  const CampaignResult result = Score(campaign);
  EXPECT_EQ(result.summary.top_grade_quota, 3);
  EXPECT_EQ(result.summary.top_grade_awarded, 3);
  EXPECT_EQ(result.summary.quota_demoted, 7);
  for (const SubjectResult& subject : result.subjects) {
    EXPECT_EQ(subject.threshold_grade, Grade::kGood);
    const bool within = subject.rank <= 3;
    EXPECT_EQ(subject.proposed_grade, within ? Grade::kGood : Grade::kFairlyGood)
        << subject.subject_id;
    EXPECT_EQ(subject.grade_reason, within ? GradeReason::kThreshold : GradeReason::kQuotaDemoted);
  }
  EXPECT_EQ(Find(result, "s00")->rank, 1);
  EXPECT_THAT(ExplainSubject(result, *Find(result, "s05"), campaign.config),
              HasSubstr("beyond the quota of 3"));
}

TEST(Quota, RoundsDownSoThreeSubjectsGetNoTopGrade) {
  const CampaignResult result = Score(Ranked(3, {G}));
  EXPECT_EQ(result.summary.top_grade_quota, 0);
  for (const SubjectResult& subject : result.subjects) {
    EXPECT_EQ(subject.proposed_grade, Grade::kFairlyGood);
  }
}

TEST(Quota, ZeroAndFullQuota) {
  Campaign none = Ranked(5, {G});
  none.config.top_grade_quota = 0;
  EXPECT_EQ(Score(none).summary.top_grade_awarded, 0);
  Campaign all = Ranked(5, {G});
  all.config.top_grade_quota = 1;
  EXPECT_EQ(Score(all).summary.top_grade_awarded, 5);
}

TEST(Quota, OnlyThresholdGoodSubjectsAreAffected) {
  const CampaignResult result = Score(Ranked(10, {F, A}));
  EXPECT_EQ(result.summary.top_grade_awarded, 0);
  EXPECT_EQ(result.summary.quota_demoted, 0);
}

TEST(Quota, TiesAtTheBoundaryAreBrokenBySubjectIdAndSaySo) {
  const CampaignResult result = Score(Ranked(10, {G}));  // ten identical subjects
  for (const SubjectResult& subject : result.subjects) {
    const bool within = subject.subject_id <= "s02";
    EXPECT_EQ(subject.proposed_grade, within ? Grade::kGood : Grade::kFairlyGood)
        << subject.subject_id;
    EXPECT_EQ(subject.quota_tie_break, TieBreak::kSubjectId);
  }
  EXPECT_THAT(ExplainSubject(result, result.subjects[3], ScoringConfig{}), HasSubstr("subject id"));
}

TEST(Quota, TiesOnTheFinalScoreAreBrokenByTheScoreBeforeDeductions) {
  Campaign campaign = Ranked(10, {F});
  for (Form& form : campaign.forms) {
    if (form.subject_id <= "s03") {
      form.grades.assign(form.grades.size(), G);
    }
    if (form.subject_id == "s02" && form.rater_id == "r0") {
      form.grades[0] = F;  // s02 a little below 100
    }
  }
  // Deduct from s03 (100) exactly what brings it level with s02: the final
  // scores tie, the scores before deductions do not.
  const double s02 = Find(Score(campaign), "s02")->final_score;
  campaign.leads = {{"L1", "s03", Severity::kDeduct, 100.0 - s02}};
  const CampaignResult result = Score(campaign);
  const SubjectResult* tied_low = Find(result, "s02");
  const SubjectResult* tied_high = Find(result, "s03");
  ASSERT_EQ(tied_low->final_score, tied_high->final_score);
  EXPECT_GT(tied_high->calibrated_composite, tied_low->calibrated_composite);
  // s00 and s01 (100) and one of the two tied: quota 3 of 10.
  EXPECT_EQ(tied_high->proposed_grade, Grade::kGood);
  EXPECT_EQ(tied_low->proposed_grade, Grade::kFairlyGood);
  EXPECT_EQ(tied_low->grade_reason, GradeReason::kQuotaDemoted);
  EXPECT_EQ(tied_high->quota_tie_break, TieBreak::kCalibrated);
  EXPECT_EQ(tied_low->quota_tie_break, TieBreak::kCalibrated);
  EXPECT_EQ(Find(result, "s00")->quota_tie_break, TieBreak::kNone);
  EXPECT_THAT(ExplainSubject(result, *tied_low, campaign.config),
              HasSubstr("decided by the calibrated composite before deductions"));
}

// -------------------------------------------------------------- degenerate --

TEST(Degenerate, NoFormsNoSubjectsNoNaN) {
  Campaign empty;
  const CampaignResult nothing = Score(empty);
  EXPECT_EQ(nothing.summary.subjects, 0);
  EXPECT_EQ(nothing.summary.top_grade_quota, 0);

  Campaign no_forms;
  no_forms.subjects = {MakeSubject("s1", "u1"), MakeSubject("s2", "u2")};
  const CampaignResult unscored = Score(no_forms);
  for (const SubjectResult& subject : unscored.subjects) {
    EXPECT_FALSE(subject.scored);
    EXPECT_EQ(subject.proposed_grade, Grade::kUnspecified);
    EXPECT_EQ(subject.grade_reason, GradeReason::kNoScore);
    EXPECT_EQ(subject.rank, 0);
    EXPECT_THAT(ExplainSubject(unscored, subject, no_forms.config), HasSubstr("no score"));
  }
}

TEST(Degenerate, OneSubjectOneForm) {
  Campaign campaign;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  campaign.forms = {MakeForm("r", RaterGroup::kPublic, subject, A)};
  const CampaignResult result = Score(campaign);
  EXPECT_DOUBLE_EQ(result.subjects[0].raw_composite, 60.0);
  // Inside the grade range the latent scale maps back exactly.
  EXPECT_NEAR(result.subjects[0].calibrated_composite, 60.0, 1e-9);
  EXPECT_EQ(result.subjects[0].proposed_grade, Grade::kAverage);
}

TEST(Degenerate, AllIdenticalMarksEverywhere) {
  for (double huber : {0.0, 2.0}) {
    Campaign campaign = Ranked(12, {F});
    campaign.config.calibrate = true;
    campaign.config.huber_k = huber;
    campaign.config.interaction_prior_forms = 4.0;
    const CampaignResult result = Score(campaign);
    for (const SubjectResult& subject : result.subjects) {
      EXPECT_DOUBLE_EQ(subject.raw_composite, 80.0);
      EXPECT_NEAR(subject.calibrated_composite, 80.0, 1e-9);
      EXPECT_DOUBLE_EQ(*subject.agreement, 1.0);
    }
    EXPECT_EQ(result.summary.straight_liners, 3);
  }
}

TEST(Degenerate, ZeroWeightGroupsAndDimensionsGiveNoScoreNotNaN) {
  Campaign campaign;
  campaign.config.group_weights = {1, 1, 1, 0};
  Subject subject = MakeSubject("s1", "u1", 2);
  subject.dimension_weights = {0, 1, 0, 0, 0};
  Subject only_public = MakeSubject("s2", "u1", 2);
  campaign.subjects = {subject, only_public};
  campaign.forms = {
      MakeForm("a", RaterGroup::kPeer, subject, {G, S}),  // marks only in a 0-weight dimension
      MakeForm("b", RaterGroup::kPublic, only_public, G)};
  const CampaignResult result = Score(campaign);
  EXPECT_FALSE(result.subjects[0].scored);
  EXPECT_EQ(result.subjects[0].forms[0].raw_status, FormStatus::kNoMarks);
  EXPECT_FALSE(result.subjects[1].scored);
}

// ----------------------------------------------------------- explanation --

TEST(Explanation, NamesMergedTrimmedFormsLeadsAndTheGradeReason) {
  Campaign campaign;
  campaign.config.min_group_forms = 3;
  const Subject subject = MakeSubject("s1", "u1");
  campaign.subjects = {subject};
  for (int i = 0; i < 10; ++i) {
    campaign.forms.push_back(
        MakeForm(absl::StrCat("peer", i), RaterGroup::kPeer, subject, i == 0 ? P : G));
  }
  campaign.forms.push_back(MakeForm("pub", RaterGroup::kPublic, subject, F));
  campaign.leads = {{"L9", "s1", Severity::kDeduct, 3}};
  const CampaignResult result = Score(campaign);
  const std::string text = ExplainSubject(result, result.subjects[0], campaign.config);
  EXPECT_THAT(text, HasSubstr("includes PUBLIC"));
  EXPECT_THAT(text, HasSubstr("trimmed (lowest)"));
  EXPECT_THAT(text, HasSubstr("form by pub (PUBLIC, scored in PEER)"));
  EXPECT_THAT(text, HasSubstr("lead L9 DEDUCT"));
  EXPECT_THAT(text, HasSubstr("proposed grade"));
  // One subject: 30% of 1 rounds down to no GOOD at all.
  EXPECT_THAT(text, HasSubstr("rank 1 is beyond the quota of 0"));
}

}  // namespace
}  // namespace kaoping::scoring
