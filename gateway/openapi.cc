#include "gateway/openapi.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/field_text.h"
#include "gateway/json_writer.h"
#include "gateway/openapi_schema.h"

namespace kaoping::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr absl::string_view kDescription =
    "HTTP/JSON face of kaoping (考评), the political-quality assessment of cadres. Every route is "
    "an RPC of the gRPC API (protos/kaoping/v1), transcoded with the canonical proto3 JSON "
    "mapping. Every call carries `Authorization: Bearer <JWT>`. Errors are "
    "{code, message, details} with the gRPC code, under the canonical HTTP status.";

// "indicatorSets" → "indicatorSet", "entries" → "entry", "vetoes" → "veto".
std::string Singular(absl::string_view collection) {
  if (absl::EndsWith(collection, "ies")) {
    return absl::StrCat(collection.substr(0, collection.size() - 3), "y");
  }
  if (absl::EndsWith(collection, "oes")) {
    return std::string(collection.substr(0, collection.size() - 2));
  }
  if (absl::EndsWith(collection, "s") && collection.size() > 1) {
    return std::string(collection.substr(0, collection.size() - 1));
  }
  return absl::StrCat(collection, "Id");
}

// "indicator_set.name" → "name".
std::string LastPartCamel(absl::string_view field_path) {
  absl::string_view last = field_path.substr(field_path.rfind('.') + 1);
  std::string out;
  bool upper = false;
  for (char c : last) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? absl::ascii_toupper(c) : c);
      upper = false;
    }
  }
  return out;
}

bool IsPrefix(const FieldPath& a, const FieldPath& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

Json Content(Json schema) {
  return Json::Object().Set("application/json", Json::Object().Set("schema", std::move(schema)));
}

// Query parameters: the request's fields neither the path nor the body
// binds, nested fields as dotted names ("date.year").
void AddQueryParameters(const Route& route, const Descriptor* message, const std::string& prefix,
                        const FieldPath& parent, int depth, SchemaSet* schemas, Json* out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    FieldPath path = parent;
    path.push_back(field);
    bool bound = route.body == Route::Body::kField && path.front() == route.body_field;
    bool partly_bound = false;
    for (const FieldPath& variable : route.variable_fields) {
      bound = bound || IsPrefix(variable, path);
      partly_bound = partly_bound || IsPrefix(path, variable);
    }
    if (bound || field->is_map()) {
      continue;
    }
    const std::string name = absl::StrCat(prefix, field->json_name());
    const bool message_field = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                               !IsScalarLike(field->message_type());
    if (message_field) {
      if (!field->is_repeated() && depth < 3) {
        AddQueryParameters(route, field->message_type(), absl::StrCat(name, "."), path, depth + 1,
                           schemas, out);
      }
      continue;
    }
    if (partly_bound) {
      continue;
    }
    out->Add(Json::Object()
                 .Set("name", name)
                 .Set("in", "query")
                 .Set("required", false)
                 .Set("schema", schemas->FieldSchema(field)));
  }
}

Json PathParameters(const Route& route, const OpenApiPath& path) {
  Json parameters = Json::Array();
  for (const std::string& name : path.parameters) {
    std::string description = "a segment of the resource name";
    for (size_t v = 0; v < route.path.variables.size(); ++v) {
      if (absl::StrContains(path.variable_forms[v], absl::StrCat("{", name, "}"))) {
        description =
            absl::StrCat("`", route.path.variables[v].field_path, "` is ", path.variable_forms[v]);
      }
    }
    parameters.Add(Json::Object()
                       .Set("name", name)
                       .Set("in", "path")
                       .Set("required", true)
                       .Set("description", description)
                       .Set("schema", Json::Object().Set("type", "string")));
  }
  return parameters;
}

Json Operation(const Route& route, const OpenApiPath& path, const std::string& operation_id,
               SchemaSet* schemas) {
  const auto* method = route.method;
  Json parameters = PathParameters(route, path);
  if (route.body != Route::Body::kAll) {
    AddQueryParameters(route, method->input_type(), "", {}, 0, schemas, &parameters);
  }
  Json operation = Json::Object();
  operation.Set("operationId", operation_id)
      .Set("summary", method->name())
      .Set("description",
           absl::StrCat("gRPC `", route.full_method, "` (", method->input_type()->full_name(),
                        " → ", method->output_type()->full_name(), ")."))
      .Set("tags", Json::Array().Add(method->service()->name()));
  if (!parameters.empty()) {
    operation.Set("parameters", std::move(parameters));
  }
  if (route.body != Route::Body::kNone) {
    Json schema = route.body == Route::Body::kAll ? schemas->MessageSchema(method->input_type())
                                                  : schemas->FieldSchema(route.body_field);
    operation.Set("requestBody", Json::Object().Set("content", Content(std::move(schema))));
  }
  Json answer = route.response_field != nullptr ? schemas->FieldSchema(route.response_field)
                                                : schemas->MessageSchema(method->output_type());
  operation.Set(
      "responses",
      Json::Object()
          .Set("200",
               Json::Object().Set("description", "OK").Set("content", Content(std::move(answer))))
          .Set("default",
               Json::Object()
                   .Set("description", "An error: {code, message, details}")
                   .Set("content", Content(Json::Object().Set(
                                       "$ref", absl::StrCat("#/components/schemas/",
                                                            SchemaSet::kErrorSchema))))));
  return operation;
}

}  // namespace

OpenApiPath ToOpenApiPath(const PathTemplate& t) {
  OpenApiPath out;
  absl::flat_hash_set<std::string> used;
  std::vector<std::string> rendered;  // per segment
  for (size_t i = 0; i < t.segments.size(); ++i) {
    const PathTemplate::Segment& s = t.segments[i];
    if (s.kind == PathTemplate::Kind::kLiteral) {
      rendered.push_back(s.literal);
      continue;
    }
    // A variable of one segment is named after its field ("{book_id}");
    // a segment of a resource name after the collection before it.
    std::string name;
    for (const auto& v : t.variables) {
      if (static_cast<int>(i) == v.start && v.end == v.start + 1) {
        name = LastPartCamel(v.field_path);
      }
    }
    if (name.empty() && i > 0 && t.segments[i - 1].kind == PathTemplate::Kind::kLiteral) {
      name = Singular(t.segments[i - 1].literal);
    }
    if (name.empty()) {
      name = "segment";
    }
    const std::string base = name;
    for (int n = 2; !used.insert(name).second; ++n) {
      name = absl::StrCat(base, n);
    }
    out.parameters.push_back(name);
    rendered.push_back(absl::StrCat("{", name, "}"));
  }
  out.path = absl::StrCat("/", absl::StrJoin(rendered, "/"));
  if (!t.verb.empty()) {
    absl::StrAppend(&out.path, ":", t.verb);
  }
  for (const auto& v : t.variables) {
    out.variable_forms.push_back(
        absl::StrJoin(rendered.begin() + v.start, rendered.begin() + v.end, "/"));
  }
  return out;
}

std::string OpenApiDocument(const RouteTable& routes, const std::vector<RouteSettings>& settings) {
  SchemaSet schemas;
  Json paths = Json::Object();
  Json tags = Json::Array();
  absl::flat_hash_set<std::string> tagged;
  absl::flat_hash_set<std::string> operation_ids;
  for (size_t i = 0; i < routes.routes().size(); ++i) {
    const Route& route = routes.routes()[i];
    const std::string verb = absl::AsciiStrToLower(route.http_method);
    static const absl::flat_hash_set<std::string> kOpenApiVerbs = {
        "get", "put", "post", "delete", "patch", "head", "options"};
    if (settings[i].internal || !kOpenApiVerbs.contains(verb)) {
      continue;
    }
    const auto* service = route.method->service();
    if (tagged.insert(service->name()).second) {
      tags.Add(Json::Object()
                   .Set("name", service->name())
                   .Set("description", absl::StrCat("gRPC service ", service->full_name())));
    }
    std::string operation_id = absl::StrCat(service->name(), "_", route.method->name());
    for (int n = 2; !operation_ids.insert(operation_id).second; ++n) {
      operation_id = absl::StrCat(service->name(), "_", route.method->name(), n);
    }
    OpenApiPath path = ToOpenApiPath(route.path);
    Json* item = paths.Find(path.path);
    if (item == nullptr) {
      paths.Set(path.path, Json::Object());
      item = paths.Find(path.path);
    }
    item->Set(verb, Operation(route, path, operation_id, &schemas));
  }
  Json document = Json::Object();
  document.Set("openapi", "3.0.3")
      .Set("info", Json::Object()
                       .Set("title", "kaoping API")
                       .Set("version", "v1")
                       .Set("description", kDescription)
                       .Set("contact", Json::Object().Set("name", "kaoping maintainers")))
      .Set("servers",
           Json::Array().Add(
               Json::Object()
                   .Set("url", "{scheme}://{host}")
                   .Set("description", "the gateway")
                   .Set("variables",
                        Json::Object()
                            .Set("scheme", Json::Object()
                                               .Set("default", "http")
                                               .Set("enum", Json::Array().Add("http").Add("https")))
                            .Set("host", Json::Object().Set("default", "127.0.0.1:8080")))))
      .Set("security", Json::Array().Add(Json::Object().Set("bearer", Json::Array())))
      .Set("tags", std::move(tags))
      .Set("paths", std::move(paths))
      .Set("components",
           Json::Object()
               .Set("schemas", schemas.Components())
               .Set("securitySchemes",
                    Json::Object().Set("bearer",
                                       Json::Object()
                                           .Set("type", "http")
                                           .Set("scheme", "bearer")
                                           .Set("bearerFormat", "JWT"))));
  return document.Dump();
}

}  // namespace kaoping::gateway
