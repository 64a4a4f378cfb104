#pragma once

#include "services/common/service_deps.h"
#include "services/results/eligibility_view.h"
#include "services/results/upstreams.h"

namespace kaoping::results {

// What every part of the results service shares: the runtime's pieces, the
// services it reads from, and the eligibility view (one per process, so
// that every read and write of the process sees the same cache).
struct ResultsContext {
  ServiceDeps deps;
  Upstreams upstreams;
  EligibilityView view;
};

}  // namespace kaoping::results
