// Complementary suppression on random tables: no hidden cell can be
// recovered by subtracting what is shown from a published total, however
// often the subtraction is repeated.
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/privacy/complementary_suppression.h"

namespace kaoping::privacy {
namespace {

constexpr int64_t kMin = 3;

// The attack: a line whose total is published and all but one of whose
// cells are known gives that cell away; each cell recovered may give away
// more. Returns the hidden cells recovered.
std::vector<int> RecoverBySubtraction(const SuppressionTable& table,
                                      const SuppressionResult& result) {
  std::vector<bool> known(table.counts.size());
  for (size_t i = 0; i < known.size(); ++i) {
    known[i] = !result.suppressed[i];
  }
  std::vector<bool> line_published(table.lines.size(), true);
  for (int l : result.unprotected_lines) {
    line_published[l] = false;  // the caller hides those totals
  }
  std::vector<int> recovered;
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t l = 0; l < table.lines.size(); ++l) {
      if (!line_published[l]) {
        continue;
      }
      int unknown = -1;
      int unknowns = 0;
      for (int cell : table.lines[l]) {
        if (!known[cell]) {
          unknown = cell;
          ++unknowns;
        }
      }
      if (unknowns == 1) {
        known[unknown] = true;
        recovered.push_back(unknown);
        progress = true;
      }
    }
  }
  return recovered;
}

// Counts as participation tables have them: many empty and small cells.
int64_t RandomCount(std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 9);
  switch (kind(rng)) {
    case 0:
    case 1:
      return 0;
    case 2:
    case 3:
      return std::uniform_int_distribution<int64_t>(1, kMin - 1)(rng);
    default:
      return std::uniform_int_distribution<int64_t>(kMin, 60)(rng);
  }
}

TEST(ComplementarySuppressionTest, NoHiddenCellOfARandomGridIsRecoverable) {
  std::mt19937 rng(20261129);
  int tables_with_small_cells = 0;
  for (int round = 0; round < 2000; ++round) {
    const int rows = std::uniform_int_distribution<int>(1, 8)(rng);
    const int columns = std::uniform_int_distribution<int>(1, 5)(rng);
    std::vector<std::vector<int64_t>> grid(rows, std::vector<int64_t>(columns));
    for (auto& row : grid) {
      for (auto& cell : row) {
        cell = RandomCount(rng);
      }
    }
    const SuppressionTable table = GridTable(grid);
    const SuppressionResult result = SuppressSmallCells(table, kMin);
    bool small = false;
    for (size_t i = 0; i < table.counts.size(); ++i) {
      if (table.counts[i] > 0 && table.counts[i] < kMin) {
        small = true;
        EXPECT_TRUE(result.suppressed[i]) << "round " << round << ": small cell " << i << " shown";
      }
    }
    tables_with_small_cells += small;
    EXPECT_THAT(RecoverBySubtraction(table, result), testing::IsEmpty()) << "round " << round;
    // Where a line hides anything, it hides two cells or more adding up to
    // at least the minimum, so the difference the total reveals is no small cell either.
    std::vector<bool> unprotected(table.lines.size(), false);
    for (int l : result.unprotected_lines) {
      unprotected[l] = true;
    }
    for (size_t l = 0; l < table.lines.size(); ++l) {
      int hidden = 0;
      int64_t sum = 0;
      for (int cell : table.lines[l]) {
        if (result.suppressed[cell]) {
          ++hidden;
          sum += table.counts[cell];
        }
      }
      if (hidden > 0 && !unprotected[l]) {
        EXPECT_GE(hidden, 2) << "round " << round << " line " << l;
        EXPECT_GE(sum, kMin) << "round " << round << " line " << l;
      }
    }
  }
  EXPECT_GT(tables_with_small_cells, 1000);  // the random tables did exercise the rule
}

TEST(ComplementarySuppressionTest, ADistributionWithOneSmallCountHidesASecond) {
  // Proposed grades of a campaign: GOOD 30, FAIRLY_GOOD 40, AVERAGE 2, POOR 5,
  // with the total of 77 published.
  SuppressionTable table{{30, 40, 2, 5}, {{0, 1, 2, 3}}};
  const SuppressionResult result = SuppressSmallCells(table, kMin);
  EXPECT_THAT(result.suppressed, testing::ElementsAre(false, false, true, true));
  EXPECT_THAT(result.unprotected_lines, testing::IsEmpty());
}

TEST(ComplementarySuppressionTest, TwoSmallCellsThatStillAddUpSmallHideAThird) {
  // 1 + 1 = 2 < 3: hiding both still tells that two people are in them.
  SuppressionTable table{{1, 1, 10, 20}, {{0, 1, 2, 3}}};
  const SuppressionResult result = SuppressSmallCells(table, kMin);
  EXPECT_THAT(result.suppressed, testing::ElementsAre(true, true, true, false));
}

TEST(ComplementarySuppressionTest, NothingSmallHidesNothing) {
  SuppressionTable table = GridTable({{3, 4, 0}, {10, 0, 7}});
  const SuppressionResult result = SuppressSmallCells(table, kMin);
  EXPECT_THAT(result.suppressed, testing::Each(false));
}

TEST(ComplementarySuppressionTest, ALoneSmallCellLeavesItsTotalUnpublishable) {
  // One unit, one rater group, 2 assignments: no other cell can hide it.
  SuppressionTable table{{2}, {{0}}};
  const SuppressionResult result = SuppressSmallCells(table, kMin);
  EXPECT_THAT(result.suppressed, testing::ElementsAre(true));
  EXPECT_THAT(result.unprotected_lines, testing::ElementsAre(0));
}

TEST(ComplementarySuppressionTest, AComplementPropagatesAcrossRowsAndColumns) {
  // Hiding (0,0) in row 0 hides (0,1); column 1 then needs a second hidden
  // cell, and so on until every line is protected.
  SuppressionTable table = GridTable({{1, 5, 50}, {40, 6, 60}, {30, 70, 8}});
  const SuppressionResult result = SuppressSmallCells(table, kMin);
  EXPECT_TRUE(result.suppressed[0]);
  EXPECT_THAT(RecoverBySubtraction(table, result), testing::IsEmpty());
}

}  // namespace
}  // namespace kaoping::privacy
