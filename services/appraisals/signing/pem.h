#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// One PEM block (RFC 7468): what the key parsers read first, so that they can
// name what a file holds when it is not what they expect.
namespace kaoping::signing::internal {

struct PemBlock {
  std::string label;  // "PUBLIC KEY", "ENCRYPTED PRIVATE KEY", …
  std::string der;
};

// Whether text starts (after white space) with a PEM boundary.
bool LooksLikePem(absl::string_view text);

// The first block of text; INVALID_ARGUMENT when there is none or it is
// damaged, or when it carries RFC 1421 headers (legacy encryption).
absl::StatusOr<PemBlock> ReadPemBlock(absl::string_view text);

// der as a PEM block with this label, 64 characters a line.
std::string WritePemBlock(absl::string_view label, absl::string_view der);

}  // namespace kaoping::signing::internal
