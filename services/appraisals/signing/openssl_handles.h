#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"

// Owning handles for the OpenSSL objects this library uses, and the text of
// OpenSSL's error queue. Internal to services/appraisals/signing.
namespace kaoping::signing::internal {

struct OpenSslDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter>;

// A read-only memory BIO over `data` (which must outlive it).
BioPtr ReadBio(absl::string_view data);
// What has been written to a memory BIO.
std::string BioContents(BIO* bio);

// Empties OpenSSL's error queue of this thread and returns its entries joined
// with "; " (empty when there were none), for INTERNAL errors and logs.
std::string TakeOpenSslErrors();

inline const unsigned char* Bytes(absl::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

}  // namespace kaoping::signing::internal
