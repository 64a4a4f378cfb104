#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

// A small metrics registry with the Prometheus text exposition format
// (version 0.0.4): counters, gauges and histograms with labels, shared by
// the gateway and the services. Recording is lock-free once a series exists
// (atomics); a series is created under a lock the first time its label
// values are seen. Label values must come from bounded sets (method names,
// status codes), never from request data.
namespace kaoping::metrics {

// Label values of one series, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void Increment(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: upper bounds of the buckets, increasing; +Inf is implied.
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 0.5 ms to 60 s.
const std::vector<double>& LatencyBuckets();

// All series of one metric name.
template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  // The series of these label values (as many as the family has label
  // names), created on first use; the reference stays valid for the
  // registry's lifetime, so hot paths may keep it.
  Metric& With(const LabelValues& values) {
    {
      absl::ReaderMutexLock lock(&mutex_);
      auto it = series_.find(values);
      if (it != series_.end()) {
        return *it->second;
      }
    }
    absl::MutexLock lock(&mutex_);
    auto& slot = series_[values];
    if (slot == nullptr) {
      slot = make_();
    }
    return *slot;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls f(label values, metric) for every series, in no particular order.
  template <typename F>
  void ForEach(F f) const {
    absl::ReaderMutexLock lock(&mutex_);
    for (const auto& [values, metric] : series_) {
      f(values, *metric);
    }
  }

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<LabelValues, std::unique_ptr<Metric>> series_ ABSL_GUARDED_BY(mutex_);
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families live as long as the registry. Names follow Prometheus
  // conventions (`kaoping_…_total` for counters, `…_seconds` for durations).
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  const std::vector<double>& bounds = LatencyBuckets());
  // A gauge read when the registry is rendered (queue depths, backlogs). A
  // callback returning nullopt leaves the sample out (its source is down).
  void AddGaugeCallback(std::string name, std::string help,
                        std::function<std::optional<double>()> read);

  // The Prometheus text exposition of every metric.
  std::string Render() const;

 private:
  struct CallbackGauge {
    std::string name;
    std::string help;
    std::function<std::optional<double>()> read;
  };

  mutable absl::Mutex mutex_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_ ABSL_GUARDED_BY(mutex_);
  std::vector<CallbackGauge> callbacks_ ABSL_GUARDED_BY(mutex_);
};

// The text exposition content type.
inline constexpr absl::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace kaoping::metrics
