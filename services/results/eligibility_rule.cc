#include "services/results/eligibility_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/results/results_names.h"
#include "services/results/use_policy.h"

namespace kaoping::results {
namespace {

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::EligibilityReason Reason(v1::EligibilityReason::Code code, std::string message,
                             std::string resource = "") {
  v1::EligibilityReason reason;
  reason.set_code(code);
  reason.set_message(std::move(message));
  reason.set_resource(std::move(resource));
  return reason;
}

// The grade check: the latest grade within the window is eligible.
bool CheckGrade(const CadreFacts& facts, const v1::Policy& policy, absl::CivilDay as_of,
                v1::Eligibility& out) {
  const std::optional<GradeFact> latest = LatestGrade(facts, as_of);
  const absl::CivilDay window_start = AddMonths(as_of, -policy.window_months());
  if (latest.has_value()) {
    out.set_latest_grade(latest->grade);
    *out.mutable_latest_conclude_date() = CivilDayToDate(*latest->conclude_day);
    out.set_latest_archive_entry(EntryName(facts.region_code, facts.cadre_id, latest->seq));
  }
  if (!latest.has_value() || *latest->conclude_day < window_start) {
    *out.add_reasons() =
        Reason(v1::EligibilityReason::NO_RECENT_RESULT,
               latest.has_value()
                   ? absl::StrCat("latest grade ", v1::Grade_Name(latest->grade), " concluded ",
                                  FormatDay(*latest->conclude_day), ", more than ",
                                  policy.window_months(), " months before ", FormatDay(as_of))
                   : absl::StrCat("no appraisal concluded on or before ", FormatDay(as_of)),
               out.latest_archive_entry());
    return false;
  }
  const bool eligible = EligibleGrade(policy, latest->grade);
  *out.add_reasons() = Reason(
      eligible ? v1::EligibilityReason::GRADE_ELIGIBLE : v1::EligibilityReason::GRADE_NOT_ELIGIBLE,
      absl::StrCat("latest grade ", v1::Grade_Name(latest->grade), " concluded ",
                   FormatDay(*latest->conclude_day), ", within ", policy.window_months(),
                   " months; ", eligible ? "" : "not ", "among the eligible grades"),
      out.latest_archive_entry());
  return eligible;
}

// The veto check: none in force on as_of.
bool CheckVetoes(const CadreFacts& facts, absl::CivilDay as_of, absl::CivilDay today,
                 v1::Eligibility& out) {
  for (const v1::Veto& veto : facts.vetoes) {
    if (VetoInForce(veto, as_of)) {
      *out.add_reasons() =
          Reason(v1::EligibilityReason::VETO_IN_FORCE,
                 absl::StrCat("veto in force from ", FormatDay(DayOf(veto.start_date())), " until ",
                              FormatDay(DayOf(veto.end_date()))),
                 veto.name());
      *out.add_vetoes_in_force() = WithState(veto, today);
    }
  }
  if (out.vetoes_in_force_size() > 0) {
    return false;
  }
  *out.add_reasons() = Reason(v1::EligibilityReason::NO_VETO_IN_FORCE,
                              absl::StrCat("no veto in force on ", FormatDay(as_of)));
  return true;
}

}  // namespace

std::vector<GradeFact> CurrentGrades(const std::vector<GradeFact>& entries) {
  std::vector<GradeFact> grades;
  for (const GradeFact& entry : entries) {
    if (!entry.superseded && entry.grade != v1::GRADE_UNSPECIFIED &&
        entry.conclude_day.has_value() && entry.kind != v1::ArchiveEntry::VERIFIED_LEAD) {
      grades.push_back(entry);
    }
  }
  std::stable_sort(grades.begin(), grades.end(), [](const GradeFact& a, const GradeFact& b) {
    return std::tie(*a.conclude_day, a.seq) < std::tie(*b.conclude_day, b.seq);
  });
  return grades;
}

std::optional<GradeFact> LatestGrade(const CadreFacts& facts, absl::CivilDay day) {
  for (auto it = facts.grades.rbegin(); it != facts.grades.rend(); ++it) {
    if (*it->conclude_day <= day) {
      return *it;
    }
  }
  return std::nullopt;
}

bool VetoInForce(const v1::Veto& veto, absl::CivilDay day) {
  return DayOf(veto.start_date()) <= day && day < DayOf(veto.end_date());
}

v1::Veto WithState(v1::Veto veto, absl::CivilDay today) {
  veto.set_state(today < DayOf(veto.end_date()) ? v1::Veto::IN_FORCE : v1::Veto::EXPIRED);
  return veto;
}

v1::Eligibility Evaluate(const CadreFacts& facts, const v1::Policy& policy, absl::CivilDay as_of,
                         absl::CivilDay today) {
  v1::Eligibility out;
  out.set_name(EligibilityName(facts.region_code, facts.cadre_id));
  out.set_cadre(CadreName(facts.region_code, facts.cadre_id));
  *out.mutable_as_of() = CivilDayToDate(as_of);
  out.set_cadre_status(facts.status);
  out.set_policy_revision(policy.revision());
  bool eligible = true;
  if (facts.status != v1::Cadre::ACTIVE) {
    *out.add_reasons() =
        Reason(v1::EligibilityReason::CADRE_NOT_ACTIVE,
               absl::StrCat("the cadre is ", v1::Cadre::Status_Name(facts.status), ", not ACTIVE"),
               out.cadre());
    eligible = false;
  }
  eligible = CheckGrade(facts, policy, as_of, out) && eligible;
  eligible = CheckVetoes(facts, as_of, today, out) && eligible;
  out.set_eligible(eligible);
  return out;
}

}  // namespace kaoping::results
