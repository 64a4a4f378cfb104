#include "services/common/privacy/form_lead_disclosure.h"

#include "services/common/api/resource_meta.h"
#include "services/common/clock.h"

namespace kaoping::privacy {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

}  // namespace

bool TicksDisclosable(int tick_count) { return tick_count >= kMinTicksShown; }

absl::Time CoarsenToDay(absl::Time time) {
  const absl::TimeZone zone = ChinaStandardTime();
  return absl::FromCivil(absl::ToCivilDay(time, zone), zone);
}

google::protobuf::Timestamp CoarsenToDay(const google::protobuf::Timestamp& time) {
  return ToProtoTimestamp(CoarsenToDay(FromProto(time)));
}

void DiscloseFormLeadToOutsider(v1::Lead& lead) {
  if (lead.source() != v1::FORM) {
    return;
  }
  if (!TicksDisclosable(lead.tick_count())) {
    lead.set_tick_count(0);
    lead.clear_remarks();
    lead.set_ticks_suppressed(true);
  }
  lead.clear_forms();
  const auto coarsen = [](google::protobuf::Timestamp* time) { *time = CoarsenToDay(*time); };
  if (lead.has_create_time()) {
    coarsen(lead.mutable_create_time());
  }
  if (lead.has_update_time()) {
    coarsen(lead.mutable_update_time());
  }
  if (lead.has_verify_time()) {
    coarsen(lead.mutable_verify_time());
  }
  if (lead.has_verification() && lead.verification().has_start_time()) {
    coarsen(lead.mutable_verification()->mutable_start_time());
  }
  if (lead.has_verification() && lead.verification().has_complete_time()) {
    coarsen(lead.mutable_verification()->mutable_complete_time());
  }
}

}  // namespace kaoping::privacy
