#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kaoping::signing::internal {

// OK when the 32 bytes are the canonical encoding (RFC 8032 §5.1.2) of a
// point on edwards25519 that is not of small order. OpenSSL decodes a key
// only when it verifies, so without this a mistyped key would be registered
// and then fail every signature; and a small-order key lets one signature
// verify for many messages.
absl::Status CheckEd25519PublicKey(absl::string_view raw);

}  // namespace kaoping::signing::internal
