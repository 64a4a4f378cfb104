#include "services/appraisals/signing/pem.h"

#include <openssl/pem.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/appraisals/signing/openssl_handles.h"

namespace kaoping::signing::internal {

bool LooksLikePem(absl::string_view text) {
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "-----BEGIN ");
}

absl::StatusOr<PemBlock> ReadPemBlock(absl::string_view text) {
  BioPtr bio = ReadBio(text);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  if (!bio || PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
    TakeOpenSslErrors();
    return absl::InvalidArgumentError(
        "is not PEM (no complete -----BEGIN …----- / -----END …----- block, or bad base64)");
  }
  PemBlock block;
  block.label = name;
  const bool has_headers = header != nullptr && header[0] != '\0';
  block.der.assign(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (has_headers) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is a \"", block.label,
        "\" PEM block with Proc-Type/DEK-Info headers (legacy encryption); convert it to PKCS#8: "
        "openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem"));
  }
  return block;
}

std::string WritePemBlock(absl::string_view label, absl::string_view der) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const std::string name(label);
  if (!bio ||
      PEM_write_bio(bio.get(), name.c_str(), "", Bytes(der), static_cast<long>(der.size())) <= 0) {
    return "";
  }
  return BioContents(bio.get());
}

}  // namespace kaoping::signing::internal
