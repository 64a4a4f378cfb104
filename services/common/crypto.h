#pragma once

#include <string>
#include "absl/strings/string_view.h"

namespace kaoping {

// SHA-256 of data, as raw bytes and as lowercase hex.
std::string Sha256(absl::string_view data);
std::string Sha256Hex(absl::string_view data);

// HMAC-SHA-256 of data under key, raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

std::string HexEncode(absl::string_view bytes);

// base64url without padding (RFC 7515 §2), as JWTs and page tokens use it.
std::string Base64UrlEncode(absl::string_view bytes);
// False on characters outside the alphabet or an impossible length.
bool Base64UrlDecode(absl::string_view text, std::string* bytes);

// n bytes from OpenSSL's CSPRNG (aborts only if the system has no entropy
// source at all, which no other part of the process would survive either).
std::string RandomBytes(size_t n);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace kaoping
