#include "services/common/metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"

namespace kaoping::metrics {
namespace {

// Shortest text that reads back as the same double; integers without an exponent.
std::string FormatNumber(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="x",b="y"} with an optional extra label (histograms' `le`).
std::string LabelText(const std::vector<std::string>& names, const LabelValues& values,
                      absl::string_view extra_name = "", absl::string_view extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "" : ",", names[i], "=\"", EscapeLabelValue(values[i]),
                    "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : ",", extra_name, "=\"", extra_value, "\"");
  }
  return out.empty() ? out : absl::StrCat("{", out, "}");
}

void AppendHeader(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type) {
  absl::StrAppend(out, "# HELP ", name, " ", EscapeHelp(help), "\n# TYPE ", name, " ", type, "\n");
}

// Samples sorted by label values, so that the exposition is stable.
template <typename Metric, typename F>
void ForEachSorted(const Family<Metric>& family, F f) {
  std::map<LabelValues, const Metric*> sorted;
  family.ForEach([&](const LabelValues& values, const Metric& m) { sorted[values] = &m; });
  for (const auto& [values, metric] : sorted) {
    f(values, *metric);
  }
}

template <typename Metric>
void RenderSimple(std::string* out, const Family<Metric>& family, absl::string_view type) {
  AppendHeader(out, family.name(), family.help(), type);
  ForEachSorted(family, [&](const LabelValues& values, const Metric& m) {
    absl::StrAppend(out, family.name(), LabelText(family.label_names(), values), " ",
                    FormatNumber(m.value()), "\n");
  });
}

void RenderHistogram(std::string* out, const Family<Histogram>& family) {
  AppendHeader(out, family.name(), family.help(), "histogram");
  const auto& names = family.label_names();
  ForEachSorted(family, [&](const LabelValues& values, const Histogram& h) {
    Histogram::Snapshot s = h.Read();
    for (size_t i = 0; i < s.cumulative.size(); ++i) {
      const std::string le = i < h.bounds().size() ? FormatNumber(h.bounds()[i]) : "+Inf";
      absl::StrAppend(out, family.name(), "_bucket", LabelText(names, values, "le", le), " ",
                      s.cumulative[i], "\n");
    }
    absl::StrAppend(out, family.name(), "_sum", LabelText(names, values), " ", FormatNumber(s.sum),
                    "\n", family.name(), "_count", LabelText(names, values), " ", s.count, "\n");
  });
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    counts_[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double value) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  return buckets;
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  absl::MutexLock lock(&mutex_);
  counters_.push_back(
      std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(label_names),
                                        [] { return std::make_unique<Counter>(); }));
  return *counters_.back();
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  absl::MutexLock lock(&mutex_);
  gauges_.push_back(std::make_unique<Family<Gauge>>(std::move(name), std::move(help),
                                                    std::move(label_names),
                                                    [] { return std::make_unique<Gauge>(); }));
  return *gauges_.back();
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          const std::vector<double>& bounds) {
  absl::MutexLock lock(&mutex_);
  histograms_.push_back(std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), std::move(label_names),
      [bounds] { return std::make_unique<Histogram>(bounds); }));
  return *histograms_.back();
}

void Registry::AddGaugeCallback(std::string name, std::string help,
                                std::function<std::optional<double>()> read) {
  absl::MutexLock lock(&mutex_);
  callbacks_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Registry::Render() const {
  absl::MutexLock lock(&mutex_);
  std::string out;
  for (const auto& family : counters_) {
    RenderSimple(&out, *family, "counter");
  }
  for (const auto& family : gauges_) {
    RenderSimple(&out, *family, "gauge");
  }
  for (const auto& family : histograms_) {
    RenderHistogram(&out, *family);
  }
  for (const auto& gauge : callbacks_) {
    std::optional<double> value = gauge.read();
    AppendHeader(&out, gauge.name, gauge.help, "gauge");
    if (value.has_value()) {
      absl::StrAppend(&out, gauge.name, " ", FormatNumber(*value), "\n");
    }
  }
  return out;
}

}  // namespace kaoping::metrics
