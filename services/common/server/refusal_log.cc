#include "services/common/server/refusal_log.h"

#include "services/common/log.h"

namespace kaoping {

void RefusalLog::Note(absl::string_view caller, absl::string_view method,
                      absl::string_view region_code, absl::string_view resource,
                      absl::StatusCode code) {
  const absl::Time now = clock_->Now();
  int64_t folded = 0;
  {
    absl::MutexLock lock(&mutex_);
    auto it = windows_.find(caller);
    if (it != windows_.end() && now - it->second.start < absl::Seconds(1)) {
      ++it->second.folded;
      return;
    }
    if (it == windows_.end()) {
      if (windows_.size() >= kMaxCallers) {
        windows_.clear();
      }
      it = windows_.emplace(caller, Window()).first;
    }
    folded = it->second.folded;
    it->second = Window{now, 0};
  }
  LogWarning("call refused outside the caller's regions", {{"principal", caller},
                                                           {"method", method},
                                                           {"region", region_code},
                                                           {"resource", resource},
                                                           {"code", absl::StatusCodeToString(code)},
                                                           {"refused_since_last", folded}});
}

}  // namespace kaoping
