#include "gateway/dashboard/dashboard_suppression.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "services/common/privacy/complementary_suppression.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::RepeatedPtrField;

// ---- cells of every distribution: count, hide, key ----

int64_t CountOf(const v1::GradeCount& c) { return c.count(); }
int64_t CountOf(const v1::LeadCount& c) { return c.count(); }
int64_t CountOf(const v1::DecisionCount& c) { return c.count(); }
int64_t CountOf(const v1::HandlingCount& c) { return c.count(); }

void Hide(v1::GradeCount* c) {
  c->set_count(0);
  c->set_share(0);
  c->set_suppressed(true);
}
void Hide(v1::LeadCount* c) {
  c->set_count(0);
  c->set_suppressed(true);
}
void Hide(v1::DecisionCount* c) {
  c->set_count(0);
  c->set_based_on_result_count(0);
  c->set_suppressed(true);
}
void Hide(v1::HandlingCount* c) {
  c->set_count(0);
  c->set_suppressed(true);
}

// What a cell counts (its grade, source, kind, …): the cell without its figures.
template <typename Cell>
Cell KeyOf(const Cell& cell) {
  Cell key = cell;
  Hide(&key);
  key.set_suppressed(false);
  return key;
}
template <typename Cell>
std::string KeyText(const Cell& cell) {
  return KeyOf(cell).SerializeAsString();
}

// A cell the services hid stands in the tables with this count: hidden, of
// unknown size, and two of them protect a line as the services promise.
int64_t Placeholder(int64_t min_cell_size) { return std::max<int64_t>(1, min_cell_size - 1); }

template <typename Cell>
int64_t TableCount(const Cell& cell, int64_t min_cell_size) {
  return cell.suppressed() ? Placeholder(min_cell_size) : CountOf(cell);
}

// ---- rows ----

void ClearFigures(v1::EvaluationFigures* f) {
  v1::EvaluationFigures cleared;
  if (f->has_unit()) {
    cleared.set_unit(f->unit());
  } else {
    cleared.set_region(f->region());
  }
  cleared.set_suppressed(true);
  *f = std::move(cleared);
}
void ClearFigures(v1::UsageFigures* f) {
  v1::UsageFigures cleared;
  if (f->has_unit()) {
    cleared.set_unit(f->unit());
  } else {
    cleared.set_region(f->region());
  }
  cleared.set_suppressed(true);
  *f = std::move(cleared);
}

// What a row is built from: forms, or concluded appraisals (cadres).
int64_t RowCount(const v1::EvaluationFigures& f) { return f.form_count(); }
int64_t RowCount(const v1::UsageFigures& f) { return f.concluded_appraisal_count(); }

// Hides small rows and their complements among `rows`, whose counts add up
// to the total's (the total's hidden too when nothing else protects them).
template <typename Figures>
void SuppressRows(std::vector<Figures*> rows, Figures* total, int64_t min_cell_size) {
  if (total->suppressed()) {
    for (Figures* row : rows) {
      ClearFigures(row);
    }
    return;
  }
  std::vector<Figures*> hidden;
  std::vector<Figures*> shown;
  int64_t shown_sum = 0;
  for (Figures* row : rows) {
    const int64_t count = RowCount(*row);
    if (row->suppressed() || (count > 0 && count < min_cell_size)) {
      hidden.push_back(row);
    } else {
      shown.push_back(row);
      shown_sum += count;
    }
  }
  // What subtracting the shown rows from the total reveals.
  int64_t hidden_sum = std::max<int64_t>(0, RowCount(*total) - shown_sum);
  std::sort(shown.begin(), shown.end(),
            [](const Figures* a, const Figures* b) { return RowCount(*a) > RowCount(*b); });
  while (!hidden.empty() && (hidden.size() < 2 || hidden_sum < min_cell_size)) {
    if (shown.empty()) {
      ClearFigures(total);
      break;
    }
    hidden.push_back(shown.back());
    hidden_sum += RowCount(*shown.back());
    shown.pop_back();
  }
  for (Figures* row : hidden) {
    ClearFigures(row);
  }
}

// ---- distributions ----

template <typename Figures, typename Cell>
using CellsOf = RepeatedPtrField<Cell>* (Figures::*)();

// Every category of the distribution in the total and the rows, in order of appearance.
template <typename Figures, typename Cell>
std::vector<Cell> Categories(const std::vector<Figures*>& rows, Figures* total,
                             CellsOf<Figures, Cell> cells) {
  std::vector<Cell> keys;
  std::map<std::string, int> seen;
  auto add = [&](Figures* f) {
    for (const Cell& cell : *(f->*cells)()) {
      if (seen.try_emplace(KeyText(cell), static_cast<int>(keys.size())).second) {
        keys.push_back(KeyOf(cell));
      }
    }
  };
  add(total);
  for (Figures* row : rows) {
    add(row);
  }
  return keys;
}

// The cell of `key` in a row's distribution, added with count 0 when absent.
template <typename Cell>
Cell* CellFor(RepeatedPtrField<Cell>* cells, const Cell& key) {
  const std::string wanted = key.SerializeAsString();
  for (Cell& cell : *cells) {
    if (KeyText(cell) == wanted) {
      return &cell;
    }
  }
  Cell* added = cells->Add();
  *added = key;
  return added;
}

// One row's distribution, published with its total.
template <typename Figures, typename Cell>
void SuppressLine(Figures* row, CellsOf<Figures, Cell> cells, int64_t min_cell_size) {
  if (row->suppressed()) {
    return;
  }
  RepeatedPtrField<Cell>* line = (row->*cells)();
  privacy::SuppressionTable table;
  table.lines.emplace_back();
  for (int i = 0; i < line->size(); ++i) {
    table.counts.push_back(TableCount(line->Get(i), min_cell_size));
    table.lines[0].push_back(i);
  }
  const privacy::SuppressionResult result = privacy::SuppressSmallCells(table, min_cell_size);
  for (int i = 0; i < line->size(); ++i) {
    if (result.suppressed[i] && !line->Get(i).suppressed()) {
      Hide(line->Mutable(i));
    }
  }
}

// The rows × categories grid with its row totals and column totals (the
// total's distribution). A row or a column no cell can protect loses its
// total: the row is hidden, the total's cell of that column too.
template <typename Figures, typename Cell>
void SuppressGrid(const std::vector<Figures*>& rows, Figures* total, CellsOf<Figures, Cell> cells,
                  int64_t min_cell_size) {
  const std::vector<Cell> keys = Categories(rows, total, cells);
  if (rows.empty() || keys.empty() || total->suppressed()) {
    return;
  }
  std::vector<std::vector<int64_t>> grid;
  for (Figures* row : rows) {
    std::vector<int64_t> counts;
    for (const Cell& key : keys) {
      counts.push_back(row->suppressed()
                           ? Placeholder(min_cell_size)
                           : TableCount(*CellFor((row->*cells)(), key), min_cell_size));
    }
    grid.push_back(std::move(counts));
  }
  const privacy::SuppressionResult result =
      privacy::SuppressSmallCells(privacy::GridTable(grid), min_cell_size);
  const int columns = static_cast<int>(keys.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r]->suppressed()) {
      continue;
    }
    for (int c = 0; c < columns; ++c) {
      Cell* cell = CellFor((rows[r]->*cells)(), keys[c]);
      if (result.suppressed[r * columns + c] && !cell->suppressed()) {
        Hide(cell);
      }
    }
  }
  for (int line : result.unprotected_lines) {
    if (line < static_cast<int>(rows.size())) {
      ClearFigures(rows[line]);
    } else {
      Hide(CellFor((total->*cells)(), keys[line - rows.size()]));
    }
  }
}

// ---- the figures of each statistics message ----

void SuppressEvaluationLines(v1::EvaluationFigures* f, int64_t min) {
  SuppressLine(f, &v1::EvaluationFigures::mutable_proposed_grades, min);
  SuppressLine(f, &v1::EvaluationFigures::mutable_leads_by_source, min);
  SuppressLine(f, &v1::EvaluationFigures::mutable_leads_by_state, min);
}

void SuppressUsageLines(v1::UsageFigures* f, int64_t min) {
  SuppressLine(f, &v1::UsageFigures::mutable_concluded_grades, min);
  SuppressLine(f, &v1::UsageFigures::mutable_decisions, min);
  SuppressLine(f, &v1::UsageFigures::mutable_handlings, min);
}

void SuppressEvaluationGrids(const std::vector<v1::EvaluationFigures*>& rows,
                             v1::EvaluationFigures* total, int64_t min) {
  SuppressGrid(rows, total, &v1::EvaluationFigures::mutable_proposed_grades, min);
  SuppressGrid(rows, total, &v1::EvaluationFigures::mutable_leads_by_source, min);
  SuppressGrid(rows, total, &v1::EvaluationFigures::mutable_leads_by_state, min);
}

void SuppressUsageGrids(const std::vector<v1::UsageFigures*>& rows, v1::UsageFigures* total,
                        int64_t min) {
  SuppressGrid(rows, total, &v1::UsageFigures::mutable_concluded_grades, min);
  SuppressGrid(rows, total, &v1::UsageFigures::mutable_decisions, min);
  SuppressGrid(rows, total, &v1::UsageFigures::mutable_handlings, min);
}

// A row's small whole (0 < count < min) is hidden even without complements.
template <typename Figures>
void SuppressSmallRow(Figures* f, int64_t min) {
  const int64_t count = RowCount(*f);
  if (count > 0 && count < min) {
    ClearFigures(f);
  }
}

// Top-grade share × subjects would give back a hidden GOOD count.
void HideDerived(v1::EvaluationFigures* f) {
  for (const v1::GradeCount& grade : f->proposed_grades()) {
    if (grade.grade() == v1::GOOD && grade.suppressed()) {
      f->set_top_grade_share(0);
    }
  }
  if (f->suppressed()) {
    f->clear_dimension_means();
  }
}

}  // namespace

void SuppressDashboard(Dashboard* dashboard, int64_t min_cell_size) {
  min_cell_size = std::max(min_cell_size, kMinCellSize);
  v1::EvaluationFigures* evaluation = dashboard->mutable_total()->mutable_evaluation();
  v1::UsageFigures* usage = dashboard->mutable_total()->mutable_usage();
  SuppressSmallRow(evaluation, min_cell_size);
  SuppressSmallRow(usage, min_cell_size);
  std::vector<v1::EvaluationFigures*> evaluation_rows;
  std::vector<v1::UsageFigures*> usage_rows;
  for (DashboardRow& row : *dashboard->mutable_children()) {
    evaluation_rows.push_back(row.mutable_evaluation());
    usage_rows.push_back(row.mutable_usage());
  }
  SuppressRows(evaluation_rows, evaluation, min_cell_size);
  SuppressRows(usage_rows, usage, min_cell_size);
  // The grids may hide cells of the total, which its own lines then protect.
  SuppressEvaluationGrids(evaluation_rows, evaluation, min_cell_size);
  SuppressUsageGrids(usage_rows, usage, min_cell_size);
  SuppressEvaluationLines(evaluation, min_cell_size);
  SuppressUsageLines(usage, min_cell_size);
  for (v1::EvaluationFigures* row : evaluation_rows) {
    HideDerived(row);
  }
  HideDerived(evaluation);
  for (TrendPoint& point : *dashboard->mutable_trend()) {
    if (point.year() == dashboard->year()) {
      // The same total as above: it must hide what the total hides.
      *point.mutable_evaluation() = *evaluation;
      *point.mutable_usage() = *usage;
      continue;
    }
    SuppressSmallRow(point.mutable_evaluation(), min_cell_size);
    SuppressSmallRow(point.mutable_usage(), min_cell_size);
    SuppressEvaluationLines(point.mutable_evaluation(), min_cell_size);
    SuppressUsageLines(point.mutable_usage(), min_cell_size);
    HideDerived(point.mutable_evaluation());
  }
}

}  // namespace kaoping::gateway
