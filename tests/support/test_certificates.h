#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace kaoping::testing {

// A certificate authority and certificates it signed, made fresh by the test
// (P-256 keys, OpenSSL 3), written as PEM files into `dir`: nothing secret
// is committed. The server certificate names 127.0.0.1 and localhost.
struct TestCertificates {
  std::string ca_file;
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_key_file;
  // Signed by another CA: a client the server must not accept.
  std::string stranger_cert_file;
  std::string stranger_key_file;
};

absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& dir);

// An Ed25519 key pair for signing tokens (EdDSA), as PEM files in `dir`.
struct TestSigningKey {
  std::string private_key_file;
  std::string public_key_file;
};
absl::StatusOr<TestSigningKey> MakeTestSigningKey(const std::string& dir);

}  // namespace kaoping::testing
