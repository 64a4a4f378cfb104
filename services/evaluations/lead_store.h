#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A lead as stored: the message (tick_count and etag filled in on read;
// remarks, forms and reporter apart), its revision, and its sealed reporter.
struct StoredLead {
  v1::Lead lead;
  int64_t revision = 0;
  std::optional<v1::Reporter> reporter;
};

// One tick of a FORM lead: the form (sealed) and its remark.
struct LeadTick {
  std::string lead_id;
  std::string form_id;
  std::string remark;
};

// Leads, their ticks and the receipt counters of public reports, keyed by
// (region_code, lead_id). Every method runs in the caller's transaction.
class LeadStore {
 public:
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const StoredLead& lead) const;
  absl::StatusOr<std::optional<StoredLead>> Find(db::Transaction& tx,
                                                 const std::string& region_code,
                                                 const std::string& lead_id) const;
  // NOT_FOUND naming the lead.
  absl::StatusOr<StoredLead> Get(db::Transaction& tx, const std::string& region_code,
                                 const std::string& lead_id) const;
  // Replaces a lead still at `stored.revision` (ABORTED otherwise).
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const StoredLead& stored, const StoredLead& updated) const;
  // The lead a system pushed under its external id.
  absl::StatusOr<std::optional<StoredLead>> FindExternal(db::Transaction& tx,
                                                         const std::string& region_code,
                                                         const std::string& source_system,
                                                         const std::string& external_id) const;

  struct ListQuery {
    std::string region_code;
    std::string cadre_id;
    std::string campaign_id;
    std::string state;
    std::string source;
    std::string severity;
    int64_t updated_after_micros = -1;
    bool by_priority = false;
    // Everyone but the team and auditors: coarsened keys, no FORM lead of
    // a campaign still open.
    bool outsider = false;
    // SYSTEM `leads:read`: confirmed leads and its own pushes.
    std::string system = "";
    std::optional<std::pair<std::string, std::string>> after;  // sort key, lead_id
    int limit = 50;
  };
  absl::StatusOr<std::vector<StoredLead>> List(db::Transaction& tx, const ListQuery& query) const;
  // The key a List orders by, for the page token.
  static std::string SortKey(const StoredLead& lead, const ListQuery& query);

  // FORM leads.
  // The undecided FORM lead of (subject, item) in a campaign, if any.
  absl::StatusOr<std::optional<StoredLead>> OpenFormLead(db::Transaction& tx,
                                                         const CampaignKey& campaign,
                                                         const std::string& subject_id,
                                                         const std::string& item_id) const;
  // The latest decided FORM lead of (subject, item): what a new one follows.
  absl::StatusOr<std::string> LatestDecidedFormLead(db::Transaction& tx,
                                                    const CampaignKey& campaign,
                                                    const std::string& subject_id,
                                                    const std::string& item_id) const;
  absl::Status AddTick(db::Transaction& tx, const std::string& region_code, const LeadTick& tick,
                       int64_t now_micros) const;
  // Counted ticks of leads (remarks in tick order), by lead.
  absl::StatusOr<std::vector<LeadTick>> Ticks(db::Transaction& tx, const std::string& region_code,
                                              const std::vector<std::string>& lead_ids) const;
  // Stops counting a voided form's ticks; returns the leads they were on.
  absl::StatusOr<std::vector<std::string>> UncountTicksOfForm(db::Transaction& tx,
                                                              const std::string& region_code,
                                                              const std::string& form_id) const;
  // Every lead attached to the campaign.
  absl::StatusOr<std::vector<StoredLead>> OfCampaign(db::Transaction& tx,
                                                     const CampaignKey& campaign) const;

  // The next receipt number of a region and year (1, 2, …).
  absl::StatusOr<int64_t> NextReceipt(db::Transaction& tx, const std::string& region_code,
                                      int64_t year) const;
};

// The verification order: VETO, DEDUCT, NOTE, unclassified; more ticks;
// older; as one sortable text.
std::string LeadPriority(v1::Severity severity, int64_t ticks, int64_t create_micros);

}  // namespace kaoping::evaluations
