#pragma once

#include <cstdint>
#include <vector>

// Complementary suppression of small cells (DESIGN.md §5, §7): a figure
// built from fewer than min_cell_size forms (or cadres, or assignments) is
// never shown, and neither can it be recovered from what is shown by
// subtracting the other cells of a line from the line's published total.
namespace kaoping::privacy {

// A table as it will be published: cell counts, and the lines whose totals
// are published beside them (a row, a column, a distribution and its
// total). A line lists cell indices whose counts sum to its total.
struct SuppressionTable {
  std::vector<int64_t> counts;
  std::vector<std::vector<int>> lines;
};

struct SuppressionResult {
  // Per cell: hide it (primary or complementary).
  std::vector<bool> suppressed;
  // Lines that cells alone cannot protect (a small cell with no other cell
  // to hide beside it): the caller must not publish these lines' totals.
  std::vector<int> unprotected_lines;
};

// Primary suppression hides every cell with 0 < count < min_cell_size (an
// empty cell names nobody). Complementary suppression then hides, in every
// line holding a hidden cell, further cells — the smallest first — until
// at least two cells of the line are hidden and the hidden ones add up to
// at least min_cell_size, so that subtracting what is shown from the total
// yields neither a single cell nor a small sum. Repeated until no line
// changes, since a complement hidden for one line joins others.
SuppressionResult SuppressSmallCells(const SuppressionTable& table, int64_t min_cell_size);

// A rows × columns grid published with its row totals, column totals and
// grand total (e.g. progress by unit and rater group). Cells are indexed
// row-major: cell (r, c) is r * columns + c.
SuppressionTable GridTable(const std::vector<std::vector<int64_t>>& grid);

}  // namespace kaoping::privacy
