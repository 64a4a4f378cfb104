#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/db/database.h"

namespace kaoping::appraisals {

// The WHERE conditions of a List query, every value bound as a parameter
// numbered after those already bound (never spliced into the text).
class SqlConditions {
 public:
  explicit SqlConditions(db::Params params) : params_(std::move(params)) {}

  // Binds a value; returns its placeholder ("$4").
  std::string Bind(db::Value value) {
    params_.push_back(std::move(value));
    return absl::StrCat("$", params_.size());
  }
  // "column = $n" when value is set; nothing when it is empty (no filter).
  void Equal(absl::string_view column, const std::string& value) {
    if (!value.empty()) {
      clauses_.push_back(absl::StrCat(column, " = ", Bind(value)));
    }
  }
  void Add(std::string clause) { clauses_.push_back(std::move(clause)); }

  // " AND c1 AND c2", to follow a first condition.
  std::string AndClauses() const {
    return clauses_.empty() ? "" : absl::StrCat(" AND ", absl::StrJoin(clauses_, " AND "));
  }
  const db::Params& params() const { return params_; }

 private:
  db::Params params_;
  std::vector<std::string> clauses_;
};

}  // namespace kaoping::appraisals
