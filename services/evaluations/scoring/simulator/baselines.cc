#include "services/evaluations/scoring/simulator/baselines.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace kaoping::scoring::simulator {

std::vector<double> PlainAverage(const CampaignResult& result) {
  std::vector<double> out(result.subjects.size(), 0.0);
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    double sum = 0;
    int n = 0;
    for (const FormOutcome& form : result.subjects[s].forms) {
      if (form.raw_status != FormStatus::kNoMarks) {
        sum += form.raw_score;
        ++n;
      }
    }
    out[s] = n > 0 ? sum / n : 0.0;
  }
  return out;
}

std::vector<double> PerRaterZScore(const CampaignResult& result) {
  const std::size_t raters = result.raters.size();
  std::vector<double> sum(raters, 0.0);
  std::vector<double> squares(raters, 0.0);
  std::vector<int> count(raters, 0);
  for (const SubjectResult& subject : result.subjects) {
    for (const FormOutcome& form : subject.forms) {
      if (form.raw_status == FormStatus::kNoMarks) {
        continue;
      }
      const std::size_t r = static_cast<std::size_t>(form.rater);
      sum[r] += form.raw_score;
      ++count[r];
    }
  }
  std::vector<double> mean(raters, 0.0);
  for (std::size_t r = 0; r < raters; ++r) {
    mean[r] = count[r] > 0 ? sum[r] / count[r] : 0.0;
  }
  for (const SubjectResult& subject : result.subjects) {
    for (const FormOutcome& form : subject.forms) {
      if (form.raw_status == FormStatus::kNoMarks) {
        continue;
      }
      const std::size_t r = static_cast<std::size_t>(form.rater);
      squares[r] += (form.raw_score - mean[r]) * (form.raw_score - mean[r]);
    }
  }
  std::vector<double> out(result.subjects.size(), 0.0);
  for (std::size_t s = 0; s < result.subjects.size(); ++s) {
    double total = 0;
    int n = 0;
    for (const FormOutcome& form : result.subjects[s].forms) {
      if (form.raw_status == FormStatus::kNoMarks) {
        continue;
      }
      const std::size_t r = static_cast<std::size_t>(form.rater);
      const double sd = count[r] > 1 ? std::sqrt(squares[r] / count[r]) : 0.0;
      // A rater who gave everyone the same score says nothing about who is
      // better: z = 0 (their mean), not 0/0.
      total += sd > 1e-9 ? (form.raw_score - mean[r]) / sd : 0.0;
      ++n;
    }
    out[s] = n > 0 ? total / n : 0.0;
  }
  return out;
}

std::vector<double> AverageRanks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return values[a] != values[b] ? values[a] < values[b] : a < b;
  });
  std::vector<double> ranks(values.size(), 0.0);
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) {
      ++j;
    }
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) {
      ranks[order[k]] = rank;
    }
    i = j + 1;
  }
  return ranks;
}

double Spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) {
    return 0.0;
  }
  const std::vector<double> ra =
      AverageRanks(std::vector<double>(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n)));
  const std::vector<double> rb =
      AverageRanks(std::vector<double>(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)));
  const double mean = (static_cast<double>(n) + 1.0) / 2.0;
  double sab = 0;
  double saa = 0;
  double sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (saa <= 0 || sbb <= 0) {
    return 0.0;
  }
  return sab / std::sqrt(saa * sbb);
}

}  // namespace kaoping::scoring::simulator
