#include "services/evaluations/form_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kColumns =
    "f.content, f.grades, f.state, s.invitation_id, s.transcriber, s.paper_reference";

absl::StatusOr<std::pair<StoredForm, FormSeal>> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::Form form, Decode<v1::Form>(row[0], "form"));
  StoredForm stored{std::move(form), row[1].AsBlob(), row[2].AsText() == "VOIDED" ? 2 : 1};
  return std::make_pair(std::move(stored),
                        FormSeal{row[3].AsText(), row[4].AsText(), row[5].AsText()});
}

// What the forms table may hold of a form: the answers only. The rater
// (and the invitation naming them) lives in form_seals, whatever the caller
// left on the message; the marks are the grades column.
v1::Form Answers(const v1::Form& form) {
  v1::Form answers = form;
  answers.clear_rater();
  answers.clear_invitation();
  answers.clear_criterion_marks();
  return answers;
}

}  // namespace

absl::Status FormStore::Insert(db::Transaction& tx, const CampaignKey& campaign,
                               const StoredForm& stored, const FormSeal& seal) const {
  const v1::Form& f = stored.form;
  const std::string id = LastSegment(f.name());
  RETURN_IF_ERROR(
      tx.Execute("INSERT INTO forms (region_code, campaign_id, form_id, subject_id, rater_group,"
                 " channel, state, submit_micros, grades, overall_grade, straight_lined, content)"
                 " VALUES ($1, $2, $3, $4, $5, $6, 'SUBMITTED', $7, $8, $9, $10, $11)",
                 {campaign.region_code, campaign.campaign_id, id, LastSegment(f.subject()),
                  v1::RaterGroup_Name(f.rater_group()), v1::RatingChannel_Name(f.channel()),
                  Micros(f.submit_time()), db::Blob{stored.grades},
                  static_cast<int64_t>(f.overall_grade()), f.straight_lined(), Encode(Answers(f))})
          .status());
  return tx
      .Execute(
          "INSERT INTO form_seals (region_code, campaign_id, form_id, invitation_id,"
          " transcriber, paper_reference, counted) VALUES ($1, $2, $3, $4, $5, $6, 1)",
          {campaign.region_code, campaign.campaign_id, id, seal.invitation_id, seal.transcriber,
           seal.paper_reference})
      .status();
}

absl::StatusOr<std::optional<StoredForm>> FormStore::Find(db::Transaction& tx,
                                                          const CampaignKey& campaign,
                                                          const std::string& form_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT content, grades, state FROM forms WHERE region_code = $1"
                            " AND campaign_id = $2 AND form_id = $3",
                            {campaign.region_code, campaign.campaign_id, form_id}));
  if (rows.empty()) {
    return std::optional<StoredForm>();
  }
  ASSIGN_OR_RETURN(v1::Form form, Decode<v1::Form>(rows[0][0], "form"));
  return std::optional<StoredForm>(
      StoredForm{std::move(form), rows[0][1].AsBlob(), rows[0][2].AsText() == "VOIDED" ? 2 : 1});
}

absl::StatusOr<FormSeal> FormStore::Seal(db::Transaction& tx, const CampaignKey& campaign,
                                         const std::string& form_id) const {
  ASSIGN_OR_RETURN(db::Row row,
                   tx.QueryOne("SELECT invitation_id, transcriber, paper_reference FROM form_seals"
                               " WHERE region_code = $1 AND campaign_id = $2 AND form_id = $3",
                               {campaign.region_code, campaign.campaign_id, form_id}));
  return FormSeal{row[0].AsText(), row[1].AsText(), row[2].AsText()};
}

absl::Status FormStore::Void(db::Transaction& tx, const CampaignKey& campaign,
                             const StoredForm& voided) const {
  const std::string id = LastSegment(voided.form.name());
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE forms SET state = 'VOIDED', content = $4"
                 " WHERE region_code = $1 AND campaign_id = $2 AND form_id = $3"
                 " AND state = 'SUBMITTED'",
                 {campaign.region_code, campaign.campaign_id, id, Encode(Answers(voided.form))}));
  RETURN_IF_ERROR(ChangedConcurrently(changed, voided.form.name()));
  return tx
      .Execute(
          "UPDATE form_seals SET counted = 0 WHERE region_code = $1 AND campaign_id = $2"
          " AND form_id = $3",
          {campaign.region_code, campaign.campaign_id, id})
      .status();
}

absl::StatusOr<std::vector<std::pair<StoredForm, FormSeal>>> FormStore::List(
    db::Transaction& tx, const CampaignKey& campaign, const ListQuery& q) const {
  db::Params params = {campaign.region_code, campaign.campaign_id, static_cast<int64_t>(q.limit)};
  std::string where = "f.region_code = $1 AND f.campaign_id = $2";
  auto add = [&](absl::string_view column, db::Value value) {
    params.push_back(std::move(value));
    absl::StrAppend(&where, " AND ", column, " = $", params.size());
  };
  if (!q.subject_id.empty()) add("f.subject_id", q.subject_id);
  if (!q.rater_group.empty()) add("f.rater_group", q.rater_group);
  if (!q.invitation_id.empty()) add("s.invitation_id", q.invitation_id);
  if (!q.state.empty()) add("f.state", q.state);
  if (q.straight_lined_only) add("f.straight_lined", int64_t{1});
  if (q.restrict_to_invitations) {
    if (q.invitation_ids.empty()) {
      return std::vector<std::pair<StoredForm, FormSeal>>();
    }
    const int first = static_cast<int>(params.size()) + 1;
    for (const std::string& id : q.invitation_ids) {
      params.push_back(id);
    }
    absl::StrAppend(&where, " AND s.invitation_id IN (",
                    Placeholders(first, static_cast<int>(q.invitation_ids.size())), ")");
  }
  if (q.after.has_value()) {
    params.push_back(q.after->first);
    params.push_back(q.after->second);
    absl::StrAppend(&where, " AND (f.submit_micros > $", params.size() - 1,
                    " OR (f.submit_micros = $", params.size() - 1, " AND f.form_id > $",
                    params.size(), "))");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM forms f JOIN form_seals s ON s.region_code ="
                                         " f.region_code AND s.campaign_id = f.campaign_id"
                                         " AND s.form_id = f.form_id WHERE ",
                                         where, " ORDER BY f.submit_micros, f.form_id LIMIT $3"),
                            params));
  std::vector<std::pair<StoredForm, FormSeal>> forms;
  forms.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(auto form, FromRow(row));
    forms.push_back(std::move(form));
  }
  return forms;
}

absl::StatusOr<absl::flat_hash_set<std::string>> FormStore::TakenPaperReferences(
    db::Transaction& tx, const CampaignKey& campaign,
    const std::vector<std::string>& references) const {
  absl::flat_hash_set<std::string> taken;
  if (references.empty()) {
    return taken;
  }
  db::Params params = {campaign.region_code, campaign.campaign_id};
  for (const std::string& reference : references) {
    params.push_back(reference);
  }
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query(absl::StrCat("SELECT paper_reference FROM form_seals WHERE region_code = $1"
                            " AND campaign_id = $2 AND counted = 1 AND paper_reference IN (",
                            Placeholders(3, static_cast<int>(references.size())), ")"),
               params));
  for (const db::Row& row : rows) {
    taken.insert(row[0].AsText());
  }
  return taken;
}

absl::StatusOr<std::vector<CountedForm>> FormStore::Counted(db::Transaction& tx,
                                                            const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT f.subject_id, f.rater_group, f.grades, f.overall_grade,"
                            " s.invitation_id FROM forms f JOIN form_seals s"
                            " ON s.region_code = f.region_code AND s.campaign_id = f.campaign_id"
                            " AND s.form_id = f.form_id WHERE f.region_code = $1"
                            " AND f.campaign_id = $2 AND f.state = 'SUBMITTED'",
                            {campaign.region_code, campaign.campaign_id}));
  std::vector<CountedForm> forms;
  forms.reserve(rows.size());
  for (const db::Row& row : rows) {
    forms.push_back(CountedForm{row[0].AsText(), row[1].AsText(), row[2].AsBlob(),
                                static_cast<int>(row[3].AsInt()), row[4].AsText()});
  }
  return forms;
}

absl::StatusOr<std::pair<int64_t, int64_t>> FormStore::CountByState(
    db::Transaction& tx, const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Row row,
                   tx.QueryOne("SELECT COALESCE(SUM(CASE WHEN state = 'SUBMITTED' THEN 1 ELSE 0"
                               " END), 0), COALESCE(SUM(CASE WHEN state = 'VOIDED' THEN 1 ELSE 0"
                               " END), 0) FROM forms WHERE region_code = $1 AND campaign_id = $2",
                               {campaign.region_code, campaign.campaign_id}));
  return std::make_pair(row[0].AsInt(), row[1].AsInt());
}

}  // namespace kaoping::evaluations
