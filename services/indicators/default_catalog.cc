#include "services/indicators/default_catalog.h"

#include <span>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "services/common/embedded_file.h"

namespace kaoping::indicators {

std::span<const EmbeddedFile> DefaultCatalogFiles();

absl::StatusOr<v1::IndicatorSet> DefaultCatalog() {
  static const absl::StatusOr<v1::IndicatorSet>* parsed = [] {
    v1::IndicatorSet set;
    const EmbeddedFile& file = DefaultCatalogFiles().front();
    if (!google::protobuf::TextFormat::ParseFromString(std::string(file.content), &set)) {
      return new absl::StatusOr<v1::IndicatorSet>(
          absl::InternalError(absl::StrCat("the shipped ", file.name, " does not parse")));
    }
    return new absl::StatusOr<v1::IndicatorSet>(std::move(set));
  }();
  return *parsed;
}

}  // namespace kaoping::indicators
