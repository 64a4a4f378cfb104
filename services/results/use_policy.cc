#include "services/results/use_policy.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"

namespace kaoping::results {
namespace {

constexpr int kMaxMonths = 120;
constexpr int kMaxDueDays = 365;

absl::Status CheckRange(const std::string& field, int value, int max) {
  if (value < 1 || value > max) {
    return Invalid(field, absl::StrCat("must be 1..", max, ", got ", value));
  }
  return absl::OkStatus();
}

absl::Status CheckGradeHandlings(const std::string& field, const v1::Policy& policy) {
  RETURN_IF_ERROR(CheckCount(field, policy.grade_handlings_size(), 4));
  absl::flat_hash_set<int> grades;
  for (int i = 0; i < policy.grade_handlings_size(); ++i) {
    const v1::GradeHandling& entry = policy.grade_handlings(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    RETURN_IF_ERROR(CheckEnum(at + ".grade", entry.grade(), true));
    RETURN_IF_ERROR(CheckEnum(at + ".handling", entry.handling(), true));
    if (!grades.insert(entry.grade()).second) {
      return Invalid(at + ".grade",
                     absl::StrCat(v1::Grade_Name(entry.grade()), " has a handling already"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

v1::Policy DefaultPolicy(const std::string& region_code) {
  v1::Policy policy;
  policy.set_name(PolicyName(region_code));
  policy.add_eligible_grades(v1::GOOD);
  policy.add_eligible_grades(v1::FAIRLY_GOOD);
  policy.set_window_months(12);
  policy.set_veto_months(12);
  v1::GradeHandling* poor = policy.add_grade_handlings();
  poor->set_grade(v1::POOR);
  poor->set_handling(v1::ADMONISHMENT);
  policy.set_veto_handling(v1::POST_ADJUSTMENT);
  policy.set_handling_due_days(30);
  return policy;
}

absl::Status ValidatePolicy(const std::string& field, const v1::Policy& policy) {
  const std::string grades = field + ".eligible_grades";
  if (policy.eligible_grades_size() == 0) {
    return Invalid(grades,
                   "at least one grade (a policy under which nobody is eligible"
                   " is not a policy)");
  }
  RETURN_IF_ERROR(CheckCount(grades, policy.eligible_grades_size(), 4));
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < policy.eligible_grades_size(); ++i) {
    const std::string at = absl::StrCat(grades, "[", i, "]");
    RETURN_IF_ERROR(CheckEnum(at, static_cast<v1::Grade>(policy.eligible_grades(i)), true));
    if (!seen.insert(policy.eligible_grades(i)).second) {
      return Invalid(at, "listed twice");
    }
  }
  RETURN_IF_ERROR(CheckRange(field + ".window_months", policy.window_months(), kMaxMonths));
  RETURN_IF_ERROR(CheckRange(field + ".veto_months", policy.veto_months(), kMaxMonths));
  RETURN_IF_ERROR(CheckGradeHandlings(field + ".grade_handlings", policy));
  RETURN_IF_ERROR(CheckEnum(field + ".veto_handling", policy.veto_handling(), true));
  return CheckRange(field + ".handling_due_days", policy.handling_due_days(), kMaxDueDays);
}

const std::vector<std::string>& PolicyPaths() {
  static const auto* paths =
      new std::vector<std::string>{"eligible_grades", "window_months", "veto_months",
                                   "grade_handlings", "veto_handling", "handling_due_days"};
  return *paths;
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay first(month);
  const int last = static_cast<int>((absl::CivilDay(month + 1) - 1).day());
  return first + (std::min(day.day(), last) - 1);
}

bool EligibleGrade(const v1::Policy& policy, v1::Grade grade) {
  for (int eligible : policy.eligible_grades()) {
    if (eligible == grade) {
      return true;
    }
  }
  return false;
}

std::optional<v1::HandlingKind> HandlingForGrade(const v1::Policy& policy, v1::Grade grade) {
  for (const v1::GradeHandling& entry : policy.grade_handlings()) {
    if (entry.grade() == grade) {
      return entry.handling();
    }
  }
  return std::nullopt;
}

}  // namespace kaoping::results
