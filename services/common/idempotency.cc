#include "services/common/idempotency.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

// A fingerprint of the request without its request_id, so that a retry of
// the same request matches and a different request under the same id does not.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* field = copy->GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  return Sha256Hex(bytes);
}

}  // namespace

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.size() > 128) {
    return absl::InvalidArgumentError("request_id: at most 128 characters");
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError("request_id: printable ASCII without spaces only");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> IdempotencyStore::Lookup(
    db::Transaction& tx, const IdempotencyKey& key,
    const google::protobuf::Message& request) const {
  ASSIGN_OR_RETURN(db::Rows rows,
                   tx.Query("SELECT request_hash, response FROM idempotency_keys"
                            " WHERE region_code = $1 AND principal = $2 AND method = $3"
                            " AND request_id = $4",
                            {key.region_code, key.principal, key.method, key.request_id}));
  if (rows.empty()) {
    return std::optional<std::string>();
  }
  if (rows[0][0].AsText() != Fingerprint(request)) {
    return absl::InvalidArgumentError(absl::StrCat("request_id: \"", key.request_id,
                                                   "\" was already used for a different request"));
  }
  return std::optional<std::string>(rows[0][1].AsBlob());
}

absl::Status IdempotencyStore::Remember(db::Transaction& tx, const IdempotencyKey& key,
                                        const google::protobuf::Message& request,
                                        const google::protobuf::Message& response) const {
  return tx
      .Execute(
          "INSERT INTO idempotency_keys (region_code, principal, method, request_id,"
          " request_hash, response, created_micros) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {key.region_code, key.principal, key.method, key.request_id, Fingerprint(request),
           db::Blob{response.SerializeAsString()}, absl::ToUnixMicros(clock_->Now())})
      .status();
}

}  // namespace kaoping
