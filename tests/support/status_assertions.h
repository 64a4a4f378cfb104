#pragma once

#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/string_view.h"
#include "tests/support/shared_servers.h"

// What the services' tests assert of a gRPC status, shared by their fixtures.
namespace kaoping::testing {

// "NOT_FOUND", "OK", …
std::string CodeName(grpc::StatusCode code);
// The status has the code, and its message mentions `mentions` (a field
// path, a state, a region).
::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code,
                                   absl::string_view mentions = "");
::testing::AssertionResult IsOk(const grpc::Status& status);
// "SQLite" / "PostgreSQL", for INSTANTIATE_TEST_SUITE_P.
std::string StoreName(const ::testing::TestParamInfo<StoreKind>& info);

}  // namespace kaoping::testing
