// Renders a SubjectResult as lines a person on the assessment team can read.
// The structured result is the contract; this text is derived from it only.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/evaluations/scoring/engine.h"

namespace kaoping::scoring {
namespace {

std::string Points(double value) { return absl::StrFormat("%.2f", value); }
std::string Signed(double value) { return absl::StrFormat("%+.2f", value); }

std::string StatusText(FormStatus status) {
  switch (status) {
    case FormStatus::kCounted:
      return "counted";
    case FormStatus::kTrimmedLow:
      return "trimmed (lowest)";
    case FormStatus::kTrimmedHigh:
      return "trimmed (highest)";
    case FormStatus::kNoMarks:
      return "no mark that counts (every weighted criterion skipped)";
  }
  return "unknown";
}

std::string TieBreakText(TieBreak tie) {
  switch (tie) {
    case TieBreak::kNone:
      return "";
    case TieBreak::kCalibrated:
      return "the calibrated composite before deductions";
    case TieBreak::kRaw:
      return "the raw composite";
    case TieBreak::kSubjectId:
      return "the subject id (smaller first)";
  }
  return "";
}

}  // namespace

std::string ExplainSubject(const CampaignResult& result, const SubjectResult& subject,
                           const ScoringConfig& config) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("subject ", subject.subject_id, " (unit ", subject.unit_id,
                               "): ", subject.forms_submitted, " forms submitted, ",
                               subject.forms_with_marks, " with marks that count"));
  if (subject.suppressed) {
    lines.push_back(
        absl::StrCat("fewer than ", config.min_group_forms,
                     " forms in all: figures for the assessment team only, never shown on a "
                     "dashboard"));
  }
  if (subject.scored) {
    lines.push_back(absl::StrCat("raw composite ", Points(subject.raw_composite), ", calibrated ",
                                 Points(subject.calibrated_composite), " (",
                                 Signed(subject.calibrated_composite - subject.raw_composite),
                                 " from calibration), deductions ", Points(subject.deductions),
                                 ", final ", Points(subject.final_score)));
    if (config.calibrate) {
      lines.push_back(absl::StrFormat(
          "fitted quality %.2f +- %.2f latent points (the ranking's scale: open at the top, "
          "reported on grade points as %.2f)",
          subject.fitted_quality, subject.fitted_quality_se, subject.calibrated_composite));
    }
    std::vector<std::string> dims;
    for (const DimensionOutcome& dim : subject.dimensions) {
      if (dim.weight > 0) {
        dims.push_back(absl::StrFormat("%s %.2f/%.2f (weight %.2f)", DimensionName(dim.dimension),
                                       dim.raw, dim.calibrated, dim.weight));
      }
    }
    lines.push_back(absl::StrCat("dimensions raw/calibrated: ", absl::StrJoin(dims, "; ")));
  }
  for (const GroupOutcome& group : subject.groups) {
    std::string line = absl::StrFormat("group %s: %d forms, weight %.3f, raw %.2f, calibrated %.2f",
                                       RaterGroupName(group.group), group.forms, group.weight,
                                       group.raw, group.calibrated);
    if (!group.merged.empty()) {
      std::vector<std::string> names;
      for (RaterGroup merged : group.merged) {
        names.push_back(RaterGroupName(merged));
      }
      absl::StrAppend(&line, "; includes ", absl::StrJoin(names, ", "), " (fewer than ",
                      config.min_group_forms, " forms, merged, never shown alone)");
    }
    if (group.trimmed_raw > 0 || group.trimmed_calibrated > 0) {
      absl::StrAppend(&line, "; trimmed ", group.trimmed_raw, " raw / ", group.trimmed_calibrated,
                      absl::StrFormat(" calibrated (top and bottom %g%% in groups of %d or more)",
                                      config.trim_fraction * 100, config.trim_min_forms));
    }
    if (group.pooled > 0) {
      absl::StrAppend(&line,
                      absl::StrFormat("; view %.2f after pooling %.0f%% toward the consensus %.2f",
                                      group.view, 100 * group.pooled, subject.consensus));
    }
    lines.push_back(std::move(line));
  }
  for (const FormOutcome& form : subject.forms) {
    const RaterResult& rater = result.raters[static_cast<std::size_t>(form.rater)];
    std::string line = absl::StrCat("form by ", rater.rater_id, " (", RaterGroupName(form.group));
    if (form.scored_in != form.group && form.raw_status != FormStatus::kNoMarks) {
      absl::StrAppend(&line, ", scored in ", RaterGroupName(form.scored_in));
    }
    absl::StrAppend(&line, "): ");
    if (form.raw_status == FormStatus::kNoMarks) {
      absl::StrAppend(&line, StatusText(form.raw_status));
    } else {
      absl::StrAppend(&line, "raw ", Points(form.raw_score), " ", StatusText(form.raw_status),
                      "; calibrated ", Points(form.calibrated_score), " ",
                      StatusText(form.calibrated_status), " (", Signed(-form.adjustment),
                      " latent points: removes rater severity ", Signed(rater.severity), " from ",
                      rater.forms, rater.forms == 1 ? " form" : " forms");
      const double group_effect =
          result.summary.group_effects[static_cast<std::size_t>(form.group)];
      if (group_effect != 0) {
        absl::StrAppend(&line, " and group level ", Signed(group_effect));
      }
      if (rater.slope != 1) {
        absl::StrAppend(&line, absl::StrFormat(", stretched by 1 / slope %.2f", rater.slope));
      } else {
        // What is left keeps the campaign's mean where the raters put it.
        absl::StrAppend(&line, ", ", Signed(form.adjustment - rater.severity - group_effect),
                        " campaign-wide");
      }
      absl::StrAppend(&line, ")", absl::StrFormat(", weight %.2f", form.weight));
      if (rater.straight_lining) {
        absl::StrAppend(&line, "; rater straight-lines (every mark identical), down-weighted");
      }
    }
    lines.push_back(std::move(line));
  }
  for (const LeadOutcome& lead : subject.leads) {
    switch (lead.severity) {
      case Severity::kNote:
        lines.push_back(
            absl::StrCat("lead ", lead.lead_id, " NOTE: recorded, no effect on the score"));
        break;
      case Severity::kDeduct:
        lines.push_back(
            absl::StrCat("lead ", lead.lead_id, " DEDUCT: -", Points(lead.points), " points"));
        break;
      case Severity::kVeto:
        lines.push_back(absl::StrCat("lead ", lead.lead_id, " VETO: overrides every score"));
        break;
    }
  }
  if (subject.agreement.has_value()) {
    lines.push_back(
        absl::StrFormat("agreement r_wg %.2f (1 = consensus, 0 = no more than chance); %d "
                        "forms with every mark identical",
                        *subject.agreement, subject.uniform_forms));
  }
  std::string grade = absl::StrCat("proposed grade ", GradeName(subject.proposed_grade), ": ");
  switch (subject.grade_reason) {
    case GradeReason::kNoScore:
      absl::StrAppend(&grade, "no form with marks from a rater group with weight, so no score");
      break;
    case GradeReason::kVeto:
      absl::StrAppend(&grade, "a verified VETO lead overrides the score");
      if (subject.scored) {
        absl::StrAppend(&grade, " (by score it would be ", GradeName(subject.threshold_grade), ")");
      }
      break;
    case GradeReason::kThreshold: {
      absl::StrAppend(&grade, "final ", Points(subject.final_score),
                      " against thresholds GOOD >= ", Points(config.grade_thresholds[0]),
                      ", FAIRLY_GOOD >= ", Points(config.grade_thresholds[1]),
                      ", AVERAGE >= ", Points(config.grade_thresholds[2]), "; rank ", subject.rank,
                      " of ", result.summary.scored_subjects);
      if (subject.proposed_grade == Grade::kGood) {
        absl::StrAppend(&grade, ", within the top-grade quota of ", result.summary.top_grade_quota);
      }
      break;
    }
    case GradeReason::kQuotaDemoted:
      absl::StrAppend(&grade, "GOOD by threshold (final ", Points(subject.final_score),
                      " >= ", Points(config.grade_thresholds[0]), ") but rank ", subject.rank,
                      " is beyond the quota of ", result.summary.top_grade_quota, " GOOD grades (",
                      absl::StrFormat("%g%% of %d", config.top_grade_quota * 100,
                                      result.summary.scored_subjects),
                      " scored subjects, rounded down)");
      break;
  }
  if (subject.quota_line_uncertain) {
    absl::StrAppend(&grade,
                    absl::StrFormat("; within error of a subject on the other side of the quota "
                                    "line (final scores less than %g standard errors apart): the "
                                    "data do not order them, a person should",
                                    config.quota_line_z));
  }
  if (subject.quota_tie_break != TieBreak::kNone) {
    absl::StrAppend(&grade,
                    "; its final score ties the subject across the quota boundary, decided by ",
                    TieBreakText(subject.quota_tie_break));
  }
  lines.push_back(std::move(grade));
  return absl::StrJoin(lines, "\n");
}

}  // namespace kaoping::scoring
