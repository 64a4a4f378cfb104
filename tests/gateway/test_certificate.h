#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace kaoping::gateway::testing {

struct TestCertificate {
  std::string cert_file;  // PEM, self-signed, for localhost and 127.0.0.1
  std::string key_file;
  std::string cert_pem;
};

// A fresh self-signed certificate (P-256) in a temporary directory, made
// with the openssl command.
absl::StatusOr<TestCertificate> MakeTestCertificate();

}  // namespace kaoping::gateway::testing
