#include "services/results/usage_figures.h"

#include "services/common/privacy/complementary_suppression.h"

namespace kaoping::results {
namespace {

using privacy::SuppressionTable;
using privacy::SuppressSmallCells;

// A figure published per row and in the total: `cells` per row, and
// whether a row publishes the sum of its cells (a distribution) or each
// cell stands alone (a single count).
struct Family {
  std::vector<std::vector<int64_t>> children;  // shown rows only
  std::vector<int64_t> total;
  bool distribution = true;
};

// What to hide of a family.
struct Hidden {
  std::vector<std::vector<bool>> children;
  std::vector<bool> child_sum;  // a row's sum may not be published
  std::vector<bool> total;
  bool total_sum = false;
};

Hidden Suppress(const Family& family) {
  const size_t rows = family.children.size();
  const size_t columns = family.total.size();
  Hidden hidden{std::vector<std::vector<bool>>(rows, std::vector<bool>(columns)),
                std::vector<bool>(rows), std::vector<bool>(columns), false};
  SuppressionTable table = privacy::GridTable(family.children);
  if (!family.distribution) {
    table.lines.erase(table.lines.begin(), table.lines.begin() + static_cast<long>(rows));
  }
  const auto grid = SuppressSmallCells(table, kMinCell);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) {
      hidden.children[r][c] = grid.suppressed[r * columns + c];
    }
  }
  for (int line : grid.unprotected_lines) {
    const size_t row_lines = family.distribution ? rows : 0;
    if (static_cast<size_t>(line) < row_lines) {
      hidden.child_sum[line] = true;
      hidden.children[line].assign(columns, true);
    } else {
      hidden.total[line - row_lines] = true;
    }
  }
  SuppressionTable totals{family.total, {}};
  if (family.distribution) {
    std::vector<int> all;
    for (size_t c = 0; c < columns; ++c) {
      all.push_back(static_cast<int>(c));
    }
    totals.lines.push_back(std::move(all));
  }
  const auto total = SuppressSmallCells(totals, kMinCell);
  hidden.total_sum = !total.unprotected_lines.empty();
  for (size_t c = 0; c < columns; ++c) {
    if (total.suppressed[c] || hidden.total_sum) {
      hidden.total[c] = true;
    }
    for (size_t r = 0; hidden.total[c] && r < rows; ++r) {
      hidden.children[r][c] = true;  // a column whose total is hidden is all small
    }
  }
  return hidden;
}

constexpr v1::Grade kGrades[] = {v1::GOOD, v1::FAIRLY_GOOD, v1::AVERAGE, v1::POOR};

std::vector<v1::DecisionKind> DecisionKinds() {
  std::vector<v1::DecisionKind> kinds;
  for (int k = 1; v1::DecisionKind_IsValid(k); ++k) {
    kinds.push_back(static_cast<v1::DecisionKind>(k));
  }
  return kinds;
}

std::vector<std::pair<v1::HandlingKind, v1::HandlingState>> HandlingCells() {
  std::vector<std::pair<v1::HandlingKind, v1::HandlingState>> cells;
  for (int k = 1; v1::HandlingKind_IsValid(k); ++k) {
    for (int s = 1; v1::HandlingState_IsValid(s); ++s) {
      cells.emplace_back(static_cast<v1::HandlingKind>(k), static_cast<v1::HandlingState>(s));
    }
  }
  return cells;
}

// The cells of each family for one row.
struct Cells {
  std::vector<int64_t> grades, decisions, handlings, deviations, imposed, in_force, overdue;
};

Cells CellsOf(const UsageCounts& counts) {
  Cells cells;
  for (v1::Grade grade : kGrades) {
    auto it = counts.grades.find(grade);
    cells.grades.push_back(it == counts.grades.end() ? 0 : it->second);
  }
  for (v1::DecisionKind kind : DecisionKinds()) {
    auto it = counts.decisions.find(kind);
    cells.decisions.push_back(it == counts.decisions.end() ? 0 : it->second.count);
  }
  for (const auto& cell : HandlingCells()) {
    auto it = counts.handlings.find(cell);
    cells.handlings.push_back(it == counts.handlings.end() ? 0 : it->second);
  }
  cells.deviations = {counts.deviations};
  cells.imposed = {counts.vetoes_imposed};
  cells.in_force = {counts.vetoes_in_force};
  cells.overdue = {counts.overdue};
  return cells;
}

// What to hide in one row, family by family.
struct RowHidden {
  std::vector<bool> grades, decisions, handlings;
  bool grade_sum = false, decision_sum = false;
  bool deviations = false, imposed = false, in_force = false, overdue = false;
};

int32_t Shown(int64_t value, bool hidden) { return hidden ? 0 : static_cast<int32_t>(value); }

v1::UsageFigures Figures(const UsageCounts& counts, const RowHidden& hidden) {
  v1::UsageFigures figures;
  int64_t concluded = 0;
  for (size_t i = 0; i < std::size(kGrades); ++i) {
    auto it = counts.grades.find(kGrades[i]);
    if (it == counts.grades.end() || it->second == 0) {
      continue;
    }
    concluded += it->second;
    v1::GradeCount* grade = figures.add_concluded_grades();
    grade->set_grade(kGrades[i]);
    grade->set_suppressed(hidden.grades[i]);
    grade->set_count(Shown(it->second, hidden.grades[i]));
  }
  figures.set_concluded_appraisal_count(Shown(concluded, hidden.grade_sum));
  for (v1::GradeCount& grade : *figures.mutable_concluded_grades()) {
    grade.set_share(concluded > 0 && !grade.suppressed() && !hidden.grade_sum
                        ? static_cast<double>(grade.count()) / concluded
                        : 0);
  }
  int64_t decisions = 0, based = 0;
  const std::vector<v1::DecisionKind> kinds = DecisionKinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    auto it = counts.decisions.find(kinds[i]);
    if (it == counts.decisions.end() || it->second.count == 0) {
      continue;
    }
    decisions += it->second.count;
    based += it->second.based_on_result;
    v1::DecisionCount* count = figures.add_decisions();
    count->set_kind(kinds[i]);
    count->set_suppressed(hidden.decisions[i]);
    count->set_count(Shown(it->second.count, hidden.decisions[i]));
    count->set_based_on_result_count(Shown(it->second.based_on_result, hidden.decisions[i]));
  }
  figures.set_decision_count(Shown(decisions, hidden.decision_sum));
  figures.set_result_use_rate(
      decisions > 0 && !hidden.decision_sum ? static_cast<double>(based) / decisions : 0);
  figures.set_deviation_count(Shown(counts.deviations, hidden.deviations));
  figures.set_vetoes_imposed(Shown(counts.vetoes_imposed, hidden.imposed));
  figures.set_vetoes_in_force(Shown(counts.vetoes_in_force, hidden.in_force));
  const auto cells = HandlingCells();
  for (size_t i = 0; i < cells.size(); ++i) {
    auto it = counts.handlings.find(cells[i]);
    if (it == counts.handlings.end() || it->second == 0) {
      continue;
    }
    v1::HandlingCount* count = figures.add_handlings();
    count->set_kind(cells[i].first);
    count->set_state(cells[i].second);
    count->set_suppressed(hidden.handlings[i]);
    count->set_count(Shown(it->second, hidden.handlings[i]));
  }
  figures.set_overdue_handlings(Shown(counts.overdue, hidden.overdue));
  return figures;
}

void SetScope(v1::UsageFigures& figures, const std::string& name, bool unit) {
  if (unit) {
    figures.set_unit(name);
  } else {
    figures.set_region(name);
  }
}

// Which children show at all: at least 3 cadres, complementarily.
std::vector<bool> HiddenRows(const std::vector<UsageChild>& children, bool& total_unprotected) {
  SuppressionTable rows;
  std::vector<int> all;
  for (size_t i = 0; i < children.size(); ++i) {
    rows.counts.push_back(children[i].counts.cadres);
    all.push_back(static_cast<int>(i));
  }
  rows.lines.push_back(std::move(all));
  const auto result = SuppressSmallCells(rows, kMinCell);
  total_unprotected = !result.unprotected_lines.empty();
  return result.suppressed;
}

}  // namespace

PublishedUsage PublishUsage(const std::string& total_name, const UsageCounts& total,
                            const std::vector<UsageChild>& children) {
  bool total_unprotected = false;
  const std::vector<bool> hidden_rows = HiddenRows(children, total_unprotected);
  std::vector<size_t> shown;
  for (size_t i = 0; i < children.size(); ++i) {
    if (!hidden_rows[i]) {
      shown.push_back(i);
    }
  }
  const Cells total_cells = CellsOf(total);
  std::vector<Cells> child_cells;
  for (size_t i : shown) {
    child_cells.push_back(CellsOf(children[i].counts));
  }
  std::vector<RowHidden> row_hidden(shown.size());
  RowHidden total_hidden;
  auto family = [&](std::vector<int64_t> Cells::*member, bool distribution, auto&& assign) {
    Family f{{}, total_cells.*member, distribution};
    for (const Cells& cells : child_cells) {
      f.children.push_back(cells.*member);
    }
    const Hidden hidden = Suppress(f);
    for (size_t r = 0; r < shown.size(); ++r) {
      assign(row_hidden[r], hidden.children[r], hidden.child_sum[r]);
    }
    assign(total_hidden, hidden.total, hidden.total_sum);
  };
  family(&Cells::grades, true, [](RowHidden& h, const std::vector<bool>& cells, bool sum) {
    h.grades = cells;
    h.grade_sum = sum;
  });
  family(&Cells::decisions, true, [](RowHidden& h, const std::vector<bool>& cells, bool sum) {
    h.decisions = cells;
    h.decision_sum = sum;
  });
  family(&Cells::handlings, true,
         [](RowHidden& h, const std::vector<bool>& cells, bool) { h.handlings = cells; });
  family(&Cells::deviations, false,
         [](RowHidden& h, const std::vector<bool>& cells, bool) { h.deviations = cells[0]; });
  family(&Cells::imposed, false,
         [](RowHidden& h, const std::vector<bool>& cells, bool) { h.imposed = cells[0]; });
  family(&Cells::in_force, false,
         [](RowHidden& h, const std::vector<bool>& cells, bool) { h.in_force = cells[0]; });
  family(&Cells::overdue, false,
         [](RowHidden& h, const std::vector<bool>& cells, bool) { h.overdue = cells[0]; });

  PublishedUsage out;
  const bool total_small = total.cadres > 0 && total.cadres < kMinCell;
  if (total_small || total_unprotected) {
    out.total.set_suppressed(true);
  } else {
    out.total = Figures(total, total_hidden);
  }
  SetScope(out.total, total_name, false);
  size_t next_shown = 0;
  for (size_t i = 0; i < children.size(); ++i) {
    v1::UsageFigures figures;
    if (hidden_rows[i]) {
      figures.set_suppressed(true);
    } else {
      figures = Figures(children[i].counts, row_hidden[next_shown++]);
    }
    SetScope(figures, children[i].name, children[i].unit);
    out.children.push_back(std::move(figures));
  }
  return out;
}

}  // namespace kaoping::results
