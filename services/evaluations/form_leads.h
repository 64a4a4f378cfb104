#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/db/database.h"
#include "services/evaluations/context.h"
#include "services/evaluations/prepared_form.h"

namespace kaoping::evaluations {

// The FORM leads the ticks of forms join or open, within one transaction:
// one undecided lead per (subject, item), its tick count and remarks kept
// current; a tick on an item whose lead was decided opens a new lead that
// follows it (a decided verification is never reopened by later ticks).
// No LeadCreated here: FORM leads are announced when the campaign closes.
class FormLeads {
 public:
  FormLeads(const Context& context, db::Transaction& tx, absl::Time now)
      : ctx_(context), tx_(tx), now_(now) {}

  // Records one tick of `form_id` and returns the lead's name.
  absl::StatusOr<std::string> Tick(const CampaignKey& campaign, const std::string& subject_id,
                                   const FrozenCatalog& catalog, const TickedItem& tick,
                                   const std::string& form_id);
  // Takes a voided form's ticks off the leads still undecided (OPEN,
  // VERIFYING), written at once; decided leads keep what they were decided on.
  absl::Status Untick(const std::string& region_code, const std::string& form_id);
  // Writes the leads the ticks opened or joined.
  absl::Status Flush();

 private:
  struct Pending {
    std::string region_code;
    StoredLead before;  // revision 0: a new lead
    StoredLead now;
  };
  absl::StatusOr<Pending> NewLead(const CampaignKey& campaign, const std::string& subject_id,
                                  const FrozenCatalog& catalog, const std::string& item_id);

  const Context& ctx_;
  db::Transaction& tx_;
  absl::Time now_;
  // By region/campaign/subject/item, in a fixed order for the writes.
  std::map<std::string, Pending> leads_;
  // Cadres of subjects, read once.
  std::map<std::string, std::string> cadres_;
};

}  // namespace kaoping::evaluations
