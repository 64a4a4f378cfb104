#pragma once

// The baselines the simulator compares calibration against, computed from
// the engine's own per-form figures so that every method sees the same marks.
// Written apart from the engine (no shared solver), so that a flaw of the
// engine's fit cannot hide in its yardstick.
// Per-rater z-scores live here and only here: in a county, peers rate only
// inside their unit, so z-scoring them erases real differences between units
// (DESIGN.md §7). They are a yardstick, not a method the service offers.

#include <vector>

#include "services/evaluations/scoring/model.h"

namespace kaoping::scoring::simulator {

// Per subject (in result order): the unweighted mean of its forms' scores.
// 0 for a subject without scored forms.
std::vector<double> PlainAverage(const CampaignResult& result);

// Per subject: the mean over its forms of the form score standardized within
// its rater ((x - rater mean) / rater sd). A rater with one form or with the
// same score on every form contributes 0, never NaN.
std::vector<double> PerRaterZScore(const CampaignResult& result);

// Per subject: quality from a plain additive many-facet fit, form score =
// mean + subject + rater, by ordinary least squares over every form with
// marks: no groups, no prior on the raters, no trimming, no clamping, no
// down-weighting. A rater seen once fits their form exactly and so says
// nothing about the subject. Where the data leave a direction open (a
// component's level against its raters' severity), the minimum-norm
// solution is taken.
std::vector<double> AdditiveFit(const CampaignResult& result, double rater_prior = 0);

// Ranks from 1, ties sharing their average rank.
std::vector<double> AverageRanks(const std::vector<double>& values);

// Spearman's rank correlation (Pearson on average ranks). 0 when either side
// is constant or the inputs are shorter than 2.
double Spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace kaoping::scoring::simulator
