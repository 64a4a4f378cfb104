#include "services/evaluations/invitation_store.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/api/resource_meta.h"
#include "services/common/status_macros.h"
#include "services/evaluations/stored.h"

namespace kaoping::evaluations {
namespace {

constexpr absl::string_view kColumns =
    "content, revision, state, code_hash, code_expire_micros, update_micros, campaign_id";

v1::Invitation ContentOf(const v1::Invitation& invitation) {
  v1::Invitation content = invitation;
  content.clear_assignments();
  content.clear_state();
  content.clear_unanswered_count();
  content.clear_access_code();
  content.clear_access_code_pending();
  content.clear_access_code_expire_time();
  content.clear_etag();
  content.clear_update_time();
  return content;
}

absl::StatusOr<StoredInvitation> FromRow(const db::Row& row) {
  ASSIGN_OR_RETURN(v1::Invitation invitation, Decode<v1::Invitation>(row[0], "invitation"));
  StoredInvitation stored;
  stored.invitation = std::move(invitation);
  stored.revision = row[1].AsInt();
  stored.revoked = row[2].AsText() == "REVOKED";
  if (!row[3].is_null()) {
    stored.code_hash = row[3].AsText();
    stored.code_expire_micros = row[4].AsInt();
    stored.invitation.set_access_code_pending(true);
    *stored.invitation.mutable_access_code_expire_time() = TimestampOfMicros(row[4].AsInt());
  }
  *stored.invitation.mutable_update_time() = TimestampOfMicros(row[5].AsInt());
  stored.invitation.set_etag(
      ComputeEtag(stored.invitation.name(), stored.revision, stored.invitation.create_time()));
  return stored;
}

db::Value CodeHash(const StoredInvitation& s) {
  return s.code_hash.empty() ? db::Value() : db::Value(s.code_hash);
}
db::Value CodeExpiry(const StoredInvitation& s) {
  return s.code_hash.empty() ? db::Value() : db::Value(s.code_expire_micros);
}

absl::Status InsertAssignments(db::Transaction& tx, const CampaignKey& campaign,
                               const std::string& invitation_id,
                               const google::protobuf::RepeatedPtrField<v1::Assignment>& list) {
  for (const v1::Assignment& a : list) {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO assignments (region_code, campaign_id, invitation_id,"
                               " subject_id, rater_group, form_id) VALUES ($1, $2, $3, $4, $5, $6)",
                               {campaign.region_code, campaign.campaign_id, invitation_id,
                                LastSegment(a.subject()), v1::RaterGroup_Name(a.rater_group()),
                                a.form().empty() ? db::Value() : db::Value(LastSegment(a.form()))})
                        .status());
  }
  return absl::OkStatus();
}

}  // namespace

v1::Invitation::State DerivedState(const v1::Invitation& invitation, bool revoked) {
  if (revoked) {
    return v1::Invitation::REVOKED;
  }
  int answered = 0;
  for (const v1::Assignment& a : invitation.assignments()) {
    answered += a.answered() ? 1 : 0;
  }
  if (answered == 0) {
    return v1::Invitation::PENDING;
  }
  return answered == invitation.assignments_size() ? v1::Invitation::COMPLETED
                                                   : v1::Invitation::IN_PROGRESS;
}

absl::Status InvitationStore::Insert(db::Transaction& tx, const CampaignKey& campaign,
                                     const StoredInvitation& stored) const {
  const v1::Invitation& inv = stored.invitation;
  const std::string id = LastSegment(inv.name());
  ASSIGN_OR_RETURN(db::Rows taken,
                   tx.Query("SELECT invitation_id FROM invitations WHERE region_code = $1"
                            " AND campaign_id = $2 AND (principal = $3 OR (rater_cadre <> ''"
                            " AND rater_cadre = $4))",
                            {campaign.region_code, campaign.campaign_id, inv.rater().principal(),
                             inv.rater().cadre()}));
  if (!taken.empty()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "this rater (same ", inv.rater().cadre().empty() ? "principal" : "cadre or principal",
        ") is already invited to ", campaign.Name()));
  }
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO invitations (region_code, campaign_id, invitation_id, state,"
            " principal, rater_cadre, channel, revision, create_micros, update_micros,"
            " code_hash, code_expire_micros, content)"
            " VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6, 1, $7, $7, $8, $9, $10)",
            {campaign.region_code, campaign.campaign_id, id, inv.rater().principal(),
             inv.rater().cadre(), v1::RatingChannel_Name(inv.channel()), Micros(inv.create_time()),
             CodeHash(stored), CodeExpiry(stored), Encode(ContentOf(inv))})
          .status());
  return InsertAssignments(tx, campaign, id, inv.assignments());
}

absl::StatusOr<std::optional<StoredInvitation>> InvitationStore::Find(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& invitation_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM invitations WHERE region_code = $1"
                                         " AND campaign_id = $2 AND invitation_id = $3"),
                            {campaign.region_code, campaign.campaign_id, invitation_id}));
  if (rows.empty()) {
    return std::optional<StoredInvitation>();
  }
  std::vector<StoredInvitation> one;
  ASSIGN_OR_RETURN(StoredInvitation stored, FromRow(rows[0]));
  one.push_back(std::move(stored));
  RETURN_IF_ERROR(FillAssignments(tx, campaign, one));
  return std::optional<StoredInvitation>(std::move(one[0]));
}

absl::StatusOr<StoredInvitation> InvitationStore::Get(db::Transaction& tx,
                                                      const CampaignKey& campaign,
                                                      const std::string& invitation_id) const {
  ASSIGN_OR_RETURN(std::optional<StoredInvitation> found, Find(tx, campaign, invitation_id));
  if (!found.has_value()) {
    return absl::NotFoundError(
        absl::StrCat(CampaignChildName(campaign, "invitations", invitation_id), " not found"));
  }
  return *std::move(found);
}

absl::StatusOr<std::optional<std::string>> InvitationStore::FindByPrincipal(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& principal) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT invitation_id FROM invitations WHERE region_code = $1"
                            " AND campaign_id = $2 AND principal = $3",
                            {campaign.region_code, campaign.campaign_id, principal}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows[0][0].AsText());
}

absl::StatusOr<std::vector<std::string>> InvitationStore::CampaignsOfPrincipal(
    db::Transaction& tx, const std::string& region_code, const std::string& principal) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT campaign_id FROM invitations WHERE region_code = $1"
                            " AND principal = $2 AND state = 'ACTIVE'",
                            {region_code, principal}));
  std::vector<std::string> ids;
  for (const db::Row& row : rows) {
    ids.push_back(row[0].AsText());
  }
  return ids;
}

absl::Status InvitationStore::Replace(db::Transaction& tx, const CampaignKey& campaign,
                                      const StoredInvitation& stored,
                                      const StoredInvitation& updated) const {
  const v1::Invitation& inv = updated.invitation;
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE invitations SET state = $4, channel = $5, revision = revision + 1,"
                 " update_micros = $6, code_hash = $7, code_expire_micros = $8, content = $9"
                 " WHERE region_code = $1 AND campaign_id = $2 AND invitation_id = $3"
                 " AND revision = $10",
                 {campaign.region_code, campaign.campaign_id, LastSegment(inv.name()),
                  updated.revoked ? "REVOKED" : "ACTIVE", v1::RatingChannel_Name(inv.channel()),
                  Micros(inv.update_time()), CodeHash(updated), CodeExpiry(updated),
                  Encode(ContentOf(inv)), stored.revision}));
  return ChangedConcurrently(changed, inv.name());
}

absl::Status InvitationStore::ReplaceAssignments(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& invitation_id,
    const google::protobuf::RepeatedPtrField<v1::Assignment>& assignments) const {
  RETURN_IF_ERROR(tx.Execute("DELETE FROM assignments WHERE region_code = $1 AND campaign_id = $2"
                             " AND invitation_id = $3",
                             {campaign.region_code, campaign.campaign_id, invitation_id})
                      .status());
  return InsertAssignments(tx, campaign, invitation_id, assignments);
}

absl::Status InvitationStore::DeleteAll(db::Transaction& tx, const CampaignKey& campaign) const {
  for (const char* table : {"assignments", "invitations"}) {
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("DELETE FROM ", table,
                                            " WHERE region_code = $1 AND campaign_id = $2"),
                               {campaign.region_code, campaign.campaign_id})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<InvitationStore::CodeHolder>> InvitationStore::FindByCode(
    db::Transaction& tx, const std::string& region_code, const std::string& code_hash) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT campaign_id, invitation_id, code_expire_micros"
                            " FROM invitations WHERE region_code = $1 AND code_hash = $2"
                            " AND state = 'ACTIVE'",
                            {region_code, code_hash}));
  if (rows.empty()) {
    return std::optional<CodeHolder>();
  }
  return std::optional<CodeHolder>(CodeHolder{CampaignKey{region_code, rows[0][0].AsText()},
                                              rows[0][1].AsText(), rows[0][2].AsInt()});
}

absl::StatusOr<std::vector<StoredInvitation>> InvitationStore::List(db::Transaction& tx,
                                                                    const ListQuery& q) const {
  db::Params params = {q.region_code, static_cast<int64_t>(q.limit)};
  std::string where = "i.region_code = $1";
  auto add = [&](absl::string_view condition, db::Value value) {
    params.push_back(std::move(value));
    absl::StrAppend(&where, " AND ",
                    absl::StrReplaceAll(condition, {{"$?", absl::StrCat("$", params.size())}}));
  };
  if (!q.campaign_id.empty()) add("i.campaign_id = $?", q.campaign_id);
  if (!q.channel.empty()) add("i.channel = $?", q.channel);
  if (!q.principal.empty()) add("i.principal = $?", q.principal);
  if (!q.subject_id.empty()) {
    add("EXISTS (SELECT 1 FROM assignments a WHERE a.region_code = i.region_code"
        " AND a.campaign_id = i.campaign_id AND a.invitation_id = i.invitation_id"
        " AND a.subject_id = $?)",
        q.subject_id);
  }
  if (q.pending_only) {
    absl::StrAppend(&where,
                    " AND i.state = 'ACTIVE' AND EXISTS (SELECT 1 FROM assignments a"
                    " WHERE a.region_code = i.region_code AND a.campaign_id = i.campaign_id"
                    " AND a.invitation_id = i.invitation_id AND a.form_id IS NULL)");
  }
  if (q.open_campaigns_only) {
    absl::StrAppend(&where,
                    " AND EXISTS (SELECT 1 FROM campaigns c WHERE c.region_code = i.region_code"
                    " AND c.campaign_id = i.campaign_id AND c.state = 'OPEN')");
  }
  if (q.after.has_value()) {
    params.push_back(q.after->first);
    params.push_back(q.after->second);
    absl::StrAppend(&where, " AND (i.campaign_id > $", params.size() - 1, " OR (i.campaign_id = $",
                    params.size() - 1, " AND i.invitation_id > $", params.size(), "))");
  }
  std::string columns;
  for (absl::string_view column : absl::StrSplit(kColumns, ", ")) {
    absl::StrAppend(&columns, columns.empty() ? "" : ", ", "i.", column);
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT ", columns, " FROM invitations i WHERE ", where,
                                         " ORDER BY i.campaign_id, i.invitation_id LIMIT $2"),
                            params));
  std::vector<StoredInvitation> all;
  absl::flat_hash_map<std::string, std::vector<StoredInvitation>> by_campaign;
  std::vector<std::string> order;
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(StoredInvitation stored, FromRow(row));
    const std::string& campaign = row[6].AsText();
    if (!by_campaign.contains(campaign)) {
      order.push_back(campaign);
    }
    by_campaign[campaign].push_back(std::move(stored));
  }
  for (const std::string& campaign : order) {
    std::vector<StoredInvitation>& group = by_campaign[campaign];
    RETURN_IF_ERROR(FillAssignments(tx, CampaignKey{q.region_code, campaign}, group));
    for (StoredInvitation& stored : group) {
      all.push_back(std::move(stored));
    }
  }
  return all;
}

absl::Status InvitationStore::FillAssignments(db::Transaction& tx, const CampaignKey& campaign,
                                              std::vector<StoredInvitation>& invitations) const {
  if (invitations.empty()) {
    return absl::OkStatus();
  }
  absl::flat_hash_map<std::string, StoredInvitation*> by_id;
  db::Params params = {campaign.region_code, campaign.campaign_id};
  for (StoredInvitation& s : invitations) {
    by_id[LastSegment(s.invitation.name())] = &s;
    params.push_back(LastSegment(s.invitation.name()));
  }
  ASSIGN_OR_RETURN(
      db::Rows rows,
      tx.Query(absl::StrCat("SELECT invitation_id, subject_id, rater_group, form_id"
                            " FROM assignments WHERE region_code = $1 AND campaign_id = $2"
                            " AND invitation_id IN (",
                            Placeholders(3, static_cast<int>(invitations.size())),
                            ") ORDER BY invitation_id, subject_id"),
               params));
  for (const db::Row& row : rows) {
    StoredInvitation* s = by_id[row[0].AsText()];
    v1::Assignment* a = s->invitation.add_assignments();
    a->set_subject(SubjectName(campaign, row[1].AsText()));
    v1::RaterGroup group = v1::RATER_GROUP_UNSPECIFIED;
    v1::RaterGroup_Parse(row[2].AsText(), &group);
    a->set_rater_group(group);
    if (!row[3].is_null()) {
      a->set_answered(true);
      a->set_form(CampaignChildName(campaign, "forms", row[3].AsText()));
    }
  }
  for (StoredInvitation& s : invitations) {
    int unanswered = 0;
    for (const v1::Assignment& a : s.invitation.assignments()) {
      unanswered += a.answered() ? 0 : 1;
    }
    s.invitation.set_unanswered_count(s.revoked ? 0 : unanswered);
    s.invitation.set_state(DerivedState(s.invitation, s.revoked));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AssignmentRow>> InvitationStore::Assignments(
    db::Transaction& tx, const CampaignKey& campaign,
    const std::vector<std::pair<std::string, std::string>>& pairs) const {
  std::vector<AssignmentRow> out;
  if (pairs.empty()) {
    return out;
  }
  db::Params params = {campaign.region_code, campaign.campaign_id};
  std::string condition;
  for (const auto& [invitation, subject] : pairs) {
    params.push_back(invitation);
    params.push_back(subject);
    absl::StrAppend(&condition, condition.empty() ? "" : " OR ", "(invitation_id = $",
                    params.size() - 1, " AND subject_id = $", params.size(), ")");
  }
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT invitation_id, subject_id, rater_group, form_id"
                                         " FROM assignments WHERE region_code = $1"
                                         " AND campaign_id = $2 AND (",
                                         condition, ")"),
                            params));
  for (const db::Row& row : rows) {
    out.push_back({row[0].AsText(), row[1].AsText(), row[2].AsText(), row[3].AsText()});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> InvitationStore::AssignedSubjects(
    db::Transaction& tx, const CampaignKey& campaign, const std::string& invitation_id) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT subject_id FROM assignments WHERE region_code = $1"
                            " AND campaign_id = $2 AND invitation_id = $3 ORDER BY subject_id",
                            {campaign.region_code, campaign.campaign_id, invitation_id}));
  std::vector<std::string> ids;
  for (const db::Row& row : rows) {
    ids.push_back(row[0].AsText());
  }
  return ids;
}

absl::Status InvitationStore::SetAssignmentForm(db::Transaction& tx, const CampaignKey& campaign,
                                                const std::string& invitation_id,
                                                const std::string& subject_id,
                                                const std::string& form_id) const {
  return tx
      .Execute(
          "UPDATE assignments SET form_id = $5 WHERE region_code = $1 AND campaign_id = $2"
          " AND invitation_id = $3 AND subject_id = $4",
          {campaign.region_code, campaign.campaign_id, invitation_id, subject_id,
           form_id.empty() ? db::Value() : db::Value(form_id)})
      .status();
}

absl::StatusOr<int64_t> InvitationStore::CountAssignments(db::Transaction& tx,
                                                          const CampaignKey& campaign) const {
  ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT COUNT(*) FROM assignments a JOIN invitations i"
                                            " ON i.region_code = a.region_code AND i.campaign_id ="
                                            " a.campaign_id AND i.invitation_id = a.invitation_id"
                                            " WHERE a.region_code = $1 AND a.campaign_id = $2"
                                            " AND i.state = 'ACTIVE'",
                                            {campaign.region_code, campaign.campaign_id}));
  return row[0].AsInt();
}

absl::Status InvitationStore::Touch(db::Transaction& tx, const CampaignKey& campaign,
                                    const std::string& invitation_id, int64_t now_micros) const {
  return tx
      .Execute(
          "UPDATE invitations SET update_micros = $4 WHERE region_code = $1"
          " AND campaign_id = $2 AND invitation_id = $3",
          {campaign.region_code, campaign.campaign_id, invitation_id, now_micros})
      .status();
}

}  // namespace kaoping::evaluations
