#include "tools/scoring_simulator/baselines.h"

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

namespace {

// The additive model's normal equations over parameters [subject: S][rater:
// R], solved by conjugate gradient with a Jacobi preconditioner. Started from
// 0, CG stays in the range of the (semidefinite) system and so converges to
// its minimum-norm solution.
class AdditiveSystem {
 public:
  AdditiveSystem(const CampaignResult& result, double rater_prior)
      : subjects_(result.subjects.size()),
        size_(subjects_ + result.raters.size()),
        rater_prior_(rater_prior) {
    for (std::size_t s = 0; s < subjects_; ++s) {
      for (const FormOutcome& form : result.subjects[s].forms) {
        if (form.raw_status != FormStatus::kNoMarks) {
          subject_.push_back(s);
          rater_.push_back(subjects_ + static_cast<std::size_t>(form.rater));
          score_.push_back(form.raw_score);
        }
      }
    }
  }

  std::size_t size() const { return size_; }
  bool empty() const { return score_.empty(); }

  // out = X' v, where v_f = value(f).
  template <typename Value>
  void Gather(Value value, std::vector<double>& out) const {
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t f = 0; f < score_.size(); ++f) {
      const double v = value(f);
      out[subject_[f]] += v;
      out[rater_[f]] += v;
    }
  }
  void Multiply(const std::vector<double>& p, std::vector<double>& out) const {
    Gather([&](std::size_t f) { return p[subject_[f]] + p[rater_[f]]; }, out);
    for (std::size_t i = subjects_; i < size_; ++i) {
      out[i] += rater_prior_ * p[i];
    }
  }
  void Rhs(std::vector<double>& out) const {
    double mean = 0;
    for (double x : score_) {
      mean += x / static_cast<double>(score_.size());
    }
    Gather([&](std::size_t f) { return score_[f] - mean; }, out);
  }
  void Diagonal(std::vector<double>& out) const {
    Gather([](std::size_t) { return 1.0; }, out);
    for (std::size_t i = subjects_; i < size_; ++i) {
      out[i] += rater_prior_;
    }
  }

 private:
  std::size_t subjects_;
  std::size_t size_;
  double rater_prior_;
  std::vector<std::size_t> subject_;
  std::vector<std::size_t> rater_;
  std::vector<double> score_;
};

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += a[i] * b[i];
  }
  return sum;
}

}  // namespace

std::vector<double> AdditiveFit(const CampaignResult& result, double rater_prior) {
  constexpr int kMaxIterations = 5000;
  constexpr double kTolerance = 1e-10;  // relative, on the preconditioned residual
  const AdditiveSystem system(result, rater_prior);
  std::vector<double> p(system.size(), 0.0);
  if (system.empty()) {
    return std::vector<double>(result.subjects.size(), 0.0);
  }
  std::vector<double> r(system.size());
  std::vector<double> inverse(system.size());
  system.Rhs(r);
  system.Diagonal(inverse);
  for (double& value : inverse) {
    value = value > 0 ? 1.0 / value : 0.0;
  }
  std::vector<double> z(system.size());
  std::vector<double> d(system.size());
  std::vector<double> q(system.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    z[i] = r[i] * inverse[i];
  }
  d = z;
  double rz = Dot(r, z);
  const double start = rz;
  for (int it = 0; it < kMaxIterations && rz > kTolerance * kTolerance * start; ++it) {
    system.Multiply(d, q);
    const double dq = Dot(d, q);
    if (!(dq > 0)) {
      break;
    }
    const double alpha = rz / dq;
    for (std::size_t i = 0; i < p.size(); ++i) {
      p[i] += alpha * d[i];
      r[i] -= alpha * q[i];
      z[i] = r[i] * inverse[i];
    }
    const double next = Dot(r, z);
    for (std::size_t i = 0; i < p.size(); ++i) {
      d[i] = z[i] + (next / rz) * d[i];
    }
    rz = next;
  }
  return std::vector<double>(p.begin(),
                             p.begin() + static_cast<std::ptrdiff_t>(result.subjects.size()));
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
