#include "services/evaluations/prepared_form.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/api/text_limits.h"
#include "services/common/status_macros.h"

namespace kaoping::evaluations {
namespace {

constexpr int kMaxMarks = 600;
constexpr int kMaxTicks = 1000;
constexpr size_t kMaxRemark = 500;
constexpr size_t kMaxComment = 2000;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsGrade(v1::Grade grade) { return grade >= v1::GOOD && grade <= v1::POOR; }

absl::Status PrepareMarks(const v1::Form& form, PreparedForm& p) {
  const std::string field = absl::StrCat(p.field, ".criterion_marks");
  RETURN_IF_ERROR(CheckCount(field, form.criterion_marks_size(), kMaxMarks));
  p.grades.assign(p.catalog->criteria.size(), '\0');
  for (int i = 0; i < form.criterion_marks_size(); ++i) {
    const v1::CriterionMark& mark = form.criterion_marks(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    auto it = p.catalog->criterion_index.find(mark.criterion_id());
    if (it == p.catalog->criterion_index.end()) {
      return Invalid(absl::StrCat(at, ".criterion_id"),
                     absl::StrCat("not in catalog ", p.catalog->id));
    }
    if (!IsGrade(mark.grade())) {
      return Invalid(absl::StrCat(at, ".grade"), "must be one of GOOD, FAIRLY_GOOD, AVERAGE, POOR");
    }
    if (p.grades[it->second] != '\0') {
      return Invalid(absl::StrCat(at, ".criterion_id"),
                     absl::StrCat(mark.criterion_id(), " is marked twice"));
    }
    p.grades[it->second] = static_cast<char>(mark.grade());
  }
  absl::flat_hash_set<char> distinct;
  int marked = 0;
  for (char g : p.grades) {
    if (g != '\0') {
      distinct.insert(g);
      ++marked;
    }
  }
  p.straight_lined = marked >= 2 && distinct.size() == 1;
  return absl::OkStatus();
}

absl::Status PrepareTicks(const v1::Form& form, PreparedForm& p) {
  const std::string field = absl::StrCat(p.field, ".negative_marks");
  RETURN_IF_ERROR(CheckCount(field, form.negative_marks_size(), kMaxTicks));
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < form.negative_marks_size(); ++i) {
    const v1::NegativeMark& tick = form.negative_marks(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (p.catalog->FindItem(tick.negative_item_id()) == nullptr) {
      return Invalid(absl::StrCat(at, ".negative_item_id"),
                     absl::StrCat("not in catalog ", p.catalog->id));
    }
    if (!seen.insert(tick.negative_item_id()).second) {
      return Invalid(absl::StrCat(at, ".negative_item_id"),
                     absl::StrCat(tick.negative_item_id(), " is ticked twice"));
    }
    RETURN_IF_ERROR(CheckText(absl::StrCat(at, ".remark"), tick.remark(), kMaxRemark));
    p.ticks.push_back({tick.negative_item_id(), tick.remark()});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PrepareAnswers(const v1::Form& form, PreparedForm& p) {
  RETURN_IF_ERROR(PrepareMarks(form, p));
  RETURN_IF_ERROR(PrepareTicks(form, p));
  if (!IsGrade(form.overall_grade())) {
    return Invalid(absl::StrCat(p.field, ".overall_grade"),
                   "required, one of GOOD, FAIRLY_GOOD, AVERAGE, POOR");
  }
  p.overall = form.overall_grade();
  if (!v1::RatingChannel_IsValid(form.channel())) {
    return Invalid(absl::StrCat(p.field, ".channel"), "ON_SITE or ONLINE");
  }
  p.channel = form.channel();
  RETURN_IF_ERROR(CheckText(absl::StrCat(p.field, ".comment"), form.comment(), kMaxComment));
  p.comment = form.comment();
  return absl::OkStatus();
}

void FillCriterionMarks(const FrozenCatalog& catalog, const std::string& grades, v1::Form& form) {
  form.clear_criterion_marks();
  for (size_t i = 0; i < grades.size() && i < catalog.criteria.size(); ++i) {
    if (grades[i] != '\0') {
      v1::CriterionMark* mark = form.add_criterion_marks();
      mark->set_criterion_id(catalog.criteria[i]->id());
      mark->set_grade(static_cast<v1::Grade>(grades[i]));
    }
  }
}

}  // namespace kaoping::evaluations
