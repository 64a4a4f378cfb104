#pragma once

#include <string_view>

namespace kaoping {

// A file compiled into the binary by cmake/EmbedFiles.cmake (migrations, the
// default catalog): a binary needs nothing from the source tree at run time.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace kaoping
