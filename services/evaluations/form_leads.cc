#include "services/evaluations/form_leads.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

// Who creates FORM leads (Lead.creator): the service itself, no person.
constexpr absl::string_view kServiceCreator = "evaluations";

}  // namespace

absl::StatusOr<FormLeads::Pending> FormLeads::NewLead(const CampaignKey& campaign,
                                                      const std::string& subject_id,
                                                      const FrozenCatalog& catalog,
                                                      const std::string& item_id) {
  const std::string subject_key = absl::StrCat(campaign.Name(), "/", subject_id);
  if (!cadres_.contains(subject_key)) {
    ASSIGN_OR_RETURN(StoredSubject subject, ctx_.subjects.Get(tx_, campaign, subject_id));
    cadres_[subject_key] = subject.subject.cadre();
  }
  const FrozenCatalog::Item* item = catalog.FindItem(item_id);
  Pending pending;
  v1::Lead& lead = pending.now.lead;
  lead.set_name(LeadName(campaign.region_code, RandomId()));
  lead.set_source(v1::FORM);
  lead.set_cadre(cadres_[subject_key]);
  lead.set_campaign(campaign.Name());
  lead.set_subject(SubjectName(campaign, subject_id));
  lead.set_negative_item_id(item_id);
  *lead.mutable_negative_item() = *item->item;
  lead.mutable_negative_item()->set_dimension(item->dimension);
  lead.set_title(item->item->title());
  lead.set_state(v1::Lead::OPEN);
  lead.set_creator(std::string(kServiceCreator));
  *lead.mutable_create_time() = ToProtoTimestamp(now_);
  ASSIGN_OR_RETURN(std::string follows,
                   ctx_.leads.LatestDecidedFormLead(tx_, campaign, subject_id, item_id));
  lead.set_follows(follows);
  return pending;
}

absl::StatusOr<std::string> FormLeads::Tick(const CampaignKey& campaign,
                                            const std::string& subject_id,
                                            const FrozenCatalog& catalog, const TickedItem& tick,
                                            const std::string& form_id) {
  const std::string key = absl::StrCat(campaign.Name(), "/", subject_id, "/", tick.item_id);
  auto it = leads_.find(key);
  if (it == leads_.end()) {
    ASSIGN_OR_RETURN(std::optional<StoredLead> open,
                     ctx_.leads.OpenFormLead(tx_, campaign, subject_id, tick.item_id));
    Pending pending;
    pending.region_code = campaign.region_code;
    if (open.has_value()) {
      pending.before = *open;
      pending.now = *std::move(open);
    } else {
      ASSIGN_OR_RETURN(pending, NewLead(campaign, subject_id, catalog, tick.item_id));
      pending.region_code = campaign.region_code;
    }
    it = leads_.emplace(key, std::move(pending)).first;
  }
  v1::Lead& lead = it->second.now.lead;
  lead.set_tick_count(lead.tick_count() + 1);
  *lead.mutable_update_time() = ToProtoTimestamp(now_);
  RETURN_IF_ERROR(ctx_.leads.AddTick(tx_, campaign.region_code,
                                     LeadTick{LastSegment(lead.name()), form_id, tick.remark},
                                     Micros(now_)));
  return lead.name();
}

absl::Status FormLeads::Untick(const std::string& region_code, const std::string& form_id) {
  ASSIGN_OR_RETURN(std::vector<std::string> lead_ids,
                   ctx_.leads.UncountTicksOfForm(tx_, region_code, form_id));
  for (const std::string& lead_id : lead_ids) {
    ASSIGN_OR_RETURN(StoredLead stored, ctx_.leads.Get(tx_, region_code, lead_id));
    StoredLead updated = stored;
    updated.lead.set_tick_count(std::max(0, stored.lead.tick_count() - 1));
    *updated.lead.mutable_update_time() = ToProtoTimestamp(now_);
    RETURN_IF_ERROR(ctx_.leads.Replace(tx_, region_code, stored, updated));
  }
  return absl::OkStatus();
}

absl::Status FormLeads::Flush() {
  for (auto& [key, pending] : leads_) {
    if (pending.before.revision == 0) {
      RETURN_IF_ERROR(ctx_.leads.Insert(tx_, pending.region_code, pending.now));
    } else {
      RETURN_IF_ERROR(ctx_.leads.Replace(tx_, pending.region_code, pending.before, pending.now));
    }
  }
  leads_.clear();
  return absl::OkStatus();
}

}  // namespace kaoping::evaluations
