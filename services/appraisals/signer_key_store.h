#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kaoping/v1/appraisals.pb.h"
#include "services/common/db/database.h"

namespace kaoping::appraisals {

// A filter of ListSignerKeys and its keyset position.
struct SignerKeyQuery {
  std::string person;
  std::string role;
  std::string state;
  // Rows after (person, create_micros, key_id).
  struct After {
    std::string person;
    int64_t create_micros = 0;
    std::string key_id;
  };
  std::optional<After> after;
  int limit = 50;
};

// What the appraisals service persists about signer keys, keyed by
// (region_code, key_id); public keys only. Every method runs in the
// caller's transaction.
class SignerKeyStore {
 public:
  // ALREADY_EXISTS naming the key when the id is taken.
  absl::Status Insert(db::Transaction& tx, const std::string& region_code,
                      const std::string& key_id, const v1::SignerKey& key) const;
  // A key and the revision its etag was made from.
  struct Stored {
    v1::SignerKey key;
    int64_t revision = 0;
  };
  // NOT_FOUND naming the key when absent.
  absl::StatusOr<Stored> Get(db::Transaction& tx, const std::string& region_code,
                             const std::string& key_id) const;
  // The name of the region's key with this fingerprint, if registered.
  absl::StatusOr<std::optional<std::string>> FindByFingerprint(
      db::Transaction& tx, const std::string& region_code, const std::string& fingerprint) const;
  // Replaces the key if it is still at stored.revision - 1 (ABORTED
  // otherwise): `stored` carries the new revision.
  absl::Status Replace(db::Transaction& tx, const std::string& region_code,
                       const std::string& key_id, const Stored& stored) const;
  // Ordered by person, then creation.
  absl::StatusOr<std::vector<v1::SignerKey>> List(db::Transaction& tx,
                                                  const std::string& region_code,
                                                  const SignerKeyQuery& query) const;
};

}  // namespace kaoping::appraisals
