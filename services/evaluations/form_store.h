#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/db/database.h"
#include "services/evaluations/names.h"

namespace kaoping::evaluations {

// A form's answers as stored (forms): no rater in here.
struct StoredForm {
  v1::Form form;         // without criterion marks, sealed fields and etag
  std::string grades;    // one byte per criterion of the frozen catalog
  int64_t revision = 1;  // 1 when submitted, 2 once voided
};

// Who submitted a form (form_seals): the sealed link, apart from the answers.
struct FormSeal {
  std::string invitation_id;
  std::string transcriber;
  std::string paper_reference;
};

// One counted form as aggregation reads it.
struct CountedForm {
  std::string subject_id;
  std::string rater_group;
  std::string grades;
  int overall = 0;
  std::string invitation_id;  // the rater, as a key; never shown
};

// Forms and their seals, keyed by (region_code, campaign_id, form_id).
// Every method runs in the caller's transaction.
class FormStore {
 public:
  absl::Status Insert(db::Transaction& tx, const CampaignKey& campaign, const StoredForm& form,
                      const FormSeal& seal) const;
  absl::StatusOr<std::optional<StoredForm>> Find(db::Transaction& tx, const CampaignKey& campaign,
                                                 const std::string& form_id) const;
  absl::StatusOr<FormSeal> Seal(db::Transaction& tx, const CampaignKey& campaign,
                                const std::string& form_id) const;
  // Marks a form still at revision 1 voided (ABORTED otherwise), its seal
  // no longer counted.
  absl::Status Void(db::Transaction& tx, const CampaignKey& campaign,
                    const StoredForm& voided) const;

  struct ListQuery {
    std::string subject_id;
    std::string rater_group;
    std::string invitation_id;
    // A rater's own: forms of any of these invitations; empty: no restriction.
    std::vector<std::string> invitation_ids;
    bool restrict_to_invitations = false;
    std::string state;
    bool straight_lined_only = false;
    std::optional<std::pair<int64_t, std::string>> after;  // submit_micros, form_id
    int limit = 50;
  };
  // Ordered by submit time, then id; each with its seal.
  absl::StatusOr<std::vector<std::pair<StoredForm, FormSeal>>> List(db::Transaction& tx,
                                                                    const CampaignKey& campaign,
                                                                    const ListQuery& query) const;

  // Of these paper references, those already keyed in on a counted form.
  absl::StatusOr<absl::flat_hash_set<std::string>> TakenPaperReferences(
      db::Transaction& tx, const CampaignKey& campaign,
      const std::vector<std::string>& references) const;

  // Every counted form of the campaign, for aggregation.
  absl::StatusOr<std::vector<CountedForm>> Counted(db::Transaction& tx,
                                                   const CampaignKey& campaign) const;
  // Counted and voided forms of a campaign.
  absl::StatusOr<std::pair<int64_t, int64_t>> CountByState(db::Transaction& tx,
                                                           const CampaignKey& campaign) const;
};

}  // namespace kaoping::evaluations
