#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"

// A filter must never reveal a field the caller may not read: a cadre who
// may not yet read the grade of their draft appraisal must not learn it by
// filtering their appraisals by grade; a reminder system that never sees
// assignments must not learn who rates whom by filtering invitations by
// subject. Services state what a caller may read of a resource, and this
// checks a List request's filters against it (and trims responses to it).
namespace kaoping::privacy {

// The fields of a resource a caller may read, as field paths from the
// resource ("grade", "content.grade", "rater.phone"). A path covers the
// paths below it; "*" covers everything.
class ReadableFields {
 public:
  static ReadableFields All() { return ReadableFields({"*"}); }
  explicit ReadableFields(std::vector<std::string> paths) : paths_(std::move(paths)) {}

  bool CanRead(const std::string& path) const;
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;
};

// One filter field of a List request and the resource field it filters on.
struct FilterBinding {
  std::string request_field;  // e.g. "grade"
  std::string resource_path;  // e.g. "content.grade"
};

// PERMISSION_DENIED naming the first filter that is set in `request` (a
// non-default value, a non-empty repeated field) and filters on a field
// the caller cannot read: "grade: filtering on content.grade is not allowed
// to this caller, who cannot read it". Unset filters are fine whatever
// they bind to. A binding naming no field of the request is an internal
// error (a wrong table in the service, not the caller's fault).
absl::Status CheckFiltersReadable(const google::protobuf::Message& request,
                                  absl::Span<const FilterBinding> filters,
                                  const ReadableFields& readable);

// Clears every field of `resource` outside `readable` (a partial view of a
// resource, e.g. an invitation as a reminder system sees it).
void TrimToReadable(const ReadableFields& readable, google::protobuf::Message& resource);

}  // namespace kaoping::privacy
