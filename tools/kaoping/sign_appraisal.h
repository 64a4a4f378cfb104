#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "kaoping/v1/appraisals.grpc.pb.h"
#include "services/appraisals/signing/algorithm.h"

// What `kaoping keygen` and `kaoping sign` do, apart from their command
// line (sign_command.h), so that tests run them against a real server. The
// private key stays in the signer's file: only the signature goes out.
namespace kaoping::cli {

// Writes a fresh private key (PEM PKCS#8, encrypted when `passphrase` is
// given; the file created with mode 0600, never over an existing one) to
// `path` and its public key (PEM SubjectPublicKeyInfo, for the
// administrator to register) to `path` + ".pub". Returns the key's
// fingerprint, the one CreateSignerKey reports.
absl::StatusOr<std::string> GenerateKeyFiles(signing::Algorithm algorithm, const std::string& path,
                                             const std::string& passphrase);

struct SignOptions {
  std::string appraisal;   // regions/{region}/appraisals/{appraisal}
  std::string signer_key;  // regions/{region}/signerKeys/{signer_key}: the registered public key
  v1::AppraisalSignature::Role role = v1::AppraisalSignature::ROLE_UNSPECIFIED;
  std::string private_key_pem;  // the file's text
  std::string passphrase;
  // When set: the lowercase hex SHA-256 the signer read elsewhere (the
  // printed form, a colleague's screen); signing stops unless the payload's
  // digest is this one.
  std::string expect_sha256_hex;
};

// Fetches the signing payload, checks that it is complete (and the digest
// expected), signs its exact bytes with the private key and sends the
// signature with the payload's digest and etag. Tells `out` what it signed.
// `context` makes each call's context (the caller's token, a deadline).
absl::StatusOr<v1::Appraisal> SignWithKeyFile(
    v1::AppraisalService::StubInterface& stub,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& context,
    const SignOptions& options, std::ostream& out);

}  // namespace kaoping::cli
