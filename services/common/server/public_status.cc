#include "services/common/server/public_status.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "services/common/db/database.h"
#include "services/common/log.h"

namespace kaoping {
namespace {

std::atomic<uint64_t> error_counter{0};
constexpr size_t kMaxMessageBytes = 1024;

bool CarriesDetail(const absl::Status& status) {
  return db::IsDatabaseError(status) || status.code() == absl::StatusCode::kInternal ||
         status.code() == absl::StatusCode::kUnknown ||
         status.code() == absl::StatusCode::kDataLoss;
}

}  // namespace

absl::Status PublicStatus(const absl::Status& status, absl::string_view reference) {
  if (!CarriesDetail(status)) {
    return status;
  }
  absl::string_view what;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      what = "storage unavailable; try again";
      break;
    case absl::StatusCode::kAborted:
      what = "the change collided with another; try again";
      break;
    case absl::StatusCode::kAlreadyExists:
      what = "already exists";
      break;
    case absl::StatusCode::kUnknown:
      what = "outcome unknown (the store was lost while saving); read before retrying";
      break;
    default:
      what = "internal error";
  }
  return absl::Status(status.code(), absl::StrCat(what, " (reference ", reference, ")"));
}

absl::Status ClientStatus(const absl::Status& status, absl::string_view method, absl::Time start) {
  absl::Status shown = status;
  if (CarriesDetail(status)) {
    const std::string reference =
        absl::StrCat("E", absl::ToUnixMillis(start), "-", ++error_counter);
    LogError("call failed",
             {{"method", method}, {"reference", reference}, {"error", status.ToString()}});
    shown = PublicStatus(status, reference);
  }
  if (shown.message().size() > kMaxMessageBytes) {
    // gRPC cannot deliver a message past its metadata limit.
    size_t end = kMaxMessageBytes;
    while (end > 0 && (static_cast<unsigned char>(shown.message()[end]) & 0xC0) == 0x80) {
      --end;
    }
    shown = absl::Status(shown.code(), absl::StrCat(shown.message().substr(0, end), "…"));
  }
  return shown;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace kaoping
