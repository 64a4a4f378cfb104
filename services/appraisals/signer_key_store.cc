#include "services/appraisals/signer_key_store.h"

#include "absl/strings/str_cat.h"
#include "services/appraisals/sql_conditions.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

int64_t CreateMicros(const v1::SignerKey& key) {
  return key.create_time().seconds() * 1000000 + key.create_time().nanos() / 1000;
}

std::string NameOf(const std::string& region_code, const std::string& key_id) {
  return RegionChildName(region_code, "signerKeys", key_id);
}

absl::StatusOr<v1::SignerKey> Decode(const db::Value& content) {
  v1::SignerKey key;
  if (!key.ParseFromString(content.AsBlob())) {
    return absl::DataLossError("a stored signer key does not parse");
  }
  return key;
}

}  // namespace

absl::Status SignerKeyStore::Insert(db::Transaction& tx, const std::string& region_code,
                                    const std::string& key_id, const v1::SignerKey& key) const {
  auto inserted = tx.Execute(
      "INSERT INTO signer_keys (region_code, key_id, person, role, state, fingerprint,"
      " revision, create_micros, content) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
      {region_code, key_id, key.person(), v1::AppraisalSignature::Role_Name(key.role()),
       v1::SignerKey::State_Name(key.state()), key.fingerprint(), CreateMicros(key),
       db::Blob{key.SerializeAsString()}});
  if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(NameOf(region_code, key_id), " already exists"));
  }
  return inserted.status();
}

absl::StatusOr<SignerKeyStore::Stored> SignerKeyStore::Get(db::Transaction& tx,
                                                           const std::string& region_code,
                                                           const std::string& key_id) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT content, revision FROM signer_keys"
                                           " WHERE region_code = $1 AND key_id = $2",
                                           {region_code, key_id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(NameOf(region_code, key_id), " not found"));
  }
  ASSIGN_OR_RETURN(v1::SignerKey key, Decode(rows[0][0]));
  return Stored{std::move(key), rows[0][1].AsInt()};
}

absl::StatusOr<std::optional<std::string>> SignerKeyStore::FindByFingerprint(
    db::Transaction& tx, const std::string& region_code, const std::string& fingerprint) const {
  ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT key_id FROM signer_keys"
                                           " WHERE region_code = $1 AND fingerprint = $2",
                                           {region_code, fingerprint}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(NameOf(region_code, rows[0][0].AsText()));
}

absl::Status SignerKeyStore::Replace(db::Transaction& tx, const std::string& region_code,
                                     const std::string& key_id, const Stored& stored) const {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE signer_keys SET state = $3, revision = $4, content = $5"
                 " WHERE region_code = $1 AND key_id = $2 AND revision = $6",
                 {region_code, key_id, v1::SignerKey::State_Name(stored.key.state()),
                  stored.revision, db::Blob{stored.key.SerializeAsString()}, stored.revision - 1}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat(NameOf(region_code, key_id),
                                           " was changed concurrently; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::SignerKey>> SignerKeyStore::List(db::Transaction& tx,
                                                                const std::string& region_code,
                                                                const SignerKeyQuery& query) const {
  SqlConditions where({region_code});
  where.Equal("person", query.person);
  where.Equal("role", query.role);
  where.Equal("state", query.state);
  if (query.after.has_value()) {
    const std::string person = where.Bind(query.after->person);
    const std::string micros = where.Bind(query.after->create_micros);
    const std::string id = where.Bind(query.after->key_id);
    where.Add(absl::StrCat("(person > ", person, " OR (person = ", person, " AND (create_micros > ",
                           micros, " OR (create_micros = ", micros, " AND key_id > ", id, "))))"));
  }
  const std::string limit = where.Bind(static_cast<int64_t>(query.limit));
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query(absl::StrCat("SELECT content FROM signer_keys WHERE region_code = $1",
                                         where.AndClauses(),
                                         " ORDER BY person, create_micros, key_id LIMIT ", limit),
                            where.params()));
  std::vector<v1::SignerKey> keys;
  keys.reserve(rows.size());
  for (const db::Row& row : rows) {
    ASSIGN_OR_RETURN(v1::SignerKey key, Decode(row[0]));
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace kaoping::appraisals
