#include "services/common/privacy/complementary_suppression.h"

#include <algorithm>
#include <limits>

namespace kaoping::privacy {
namespace {

struct LineState {
  int hidden = 0;
  int64_t hidden_sum = 0;
};

LineState StateOf(const std::vector<int>& line, const SuppressionTable& table,
                  const std::vector<bool>& suppressed) {
  LineState state;
  for (int cell : line) {
    if (suppressed[cell]) {
      ++state.hidden;
      state.hidden_sum += table.counts[cell];
    }
  }
  return state;
}

bool Protected(const LineState& state, int64_t min_cell_size) {
  return state.hidden == 0 || (state.hidden >= 2 && state.hidden_sum >= min_cell_size);
}

// The shown cell of the line to hide next: the smallest count, so that as
// little as possible is lost; ties to the lowest index, so that the result
// does not depend on anything but the table. -1 when every cell is hidden.
int NextComplement(const std::vector<int>& line, const SuppressionTable& table,
                   const std::vector<bool>& suppressed) {
  int best = -1;
  int64_t best_count = std::numeric_limits<int64_t>::max();
  for (int cell : line) {
    if (!suppressed[cell] &&
        (table.counts[cell] < best_count || (table.counts[cell] == best_count && cell < best))) {
      best = cell;
      best_count = table.counts[cell];
    }
  }
  return best;
}

}  // namespace

SuppressionResult SuppressSmallCells(const SuppressionTable& table, int64_t min_cell_size) {
  SuppressionResult result;
  result.suppressed.assign(table.counts.size(), false);
  for (size_t i = 0; i < table.counts.size(); ++i) {
    result.suppressed[i] = table.counts[i] > 0 && table.counts[i] < min_cell_size;
  }
  std::vector<bool> unprotected(table.lines.size(), false);
  // Each pass hides at least one more cell or ends; a table has finitely many.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 0; l < table.lines.size(); ++l) {
      const std::vector<int>& line = table.lines[l];
      while (!Protected(StateOf(line, table, result.suppressed), min_cell_size)) {
        const int cell = NextComplement(line, table, result.suppressed);
        if (cell < 0) {
          unprotected[l] = true;
          break;
        }
        result.suppressed[cell] = true;
        changed = true;
      }
    }
  }
  for (size_t l = 0; l < unprotected.size(); ++l) {
    if (unprotected[l]) {
      result.unprotected_lines.push_back(static_cast<int>(l));
    }
  }
  return result;
}

SuppressionTable GridTable(const std::vector<std::vector<int64_t>>& grid) {
  SuppressionTable table;
  const int rows = static_cast<int>(grid.size());
  const int columns = rows == 0 ? 0 : static_cast<int>(grid[0].size());
  for (const auto& row : grid) {
    table.counts.insert(table.counts.end(), row.begin(), row.end());
  }
  for (int r = 0; r < rows; ++r) {
    std::vector<int> line;
    for (int c = 0; c < columns; ++c) {
      line.push_back(r * columns + c);
    }
    table.lines.push_back(std::move(line));
  }
  for (int c = 0; c < columns; ++c) {
    std::vector<int> line;
    for (int r = 0; r < rows; ++r) {
      line.push_back(r * columns + c);
    }
    table.lines.push_back(std::move(line));
  }
  return table;
}

}  // namespace kaoping::privacy
