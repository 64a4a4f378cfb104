#include "services/appraisals/signing/digests.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace kaoping::signing {
namespace {

std::string Digest(const EVP_MD* md, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // Fails only without memory or with a broken OpenSSL build; a wrong digest
  // would silently break every signature, so stop instead.
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

std::string Sm3(absl::string_view data) { return Digest(EVP_sm3(), data); }

std::string Sha256(absl::string_view data) { return Digest(EVP_sha256(), data); }

}  // namespace kaoping::signing
