#pragma once

#include "absl/time/time.h"
#include "gateway/dashboard/dashboard.pb.h"
#include "gateway/dashboard/statistics_source.h"

namespace kaoping::gateway {

// The dashboard of a query from the statistics it was computed from (no
// I/O): the region's total of the query's year, one row per child (the
// evaluation and usage rows of the same scope side by side; a child region
// can be drilled into, a unit cannot), the region's totals of each trend
// year. The figures are the services' own (already suppressed);
// SuppressDashboard checks them again.
Dashboard ComposeDashboard(const DashboardQuery& query, const DashboardInputs& inputs,
                           absl::Time now);

}  // namespace kaoping::gateway
