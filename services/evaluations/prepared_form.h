#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/evaluations/frozen_catalog.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A ticked negative item of a form, with what its lead needs.
struct TickedItem {
  std::string item_id;
  std::string remark;
};

// A form checked against its subject's frozen catalog, ready to be written:
// what the store keeps, and who the form comes from (resolved when written).
struct PreparedForm {
  CampaignKey campaign;
  std::string field;  // how errors name the form: "form", "forms[3]"
  std::string subject_id;
  std::shared_ptr<const FrozenCatalog> catalog;
  // The invitation a team member names; empty for a rater's own.
  std::string invitation_id;
  // A rater's `sub`, whose invitation is looked up when the form is written.
  std::string rater_principal;
  std::string transcriber;
  std::string paper_reference;
  v1::RaterGroup rater_group = v1::RATER_GROUP_UNSPECIFIED;  // from the assignment
  v1::RatingChannel channel = v1::RATING_CHANNEL_UNSPECIFIED;
  std::string grades;  // one byte per catalog criterion; 0 = cannot judge
  v1::Grade overall = v1::GRADE_UNSPECIFIED;
  bool straight_lined = false;
  std::vector<TickedItem> ticks;
  std::string comment;
};

// Checks a submitted form's answers against the catalog (INVALID_ARGUMENT
// naming the field under `field`: "form.criterion_marks[3].criterion_id: not
// in catalog principal-education") and fills them into `prepared`.
absl::Status PrepareAnswers(const v1::Form& form, PreparedForm& prepared);

// The criterion marks a stored grades string stands for, in catalog order.
void FillCriterionMarks(const FrozenCatalog& catalog, const std::string& grades, v1::Form& form);

}  // namespace kaoping::evaluations
