#pragma once

#include <span>

#include "services/common/embedded_file.h"

namespace kaoping::evaluations {

// migrations/NNNN_*.sql, compiled in.
std::span<const EmbeddedFile> Migrations();

}  // namespace kaoping::evaluations
