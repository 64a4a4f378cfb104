#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kaoping/v1/evaluations.pb.h"

// The life of a public notice (考察预告) where campaigns and notices meet:
// opening a campaign publishes its DRAFT notice, closing it withdraws a
// PUBLISHED one.
namespace kaoping::evaluations {

// FAILED_PRECONDITION naming the first required section that is empty
// ("public notice regions/…: how_to_report is empty").
absl::Status CheckPublishable(const v1::PublicNotice& notice);

// DRAFT → PUBLISHED, now.
void MarkPublished(v1::PublicNotice& notice, absl::Time now);
// PUBLISHED → WITHDRAWN, now, with the reason (shown to staff only).
void MarkWithdrawn(v1::PublicNotice& notice, absl::Time now, absl::string_view reason);

// What the public reads of the campaign on the notice: its window and kind,
// copied whenever the notice is read.
void ShowCampaign(const v1::Campaign& campaign, v1::PublicNotice& notice);

}  // namespace kaoping::evaluations
