#pragma once

#include "absl/strings/string_view.h"

namespace kaoping {

// A file compiled into the binary by cmake/EmbedFiles.cmake (migrations, the
// default catalog): a binary needs nothing from the source tree at run time.
struct EmbeddedFile {
  absl::string_view name;
  absl::string_view content;
};

}  // namespace kaoping
