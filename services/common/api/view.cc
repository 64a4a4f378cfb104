#include "services/common/api/view.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/field_path.h"

namespace kaoping {
namespace {

absl::StatusOr<ViewKind> ResolveView(absl::string_view field, v1::View view, ViewKind unspecified) {
  switch (view) {
    case v1::VIEW_UNSPECIFIED:
      return unspecified;
    case v1::BASIC:
      return ViewKind::kBasic;
    case v1::FULL:
      return ViewKind::kFull;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": unknown view ", static_cast<int>(view), "; one of BASIC, FULL"));
  }
}

}  // namespace

absl::StatusOr<ViewKind> ListView(absl::string_view field, v1::View view) {
  return ResolveView(field, view, ViewKind::kBasic);
}

absl::StatusOr<ViewKind> GetView(absl::string_view field, v1::View view) {
  return ResolveView(field, view, ViewKind::kFull);
}

void ApplyView(ViewKind view, const std::vector<std::string>& omitted_in_basic,
               google::protobuf::Message& resource) {
  if (view == ViewKind::kFull) {
    return;
  }
  for (const std::string& path : omitted_in_basic) {
    const auto fields = ResolveFieldPath(*resource.GetDescriptor(), path);
    if (!fields.empty()) {
      ClearFieldPath(resource, fields);
    }
  }
}

}  // namespace kaoping
