#include "services/evaluations/notice_rules.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/resource_meta.h"

namespace kaoping::evaluations {

absl::Status CheckPublishable(const v1::PublicNotice& notice) {
  auto empty = [&](absl::string_view section) {
    return absl::FailedPreconditionError(
        absl::StrCat("public notice ", notice.name(), ": ", section,
                     " is empty; a notice is published only with every required section"));
  };
  if (notice.display_name().empty()) return empty("display_name");
  if (notice.subjects_size() == 0) return empty("subjects");
  if (notice.assessment_content().empty()) return empty("assessment_content");
  if (notice.how_to_report().empty()) return empty("how_to_report");
  if (!notice.has_report_start_time()) return empty("report_start_time");
  if (!notice.has_report_end_time()) return empty("report_end_time");
  return absl::OkStatus();
}

void MarkPublished(v1::PublicNotice& notice, absl::Time now) {
  notice.set_state(v1::PublicNotice::PUBLISHED);
  *notice.mutable_publish_time() = ToProtoTimestamp(now);
  *notice.mutable_update_time() = notice.publish_time();
}

void MarkWithdrawn(v1::PublicNotice& notice, absl::Time now, absl::string_view reason) {
  notice.set_state(v1::PublicNotice::WITHDRAWN);
  *notice.mutable_withdraw_time() = ToProtoTimestamp(now);
  *notice.mutable_update_time() = notice.withdraw_time();
  notice.set_withdraw_reason(std::string(reason));
}

void ShowCampaign(const v1::Campaign& campaign, v1::PublicNotice& notice) {
  *notice.mutable_assessment_start_time() = campaign.window_start_time();
  *notice.mutable_assessment_end_time() = campaign.window_end_time();
  notice.set_campaign_kind(campaign.kind());
}

}  // namespace kaoping::evaluations
