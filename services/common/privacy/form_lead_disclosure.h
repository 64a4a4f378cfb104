#pragma once

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "kaoping/v1/evaluations.pb.h"

// What a FORM lead (a negative item ticked on evaluation forms) shows to a
// caller who may not read the forms themselves — everyone but
// ASSESSMENT_TEAM and AUDITOR of the county (evaluations.proto, Lead). A
// tick must not be tied to a named rater: not through a small count, not
// through a remark, not through a timestamp that matches when a rater's
// invitation was answered.
namespace kaoping::privacy {

// Below this many ticks, tick_count and remarks are hidden.
inline constexpr int kMinTicksShown = 3;

// Whether a lead with this many ticks may show its count and remarks.
bool TicksDisclosable(int tick_count);

// The start of the instant's day in China Standard Time: what an outsider
// sees of a FORM lead's create, update and verify times.
absl::Time CoarsenToDay(absl::Time time);
google::protobuf::Timestamp CoarsenToDay(const google::protobuf::Timestamp& time);

// Rewrites a lead as an outsider may see it. Only FORM leads are touched:
// below kMinTicksShown ticks, tick_count and remarks are cleared and
// ticks_suppressed set; times are coarsened to the day; the sealed forms
// list is cleared. (Whether the caller may see the lead at all — not while
// its campaign is OPEN — and the redaction of reporter and verifiers are
// the caller's role checks.)
void DiscloseFormLeadToOutsider(v1::Lead& lead);

}  // namespace kaoping::privacy
