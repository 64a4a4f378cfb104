#include "tests/support/status_assertions.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"

namespace kaoping::testing {

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code,
                                   absl::string_view mentions) {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure() << "got " << CodeName(status.error_code()) << " \""
                                         << status.error_message() << "\", want " << CodeName(code);
  }
  if (!absl::StrContains(status.error_message(), mentions)) {
    return ::testing::AssertionFailure()
           << CodeName(code) << " message \"" << status.error_message() << "\" does not mention \""
           << mentions << "\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsOk(const grpc::Status& status) {
  return HasCode(status, grpc::StatusCode::OK);
}

std::string StoreName(const ::testing::TestParamInfo<StoreKind>& info) {
  return StoreKindName(info.param);
}

}  // namespace kaoping::testing
