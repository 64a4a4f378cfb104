#include "tools/kaoping/sign_appraisal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/appraisals/signing/private_key.h"
#include "services/appraisals/signing/signature.h"

namespace kaoping::cli {
namespace {

// Creates `path` with `mode` and writes `text`; refuses to replace a file.
absl::Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": cannot create (", std::strerror(errno), ")"));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError(absl::StrCat(path, ": write failed"));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return absl::InternalError(absl::StrCat(path, ": close failed"));
  }
  return absl::OkStatus();
}

absl::Status FromGrpc(absl::string_view what, const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace

absl::StatusOr<std::string> GenerateKeyFiles(signing::Algorithm algorithm, const std::string& path,
                                             const std::string& passphrase) {
  absl::StatusOr<signing::PrivateKey> key = signing::GeneratePrivateKey(algorithm);
  if (!key.ok()) {
    return key.status();
  }
  absl::StatusOr<std::string> pem = key->ToPem(passphrase);
  if (!pem.ok()) {
    return pem.status();
  }
  const std::string public_path = absl::StrCat(path, ".pub");
  if (::access(public_path.c_str(), F_OK) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(public_path, ": already exists"));
  }
  if (absl::Status written = WriteNewFile(path, *pem, 0600); !written.ok()) {
    return written;
  }
  if (absl::Status written = WriteNewFile(public_path, key->public_key().ToPem(), 0644);
      !written.ok()) {
    return written;
  }
  return key->public_key().fingerprint();
}

absl::StatusOr<v1::Appraisal> SignWithKeyFile(
    v1::AppraisalService::StubInterface& stub,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& context,
    const SignOptions& options, std::ostream& out) {
  absl::StatusOr<signing::PrivateKey> key =
      signing::ParsePrivateKey(options.private_key_pem, options.passphrase);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--key-file: ", key.status().message()));
  }
  v1::GetSigningPayloadRequest fetch;
  fetch.set_name(absl::StrCat(options.appraisal, "/signingPayload"));
  v1::SigningPayload payload;
  if (grpc::Status s = stub.GetSigningPayload(context().get(), fetch, &payload); !s.ok()) {
    return FromGrpc("fetching the signing payload", s);
  }
  out << "appraisal " << options.appraisal << ", content revision " << payload.content_revision()
      << "\nSHA-256 " << payload.content_sha256_hex() << "\n";
  if (!payload.complete()) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.appraisal, " cannot be signed now",
        payload.missing_sections().empty()
            ? " (CONCLUDED)"
            : absl::StrCat(": ", absl::StrJoin(payload.missing_sections(), ", "), " missing")));
  }
  if (!options.expect_sha256_hex.empty() &&
      options.expect_sha256_hex != payload.content_sha256_hex()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--expect-sha256: the content's SHA-256 is ", payload.content_sha256_hex(),
                     ", not the one expected; nothing was signed"));
  }
  absl::StatusOr<std::string> signature = signing::Sign(*key, payload.content());
  if (!signature.ok()) {
    return signature.status();
  }
  v1::SignAppraisalRequest request;
  request.set_name(options.appraisal);
  request.set_etag(payload.etag());
  request.set_role(options.role);
  request.set_signer_key(options.signer_key);
  request.set_signature(*signature);
  request.set_content_sha256(payload.content_sha256());
  v1::Appraisal signed_appraisal;
  if (grpc::Status s = stub.SignAppraisal(context().get(), request, &signed_appraisal); !s.ok()) {
    return FromGrpc("signing", s);
  }
  out << "signed as " << v1::AppraisalSignature::Role_Name(options.role) << " with "
      << options.signer_key << " (" << signing::AlgorithmName(key->algorithm()) << "); "
      << signed_appraisal.signatures_size() << " of 2 signatures over this content\n";
  return signed_appraisal;
}

}  // namespace kaoping::cli
