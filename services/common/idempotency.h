#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "services/common/status_macros.h"

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
// so the remembered response commits with the change it describes. Services
// use IdempotentCreate below rather than these two.
class IdempotencyStore {
 public:
  explicit IdempotencyStore(const Clock* clock) : clock_(clock) {}

  // The response remembered for key, if any. The same request_id with a
  // different request is INVALID_ARGUMENT: it is a client bug, not a retry.
  absl::StatusOr<std::optional<std::string>> Lookup(db::Transaction& tx, const IdempotencyKey& key,
                                                    const google::protobuf::Message& request) const;
  // Stores `response` as it is: callers pass it redacted.
  absl::Status Remember(db::Transaction& tx, const IdempotencyKey& key,
                        const google::protobuf::Message& request,
                        const google::protobuf::Message& response) const;

 private:
  const Clock* clock_;
};

// request_id: empty, or 1–128 printable ASCII characters.
absl::Status ValidateRequestId(const std::string& request_id);

// A redaction for responses that carry no secret.
struct NoSecrets {
  void operator()(const google::protobuf::Message&) const {}
};

namespace idempotency_internal {

inline IdempotencyKey KeyOf(const AuditScope& audit, const std::string& request_id) {
  return {audit.region_code(), std::string(audit.principal()), std::string(audit.method()),
          request_id};
}

template <typename Response>
absl::StatusOr<Response> Parse(const std::string& remembered) {
  Response response;
  if (!response.ParseFromString(remembered)) {
    return absl::DataLossError("a remembered response does not parse");
  }
  return response;
}

}  // namespace idempotency_internal

// Runs `write` (a transaction body returning StatusOr<Response>) at most
// once per request_id of the caller, method and region (all taken from
// `audit`, which the runtime has set):
//  - request_id empty: `write` runs in a transaction, as it would alone;
//  - request_id seen before with the same request: `write` does not run,
//    nothing is written or audited, and the response remembered then is
//    returned — that is `redact(response)`, never the response itself;
//  - seen before with another request: INVALID_ARGUMENT;
//  - a concurrent twin committed first (ALREADY_EXISTS here): looked up
//    again, and its remembered response returned.
// `redact` (void(Response&)) clears what must not be kept at rest or shown
// twice: a one-time invitation code, a sealed rater identity. A replay
// therefore returns the first response without them; say so in the RPC's
// comment. Pass NoSecrets() when the response carries none.
template <typename Redact, typename Write>
auto IdempotentCreate(db::Database& db, const IdempotencyStore& store, AuditScope& audit,
                      const google::protobuf::Message& request, const std::string& request_id,
                      Redact redact, Write write)
    -> std::invoke_result_t<Write&, db::Transaction&> {
  using Result = std::invoke_result_t<Write&, db::Transaction&>;
  using Response = typename Result::value_type;
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (request_id.empty()) {
    return db::RunInTransaction(db, db::Access::kReadWrite, write);
  }
  const IdempotencyKey key = idempotency_internal::KeyOf(audit, request_id);
  auto once = [&](db::Transaction& tx) -> absl::StatusOr<Response> {
    ASSIGN_OR_RETURN(std::optional<std::string> previous, store.Lookup(tx, key, request));
    if (previous.has_value()) {
      audit.NothingWritten();
      return idempotency_internal::Parse<Response>(*previous);
    }
    ASSIGN_OR_RETURN(Response created, write(tx));
    Response remembered = created;
    redact(remembered);
    RETURN_IF_ERROR(store.Remember(tx, key, request, remembered));
    return created;
  };
  Result result = db::RunInTransaction(db, db::Access::kReadWrite, once);
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    // PostgreSQL runs twins side by side: the other one committed first.
    result = db::RunInTransaction(db, db::Access::kReadWrite, once);
  }
  return result;
}

// The response remembered for `request_id` of the caller, method and region
// (all from `audit`), looked up in a read transaction of its own; nullopt
// when there is none (or request_id is empty). For a creating call that
// must ask another service before it can write: looked up first, a retry
// after a lost answer gets the first result without asking again, even
// while that service is down. IdempotentCreate still guards the write
// itself. A caller that returns the remembered response says
// audit.NothingWritten(): the first call was audited.
template <typename Response>
absl::StatusOr<std::optional<Response>> RememberedResponse(db::Database& db,
                                                           const IdempotencyStore& store,
                                                           const AuditScope& audit,
                                                           const google::protobuf::Message& request,
                                                           const std::string& request_id) {
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (request_id.empty()) {
    return std::optional<Response>();
  }
  const IdempotencyKey key = idempotency_internal::KeyOf(audit, request_id);
  return db::RunInTransaction(
      db, db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::optional<Response>> {
        ASSIGN_OR_RETURN(std::optional<std::string> previous, store.Lookup(tx, key, request));
        if (!previous.has_value()) {
          return std::optional<Response>();
        }
        ASSIGN_OR_RETURN(Response replayed, idempotency_internal::Parse<Response>(*previous));
        return std::optional<Response>(std::move(replayed));
      });
}

}  // namespace kaoping
