#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "kaoping/v1/results.pb.h"
#include "services/results/archive_store.h"

// Promotion eligibility under a region's policy (DESIGN.md §7), as a plain
// function of what is known about one cadre: no store, no clock.
namespace kaoping::results {

// What eligibility (and an archive's header) reads of one cadre.
struct CadreFacts {
  std::string region_code;
  std::string cadre_id;
  // The cadres row's facts_version these facts were read at.
  int64_t version = 0;
  v1::Cadre::Status status = v1::Cadre::STATUS_UNSPECIFIED;
  std::string display_name;
  // Entries that carry a concluded grade (APPRAISAL, and CORRECTIONs of
  // them) and that no CORRECTION superseded, oldest conclusion first.
  std::vector<GradeFact> grades;
  // Every veto of the cadre, oldest start first.
  std::vector<v1::Veto> vetoes;
};

// Keeps of `entries` those that count for eligibility, in conclusion order.
std::vector<GradeFact> CurrentGrades(const std::vector<GradeFact>& entries);

// The newest current grade concluded on or before `day`.
std::optional<GradeFact> LatestGrade(const CadreFacts& facts, absl::CivilDay day);

// Whether the veto blocks promotion on `day`: start_date ≤ day < end_date.
bool VetoInForce(const v1::Veto& veto, absl::CivilDay day);
// A veto with its state computed for `today`.
v1::Veto WithState(v1::Veto veto, absl::CivilDay today);

// Every check of the rule, passed or failed, with the entries and vetoes
// it rests on: the cadre must be ACTIVE, the latest grade concluded within
// window_months before as_of must be eligible, and no veto may be in force
// on as_of. Vetoes carry their state for `today`.
v1::Eligibility Evaluate(const CadreFacts& facts, const v1::Policy& policy, absl::CivilDay as_of,
                         absl::CivilDay today);

}  // namespace kaoping::results
