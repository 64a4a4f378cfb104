#include "gateway/transcoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/field_text.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/http/utf8.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status JsonError(absl::string_view where, const google::protobuf::util::Status& status) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", http::QuotableUtf8(status.message().as_string(), 400)));
}

absl::Status ParseBody(const Route& route, absl::string_view body, Message* request) {
  if (body.empty()) {
    return absl::OkStatus();  // no fields given
  }
  if (route.body == Route::Body::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(route.http_method, " ", route.path.text,
                                                   " takes no request body; send the fields as ",
                                                   "query parameters"));
  }
  google::protobuf::util::JsonParseOptions options;  // unknown fields are refused
  const google::protobuf::StringPiece json(body.data(), body.size());
  google::protobuf::util::Status st;
  if (route.body == Route::Body::kAll) {
    st = google::protobuf::util::JsonStringToMessage(json, request, options);
  } else if (route.body_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
             !route.body_field->is_repeated()) {
    st = google::protobuf::util::JsonStringToMessage(
        json, request->GetReflection()->MutableMessage(request, route.body_field), options);
  } else {
    // A repeated or scalar body field: its JSON value, parsed as that field.
    st = google::protobuf::util::JsonStringToMessage(
        absl::StrCat("{\"", route.body_field->json_name(), "\":", body, "}"), request, options);
  }
  return st.ok() ? absl::OkStatus() : JsonError("request body", st);
}

// The message holding the last field of `path`, created along the way.
Message* MutableParent(Message* request, const FieldPath& path) {
  Message* current = request;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    current = current->GetReflection()->MutableMessage(current, path[i]);
  }
  return current;
}

absl::Status ApplyPathValues(const RouteTable::Match& match, Message* request) {
  const Route& route = *match.route;
  for (size_t i = 0; i < route.variable_fields.size(); ++i) {
    const FieldPath& path = route.variable_fields[i];
    RETURN_IF_ERROR(
        SetFieldFromText(MutableParent(request, path), path.back(), match.values[i],
                         absl::StrCat("path variable ", route.path.variables[i].field_path)));
  }
  return absl::OkStatus();
}

const FieldDescriptor* FindByAnyName(const Descriptor* message, absl::string_view name) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* f = message->field(i);
    if (f->name() == name || f->json_name() == name) {
      return f;
    }
  }
  return nullptr;
}

bool IsPrefix(const FieldPath& a, const FieldPath& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The field a query parameter names, when the route lets a query set it.
absl::StatusOr<FieldPath> QueryField(const Route& route, absl::string_view key,
                                     absl::string_view what) {
  if (route.body == Route::Body::kAll) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": this method takes its fields in the JSON body"));
  }
  FieldPath path;
  const Descriptor* current = route.method->input_type();
  for (absl::string_view part : absl::StrSplit(key, '.')) {
    const FieldDescriptor* field = current == nullptr ? nullptr : FindByAnyName(current, part);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": no such field in ", route.method->input_type()->full_name()));
    }
    path.push_back(field);
    const bool container = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                           !field->is_repeated() && !IsScalarLike(field->message_type());
    current = container ? field->message_type() : nullptr;
  }
  const FieldDescriptor* leaf = path.back();
  if (leaf->is_map() || (leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                         leaf->is_repeated() && !IsScalarLike(leaf->message_type()))) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": a map or a list of messages cannot be a query parameter"));
  }
  if (route.body == Route::Body::kField && path.front() == route.body_field) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": part of the JSON body"));
  }
  for (const FieldPath& bound : route.variable_fields) {
    if (IsPrefix(bound, path) || IsPrefix(path, bound)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": already given by the path"));
    }
  }
  return path;
}

absl::Status ApplyQuery(const Route& route, absl::string_view query, Message* request) {
  std::vector<FieldPath> seen;
  std::string key;
  std::string value;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    if (!PercentDecode(pair.substr(0, eq), true, false, &key) ||
        (eq != absl::string_view::npos &&
         !PercentDecode(pair.substr(eq + 1), true, false, &value))) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", http::QuotableUtf8(pair), ": bad percent-encoding"));
    }
    if (eq == absl::string_view::npos) {
      value.clear();
    }
    const std::string what = absl::StrCat("query parameter ", http::QuotableUtf8(key));
    auto path = QueryField(route, key, what);
    if (!path.ok()) {
      return path.status();
    }
    if (!path->back()->is_repeated()) {
      if (std::find(seen.begin(), seen.end(), *path) != seen.end()) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": given twice, but not a list"));
      }
      seen.push_back(*path);
    }
    RETURN_IF_ERROR(SetFieldFromText(MutableParent(request, *path), path->back(), value, what));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status BuildRequest(const RouteTable::Match& match, absl::string_view query,
                          absl::string_view body, Message* request) {
  RETURN_IF_ERROR(ParseBody(*match.route, body, request));
  RETURN_IF_ERROR(ApplyPathValues(match, request));
  return ApplyQuery(*match.route, query, request);
}

absl::StatusOr<std::string> ResponseToJson(const Route& route, const Message& response) {
  const Message* shown = &response;
  if (route.response_field != nullptr) {
    shown = &response.GetReflection()->GetMessage(response, route.response_field);
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  std::string out;
  auto st = google::protobuf::util::MessageToJsonString(*shown, &out, options);
  if (!st.ok()) {
    return absl::InternalError(absl::StrCat("response to JSON: ", st.message().as_string()));
  }
  return out;
}

}  // namespace kaoping::gateway
