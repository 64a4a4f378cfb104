#include "services/evaluations/lead_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/api/resource_meta.h"
#include "services/common/privacy/form_lead_disclosure.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kColumns =
    "content, revision, reporter, tick_count, priority, shown_priority, update_micros,"
    " shown_update_micros, lead_id";

v1::Lead ContentOf(const v1::Lead& lead) {
  v1::Lead content = lead;
  content.clear_reporter();
  content.clear_tick_count();
  content.clear_remarks();
  content.clear_forms();
  content.clear_ticks_suppressed();
  content.clear_etag();
  return content;
}

absl::StatusOr<StoredLead> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::Lead lead, Decode<v1::Lead>(row[0], "lead"));
  StoredLead stored{std::move(lead), row[1].AsInt(), std::nullopt};
  if (!row[2].is_null()) {
    ASSIGN_OR_RETURN(v1::Reporter reporter, Decode<v1::Reporter>(row[2], "reporter"));
    stored.reporter = std::move(reporter);
  }
  stored.lead.set_tick_count(static_cast<int32_t>(row[3].AsInt()));
  stored.lead.set_etag(ComputeEtag(stored.lead.name(), stored.revision, stored.lead.create_time()));
  return stored;
}

int SeverityRank(v1::Severity severity) {
  switch (severity) {
    case v1::VETO:
      return 0;
    case v1::DEDUCT:
      return 1;
    case v1::NOTE:
      return 2;
    default:
      return 3;
  }
}

bool IsFormLead(const v1::Lead& lead) { return lead.source() == v1::FORM; }

// The columns derived from the message, in the order Insert and Replace bind them ($3…).
db::Params DerivedColumns(const v1::Lead& lead) {
  const int64_t created = Micros(lead.create_time());
  const int64_t updated = Micros(lead.update_time());
  const bool form = IsFormLead(lead);
  const int64_t shown_ticks =
      form && !privacy::TicksDisclosable(lead.tick_count()) ? 0 : lead.tick_count();
  const int64_t shown_created = form ? Micros(privacy::CoarsenToDay(lead.create_time())) : created;
  const int64_t shown_updated = form ? Micros(privacy::CoarsenToDay(lead.update_time())) : updated;
  const v1::Severity severity = lead.has_verification() && lead.verification().has_negative_item()
                                    ? lead.verification().negative_item().severity()
                                    : lead.negative_item().severity();
  return {v1::LeadSource_Name(lead.source()),
          v1::Lead::State_Name(lead.state()),
          LastSegment(lead.cadre()),
          lead.campaign().empty() ? "" : LastSegment(lead.campaign()),
          lead.subject().empty() ? "" : LastSegment(lead.subject()),
          lead.negative_item_id(),
          v1::Severity_Name(severity),
          lead.source_system(),
          lead.external_id(),
          static_cast<int64_t>(lead.tick_count()),
          LeadPriority(severity, lead.tick_count(), created),
          LeadPriority(severity, shown_ticks, shown_created),
          created,
          updated,
          shown_updated};
}

db::Value ReporterColumn(const StoredLead& stored) {
  return stored.reporter.has_value() ? db::Value(Encode(*stored.reporter)) : db::Value();
}

}  // namespace

std::string LeadPriority(v1::Severity severity, int64_t ticks, int64_t create_micros) {
  return absl::StrFormat("%d%010d%016d", SeverityRank(severity),
                         9999999999LL - std::min<int64_t>(ticks, 9999999999LL),
                         std::max<int64_t>(create_micros, 0));
}

absl::Status LeadStore::Insert(db::Transaction& tx, const std::string& region_code,
                               const StoredLead& stored) const {
  db::Params params = {region_code, LastSegment(stored.lead.name())};
  for (db::Value& v : DerivedColumns(stored.lead)) {
    params.push_back(std::move(v));
  }
  params.push_back(Encode(ContentOf(stored.lead)));
  params.push_back(ReporterColumn(stored));
  return tx
      .Execute(
          "INSERT INTO leads (region_code, lead_id, source, state, cadre_id, campaign_id,"
          " subject_id, negative_item_id, severity, source_system, external_id, tick_count,"
          " priority, shown_priority, create_micros, update_micros, shown_update_micros,"
          " revision, content, reporter) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
          " $11, $12, $13, $14, $15, $16, $17, 1, $18, $19)",
          params)
      .status();
}

absl::StatusOr<std::optional<StoredLead>> LeadStore::Find(db::Transaction& tx,
                                                          const std::string& region_code,
                                                          const std::string& lead_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                        " FROM leads WHERE region_code = $1"
                                                        " AND lead_id = $2"),
                                           {region_code, lead_id}));
  if (rows.empty()) {
    return std::optional<StoredLead>();
  }
  ASSIGN_OR_RETURN(StoredLead stored, FromRow(rows[0]));
  return std::optional<StoredLead>(std::move(stored));
}

absl::StatusOr<StoredLead> LeadStore::Get(db::Transaction& tx, const std::string& region_code,
                                          const std::string& lead_id) const {
  ASSIGN_OR_RETURN(std::optional<StoredLead> found, Find(tx, region_code, lead_id));
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat(LeadName(region_code, lead_id), " not found"));
  }
  return *std::move(found);
}

absl::Status LeadStore::Replace(db::Transaction& tx, const std::string& region_code,
                                const StoredLead& stored, const StoredLead& updated) const {
  db::Params params = {region_code, LastSegment(updated.lead.name())};
  for (db::Value& v : DerivedColumns(updated.lead)) {
    params.push_back(std::move(v));
  }
  params.push_back(Encode(ContentOf(updated.lead)));
  params.push_back(ReporterColumn(updated));
  params.push_back(stored.revision);
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE leads SET source = $3, state = $4, cadre_id = $5, campaign_id = $6,"
                 " subject_id = $7, negative_item_id = $8, severity = $9, source_system = $10,"
                 " external_id = $11, tick_count = $12, priority = $13, shown_priority = $14,"
                 " create_micros = $15, update_micros = $16, shown_update_micros = $17,"
                 " revision = revision + 1, content = $18, reporter = $19"
                 " WHERE region_code = $1 AND lead_id = $2 AND revision = $20",
                 params));
  return ChangedConcurrently(changed, updated.lead.name());
}

absl::StatusOr<std::optional<StoredLead>> LeadStore::FindExternal(
    db::Transaction& tx, const std::string& region_code, const std::string& source_system,
    const std::string& external_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM leads WHERE region_code = $1"
                                         " AND source_system = $2 AND external_id = $3"),
                            {region_code, source_system, external_id}));
  if (rows.empty()) {
    return std::optional<StoredLead>();
  }
  ASSIGN_OR_RETURN(StoredLead stored, FromRow(rows[0]));
  return std::optional<StoredLead>(std::move(stored));
}

std::string LeadStore::SortKey(const StoredLead& stored, const ListQuery& q) {
  const v1::Lead& lead = stored.lead;
  const bool coarse = q.outsider && IsFormLead(lead);
  if (q.by_priority) {
    db::Params derived = DerivedColumns(lead);
    return derived[coarse ? 11 : 10].AsText();
  }
  const int64_t updated =
      coarse ? Micros(privacy::CoarsenToDay(lead.update_time())) : Micros(lead.update_time());
  return absl::StrFormat("%020d", updated);
}

absl::StatusOr<std::vector<StoredLead>> LeadStore::List(db::Transaction& tx,
                                                        const ListQuery& q) const {
  db::Params params = {q.region_code, static_cast<int64_t>(q.limit)};
  std::string where = "l.region_code = $1";
  auto add = [&](absl::string_view column, db::Value value, absl::string_view op = "=") {
    params.push_back(std::move(value));
    absl::StrAppend(&where, " AND ", column, " ", op, " $", params.size());
  };
  if (!q.cadre_id.empty()) add("l.cadre_id", q.cadre_id);
  if (!q.campaign_id.empty()) add("l.campaign_id", q.campaign_id);
  if (!q.state.empty()) add("l.state", q.state);
  if (!q.source.empty()) add("l.source", q.source);
  if (!q.severity.empty()) add("l.severity", q.severity);
  const std::string updated = q.outsider ? "l.shown_update_micros" : "l.update_micros";
  if (q.updated_after_micros >= 0) add(updated, q.updated_after_micros, ">");
  if (q.outsider) {
    absl::StrAppend(&where,
                    " AND NOT (l.source = 'FORM' AND EXISTS (SELECT 1 FROM campaigns c"
                    " WHERE c.region_code = l.region_code AND c.campaign_id = l.campaign_id"
                    " AND c.state IN ('DRAFT', 'OPEN')))");
  }
  if (!q.system.empty()) {
    params.push_back(q.system);
    absl::StrAppend(&where,
                    " AND (l.state IN ('CONFIRMED', 'PARTLY_CONFIRMED')"
                    " OR l.source_system = $",
                    params.size(), ")");
  }
  std::string sort_column;
  if (q.by_priority) {
    sort_column = q.outsider ? "l.shown_priority" : "l.priority";
  } else {
    sort_column = updated;
  }
  if (q.after.has_value()) {
    int64_t after_micros = 0;
    if (!q.by_priority && !absl::SimpleAtoi(q.after->first, &after_micros)) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    params.push_back(q.by_priority ? db::Value(q.after->first) : db::Value(after_micros));
    params.push_back(q.after->second);
    absl::StrAppend(&where, " AND (", sort_column, " > $", params.size() - 1, " OR (", sort_column,
                    " = $", params.size() - 1, " AND l.lead_id > $", params.size(), "))");
  }
  std::string columns;
  for (absl::string_view column :
       {"content", "revision", "reporter", "tick_count", "priority", "shown_priority",
        "update_micros", "shown_update_micros", "lead_id"}) {
    absl::StrAppend(&columns, columns.empty() ? "" : ", ", "l.", column);
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", columns, " FROM leads l WHERE ", where,
                                         " ORDER BY ", sort_column, ", l.lead_id LIMIT $2"),
                            params));
  std::vector<StoredLead> leads;
  leads.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredLead stored, FromRow(row));
    leads.push_back(std::move(stored));
  }
  return leads;
}

absl::StatusOr<std::optional<StoredLead>> LeadStore::OpenFormLead(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& subject_id,
    const std::string& item_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM leads WHERE region_code = $1 AND campaign_id = $2"
                                         " AND subject_id = $3 AND negative_item_id = $4"
                                         " AND source = 'FORM' AND state IN ('OPEN', 'VERIFYING')"),
                            {campaign.region_code, campaign.campaign_id, subject_id, item_id}));
  if (rows.empty()) {
    return std::optional<StoredLead>();
  }
  ASSIGN_OR_RETURN(StoredLead stored, FromRow(rows[0]));
  return std::optional<StoredLead>(std::move(stored));
}

absl::StatusOr<std::string> LeadStore::LatestDecidedFormLead(db::Transaction& tx,
                                                             const CampaignKey& campaign,
                                                             const std::string& subject_id,
                                                             const std::string& item_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT lead_id FROM leads WHERE region_code = $1 AND campaign_id = $2"
                            " AND subject_id = $3 AND negative_item_id = $4 AND source = 'FORM'"
                            " AND state NOT IN ('OPEN', 'VERIFYING')"
                            " ORDER BY update_micros DESC, lead_id DESC LIMIT 1",
                            {campaign.region_code, campaign.campaign_id, subject_id, item_id}));
  return rows.empty() ? std::string() : LeadName(campaign.region_code, rows[0][0].AsText());
}

absl::Status LeadStore::AddTick(db::Transaction& tx, const std::string& region_code,
                                const LeadTick& tick, int64_t now_micros) const {
  return tx
      .Execute(
          "INSERT INTO lead_ticks (region_code, lead_id, form_id, remark, counted,"
          " tick_micros) VALUES ($1, $2, $3, $4, 1, $5)",
          {region_code, tick.lead_id, tick.form_id, tick.remark, now_micros})
      .status();
}

absl::StatusOr<std::vector<LeadTick>> LeadStore::Ticks(
    db::Transaction& tx, const std::string& region_code,
    const std::vector<std::string>& lead_ids) const {
  std::vector<LeadTick> ticks;
  if (lead_ids.empty()) {
    return ticks;
  }
  db::Params params = {region_code};
  for (const std::string& id : lead_ids) {
    params.push_back(id);
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT lead_id, form_id, remark FROM lead_ticks"
                                         " WHERE region_code = $1 AND counted = 1 AND lead_id IN (",
                                         Placeholders(2, static_cast<int>(lead_ids.size())),
                                         ") ORDER BY lead_id, tick_micros, form_id"),
                            params));
  for (const db::Row& row : rows) {
    ticks.push_back({row[0].AsText(), row[1].AsText(), row[2].AsText()});
  }
  return ticks;
}

absl::StatusOr<std::vector<std::string>> LeadStore::UncountTicksOfForm(
    db::Transaction& tx, const std::string& region_code, const std::string& form_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("UPDATE lead_ticks SET counted = 0 WHERE region_code = $1"
                            " AND form_id = $2 AND counted = 1 AND lead_id IN (SELECT lead_id"
                            " FROM leads WHERE region_code = $1 AND state IN ('OPEN',"
                            " 'VERIFYING')) RETURNING lead_id",
                            {region_code, form_id}));
  std::vector<std::string> leads;
  for (const db::Row& row : rows) {
    leads.push_back(row[0].AsText());
  }
  return leads;
}

absl::StatusOr<std::vector<StoredLead>> LeadStore::OfCampaign(db::Transaction& tx,
                                                              const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM leads WHERE region_code = $1 AND campaign_id = $2"
                                         " ORDER BY lead_id"),
                            {campaign.region_code, campaign.campaign_id}));
  std::vector<StoredLead> leads;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredLead stored, FromRow(row));
    leads.push_back(std::move(stored));
  }
  return leads;
}

absl::StatusOr<int64_t> LeadStore::NextReceipt(db::Transaction& tx, const std::string& region_code,
                                               int64_t year) const {
  RETURN_IF_ERROR(tx.Execute("INSERT INTO receipt_counters (region_code, year, seq)"
                             " VALUES ($1, $2, 0) ON CONFLICT (region_code, year) DO NOTHING",
                             {region_code, year})
                      .status());
  ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("UPDATE receipt_counters SET seq = seq + 1"
                                            " WHERE region_code = $1 AND year = $2"
                                            " RETURNING seq",
                                            {region_code, year}));
  return row[0].AsInt();
}

}  // namespace kaoping::evaluations
