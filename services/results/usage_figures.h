#pragma once

#include <string>
#include <vector>

#include "kaoping/v1/results.pb.h"
#include "services/results/usage_store.h"

// Usage statistics as published (results.proto, GetUsageStatistics): raw
// counts turned into UsageFigures with small cells suppressed. A row about
// fewer than 3 cadres shows nothing, and further rows are hidden with it
// until no hidden row can be recovered from the total; within the rows
// shown, every figure under 3 is hidden, complementarily along its row's
// distribution and down its column to the total
// (services/common/privacy/complementary_suppression.h).
namespace kaoping::results {

inline constexpr int64_t kMinCell = 3;

// One child row: the resource it is about and its raw counts.
struct UsageChild {
  std::string name;  // regions/{r} or regions/{r}/units/{u}
  bool unit = false;
  UsageCounts counts;
};

struct PublishedUsage {
  v1::UsageFigures total;
  std::vector<v1::UsageFigures> children;
};

// The published figures of the total (about `total_name`) and the
// children, in the children's order.
PublishedUsage PublishUsage(const std::string& total_name, const UsageCounts& total,
                            const std::vector<UsageChild>& children);

}  // namespace kaoping::results
