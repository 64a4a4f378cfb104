#include "gateway/route_table.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/descriptor_database.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status RuleError(const MethodDescriptor* method, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("google.api.http of ", method->full_name(), ": ", why));
}

// The verb and template of a rule.
absl::Status RulePattern(const google::api::HttpRule& rule, std::string* verb,
                         std::string* pattern) {
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      *verb = "GET";
      *pattern = rule.get();
      break;
    case google::api::HttpRule::kPut:
      *verb = "PUT";
      *pattern = rule.put();
      break;
    case google::api::HttpRule::kPost:
      *verb = "POST";
      *pattern = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      *verb = "DELETE";
      *pattern = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      *verb = "PATCH";
      *pattern = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      *verb = rule.custom().kind();
      *pattern = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError("no pattern");
  }
  return absl::OkStatus();
}

absl::StatusOr<const FieldDescriptor*> TopLevelField(const Descriptor* message,
                                                     const std::string& name) {
  const FieldDescriptor* field = message->FindFieldByName(name);
  if (field == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(message->full_name(), " has no field `", name, "`"));
  }
  return field;
}

absl::StatusOr<Route> BuildRoute(const MethodDescriptor* method,
                                 const google::api::HttpRule& rule) {
  Route route;
  route.method = method;
  route.full_method = absl::StrCat(method->service()->full_name(), "/", method->name());
  std::string pattern;
  if (auto st = RulePattern(rule, &route.http_method, &pattern); !st.ok()) {
    return RuleError(method, st.message());
  }
  auto parsed = PathTemplate::Parse(pattern);
  if (!parsed.ok()) {
    return RuleError(method, parsed.status().message());
  }
  route.path = *std::move(parsed);
  for (const PathTemplate::Variable& variable : route.path.variables) {
    auto field_path = ResolveFieldPath(method->input_type(), variable.field_path);
    if (!field_path.ok()) {
      return RuleError(method, field_path.status().message());
    }
    const FieldDescriptor* leaf = field_path->back();
    if (leaf->is_repeated() || leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return RuleError(method, absl::StrCat("path variable `", variable.field_path,
                                            "` must be a singular scalar field"));
    }
    route.variable_fields.push_back(*std::move(field_path));
  }
  if (rule.body() == "*") {
    route.body = Route::Body::kAll;
  } else if (!rule.body().empty()) {
    route.body = Route::Body::kField;
    auto field = TopLevelField(method->input_type(), rule.body());
    if (!field.ok()) {
      return RuleError(method, absl::StrCat("body: ", field.status().message()));
    }
    route.body_field = *field;
  }
  if (!rule.response_body().empty()) {
    auto field = TopLevelField(method->output_type(), rule.response_body());
    if (!field.ok() || (*field)->is_repeated() ||
        (*field)->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return RuleError(method, "response_body must name a singular message field");
    }
    route.response_field = *field;
  }
  return route;
}

absl::Status AddRoutes(const MethodDescriptor* method, std::vector<Route>* routes) {
  if (!method->options().HasExtension(google::api::http)) {
    return absl::OkStatus();
  }
  if (method->client_streaming() || method->server_streaming()) {
    return RuleError(method, "streaming methods are not served over HTTP/JSON");
  }
  const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
  std::vector<const google::api::HttpRule*> rules = {&rule};
  for (const auto& extra : rule.additional_bindings()) {
    rules.push_back(&extra);
  }
  for (const google::api::HttpRule* r : rules) {
    auto route = BuildRoute(method, *r);
    if (!route.ok()) {
      return route.status();
    }
    routes->push_back(*std::move(route));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FieldPath> ResolveFieldPath(const Descriptor* message, absl::string_view path) {
  FieldPath out;
  const Descriptor* current = message;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field =
        current == nullptr ? nullptr : current->FindFieldByName(std::string(parts[i]));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(message->full_name(), " has no field `", path, "`"));
    }
    out.push_back(field);
    if (i + 1 < parts.size()) {
      if (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(
            absl::StrCat("`", path, "`: `", field->name(), "` is not a singular message field"));
      }
      current = field->message_type();
    }
  }
  return out;
}

std::vector<const google::protobuf::ServiceDescriptor*> CompiledServices(
    const std::vector<std::string>& prefixes) {
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::sort(files.begin(), files.end());
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : files) {
    const bool wanted = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
      return absl::StartsWith(name, p);
    });
    const google::protobuf::FileDescriptor* file = wanted ? pool->FindFileByName(name) : nullptr;
    for (int i = 0; file != nullptr && i < file->service_count(); ++i) {
      services.push_back(file->service(i));
    }
  }
  return services;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      if (auto st = AddRoutes(service->method(i), &table.routes_); !st.ok()) {
        return st;
      }
    }
  }
  for (size_t i = 0; i < table.routes_.size(); ++i) {
    const Route& a = table.routes_[i];
    for (size_t j = 0; j < i; ++j) {
      const Route& b = table.routes_[j];
      if (a.http_method == b.http_method && TemplatesOverlap(a.path, b.path)) {
        return absl::InvalidArgumentError(
            absl::StrCat("routes overlap: ", a.http_method, " ", a.path.text, " (", a.full_method,
                         ") and ", b.http_method, " ", b.path.text, " (", b.full_method, ")"));
      }
    }
    if (a.path.has_double_wildcard()) {
      table.open_ended_.push_back(i);
    } else {
      table.by_shape_[{a.path.segments.size(), a.path.verb}].push_back(i);
    }
  }
  return table;
}

RouteTable::Match RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  Match match;
  SplitPath split;
  if (!SplitRequestPath(path, &split)) {
    return match;
  }
  std::vector<std::string> values;
  std::string error;
  auto consider = [&](size_t index) {
    const Route& route = routes_[index];
    error.clear();
    if (!MatchTemplate(route.path, split, &values, &error)) {
      if (!error.empty() && match.outcome != Match::Outcome::kFound) {
        match.outcome = Match::Outcome::kBadPath;
        match.error = error;
      }
      return;
    }
    if (route.http_method == http_method) {
      match.outcome = Match::Outcome::kFound;
      match.route = &route;
      match.values = std::move(values);
    } else if (match.outcome != Match::Outcome::kFound) {
      match.outcome = Match::Outcome::kWrongMethod;
      match.allowed.push_back(route.http_method);
    }
  };
  auto shape = by_shape_.find(std::make_pair(split.segments.size(), std::string(split.verb)));
  if (shape != by_shape_.end()) {
    for (size_t index : shape->second) {
      consider(index);
      if (match.outcome == Match::Outcome::kFound) {
        return match;
      }
    }
  }
  for (size_t index : open_ended_) {
    consider(index);
    if (match.outcome == Match::Outcome::kFound) {
      return match;
    }
  }
  std::sort(match.allowed.begin(), match.allowed.end());
  return match;
}

}  // namespace kaoping::gateway
