#include "services/common/api/update_mask.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/api/field_path.h"

namespace kaoping {
namespace {

// Messages of our own package are descended into for an empty mask;
// well-known and googleapis values (Timestamp, Date) are replaced whole.
bool DescendsFor(const google::protobuf::FieldDescriptor& field) {
  return !field.is_repeated() && field.message_type() != nullptr &&
         field.message_type()->file()->package() == "kaoping.v1";
}

// The populated leaves under `path` of `message` (a message of `path`'s type).
void PopulatedLeaves(const google::protobuf::Message& message, const std::string& path,
                     absl::flat_hash_set<std::string>& out) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    const std::string child = absl::StrCat(path, ".", field->name());
    if (DescendsFor(*field)) {
      if (reflection->HasField(message, field)) {
        PopulatedLeaves(reflection->GetMessage(message, field), child, out);
      }
    } else if (FieldPathIsSet(message, {field})) {
      out.insert(child);
    }
  }
}

absl::flat_hash_set<std::string> PopulatedPaths(const google::protobuf::Message& patch,
                                                const std::vector<std::string>& updatable) {
  absl::flat_hash_set<std::string> paths;
  for (const std::string& path : updatable) {
    const auto fields = ResolveFieldPath(*patch.GetDescriptor(), path);
    if (fields.empty() || !FieldPathIsSet(patch, fields)) {
      continue;
    }
    if (DescendsFor(*fields.back())) {
      const google::protobuf::Message* inner = &patch;
      for (const auto* field : fields) {
        inner = &inner->GetReflection()->GetMessage(*inner, field);
      }
      PopulatedLeaves(*inner, path, paths);
    } else {
      paths.insert(path);
    }
  }
  return paths;
}

bool Allowed(const std::string& path, const google::protobuf::Descriptor& type,
             const std::vector<std::string>& updatable) {
  if (ResolveFieldPath(type, path).empty()) {
    return false;
  }
  for (const std::string& entry : updatable) {
    if (path == entry || absl::StartsWith(path, absl::StrCat(entry, "."))) {
      return true;
    }
  }
  return false;
}

// The message holding the path's last field, created in `target` as needed;
// in `source`, nullptr when an enclosing message is absent.
google::protobuf::Message* MutableParent(
    google::protobuf::Message& target,
    const std::vector<const google::protobuf::FieldDescriptor*>& fields) {
  google::protobuf::Message* current = &target;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    current = current->GetReflection()->MutableMessage(current, fields[i]);
  }
  return current;
}

const google::protobuf::Message* Parent(
    const google::protobuf::Message& source,
    const std::vector<const google::protobuf::FieldDescriptor*>& fields) {
  const google::protobuf::Message* current = &source;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (!current->GetReflection()->HasField(*current, fields[i])) {
      return nullptr;
    }
    current = &current->GetReflection()->GetMessage(*current, fields[i]);
  }
  return current;
}

}  // namespace

absl::StatusOr<absl::flat_hash_set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& patch,
    const std::vector<std::string>& updatable) {
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    return absl::flat_hash_set<std::string>(updatable.begin(), updatable.end());
  }
  if (mask.paths_size() == 0) {
    return PopulatedPaths(patch, updatable);
  }
  absl::flat_hash_set<std::string> paths;
  for (int i = 0; i < mask.paths_size(); ++i) {
    if (!Allowed(mask.paths(i), *patch.GetDescriptor(), updatable)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask.paths[", i, "]: \"", mask.paths(i), "\" cannot be updated; updatable: ",
          absl::StrJoin(updatable, ", "), " (and fields below those)"));
    }
    paths.insert(mask.paths(i));
  }
  return paths;
}

void ApplyUpdateMask(const absl::flat_hash_set<std::string>& paths,
                     const google::protobuf::Message& patch, google::protobuf::Message& target) {
  for (const std::string& path : paths) {
    const auto fields = ResolveFieldPath(*target.GetDescriptor(), path);
    if (fields.empty()) {
      continue;  // ResolveUpdateMask admits only real paths
    }
    google::protobuf::Message* into = MutableParent(target, fields);
    const google::protobuf::Message* from = Parent(patch, fields);
    // Swap the field with a copy of the patch's parent (or an empty one):
    // replaces repeated fields and messages whole, and clears what is unset.
    std::unique_ptr<google::protobuf::Message> source(into->New());
    if (from != nullptr) {
      source->CopyFrom(*from);
    }
    into->GetReflection()->SwapFields(into, source.get(), {fields.back()});
  }
}

}  // namespace kaoping
