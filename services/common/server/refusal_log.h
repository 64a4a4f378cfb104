#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/common/clock.h"

namespace kaoping {

// Where refusals of callers outside a region go instead of that region's
// audit chain: a principal of another region must not be able to make a
// chain it has no business in grow. One log line per caller per second at
// most; the calls folded into the next line are counted in it
// ("refused_since_last").
class RefusalLog {
 public:
  explicit RefusalLog(const Clock* clock) : clock_(clock) {}

  void Note(absl::string_view caller, absl::string_view method, absl::string_view region_code,
            absl::string_view resource, absl::StatusCode code);

  // Callers remembered at most (forgotten all at once when full).
  static constexpr size_t kMaxCallers = 10000;

 private:
  struct Window {
    absl::Time start;
    int64_t folded = 0;
  };
  const Clock* clock_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Window> windows_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace kaoping
