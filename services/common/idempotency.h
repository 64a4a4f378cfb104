#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"

namespace kaoping {

// Who asked what, under which request_id.
struct IdempotencyKey {
  std::string region_code;
  std::string principal;
  std::string method;
  std::string request_id;
};

// request_id semantics of DESIGN.md §4: the same id again returns the first
// result and writes nothing. Both calls run inside the write's transaction,
// so the remembered response commits with the change it describes.
class IdempotencyStore {
 public:
  explicit IdempotencyStore(const Clock* clock) : clock_(clock) {}

  // The response remembered for key, if any. The same request_id with a
  // different request is INVALID_ARGUMENT: it is a client bug, not a retry.
  absl::StatusOr<std::optional<std::string>> Lookup(db::Transaction& tx, const IdempotencyKey& key,
                                                    const google::protobuf::Message& request) const;
  absl::Status Remember(db::Transaction& tx, const IdempotencyKey& key,
                        const google::protobuf::Message& request,
                        const google::protobuf::Message& response) const;

 private:
  const Clock* clock_;
};

// request_id: empty, or 1–128 printable ASCII characters.
absl::Status ValidateRequestId(const std::string& request_id);

}  // namespace kaoping
