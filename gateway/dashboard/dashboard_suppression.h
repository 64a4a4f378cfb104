#pragma once

#include <cstdint>

#include "gateway/dashboard/dashboard.pb.h"

namespace kaoping::gateway {

// The smallest count a dashboard shows: never below 3 (DESIGN.md §7).
inline constexpr int64_t kMinCellSize = 3;

// Checks every figure a dashboard publishes against the suppression rules
// again, after the services (which suppress their own answers), so that
// what the gateway puts side by side cannot undo them (protos/README.md,
// "Small cells"; services/common/privacy/complementary_suppression.h):
//  - rows: a child row built from fewer than min_cell_size forms (usage:
//    concluded appraisals) is hidden, and further rows, the smallest first,
//    until no hidden row can be recovered from the total minus the shown
//    rows (at least two hidden, adding up to at least min_cell_size); when
//    the shown rows run out, the total is hidden too;
//  - every distribution (proposed and concluded grades, leads by source and
//    by state, decisions, handlings) as a grid of children × categories
//    with its row and column totals, and in the total and every trend year
//    as a line with its total; a hidden cell shows count 0 and `suppressed`;
//  - figures derived from a hidden cell are hidden with it (the top-grade
//    share of a hidden GOOD count; dimension means of a hidden row).
// Cells the services hid count as hidden (their size unknown). An answer
// the services suppressed correctly keeps every figure (empty categories
// may be added to rows as zero cells).
void SuppressDashboard(Dashboard* dashboard, int64_t min_cell_size = kMinCellSize);

}  // namespace kaoping::gateway
