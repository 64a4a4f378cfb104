// Routes from descriptors: the whole API routes without conflicts, and
// malformed or overlapping rules stop the gateway at start-up.
#include "gateway/route_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"

namespace kaoping::gateway {
namespace {

using ::testing::HasSubstr;

TEST(PathTemplateTest, Parses) {
  auto t = PathTemplate::Parse("/v1/{name=regions/*/indicatorSets/*}:publish");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->segments.size(), 5u);
  EXPECT_EQ(t->verb, "publish");
  ASSERT_EQ(t->variables.size(), 1u);
  EXPECT_EQ(t->variables[0].field_path, "name");
  EXPECT_EQ(t->variables[0].start, 1);
  EXPECT_EQ(t->variables[0].end, 5);
  auto plain = PathTemplate::Parse("/v1/{region=regions/*}/catalog:resolve");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->verb, "resolve");
  EXPECT_EQ(plain->segments.back().literal, "catalog");
  auto bare = PathTemplate::Parse("/v1/{book.name}/x");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->variables[0].field_path, "book.name");
}

TEST(PathTemplateTest, RefusesMalformedTemplates) {
  for (const char* text : {"", "v1/x", "/", "/v1/{name=a/{b}}", "/v1/**/x", "/v1/{na-me}",
                           "/v1/a b", "/v1/{name=x}:", "/v1//x"}) {
    EXPECT_FALSE(PathTemplate::Parse(text).ok()) << text;
  }
}

TEST(PathTemplateTest, Overlaps) {
  auto t = [](const char* s) { return *PathTemplate::Parse(s); };
  EXPECT_TRUE(TemplatesOverlap(t("/v1/{name=regions/*}"), t("/v1/regions/{r}")));
  EXPECT_TRUE(TemplatesOverlap(t("/v1/files/**"), t("/v1/files/a/b")));
  EXPECT_FALSE(TemplatesOverlap(t("/v1/{name=regions/*}"), t("/v1/{name=regions/*}:x")));
  EXPECT_FALSE(TemplatesOverlap(t("/v1/a/*"), t("/v1/b/*")));
  EXPECT_FALSE(TemplatesOverlap(t("/v1/a/*"), t("/v1/a/*/c")));
}

TEST(RouteTableTest, EveryApiMethodHasOneRoute) {
  std::vector<const google::protobuf::ServiceDescriptor*> services = CompiledServices({"kaoping/"});
  ASSERT_GE(services.size(), 4u);
  int methods = 0;
  for (const auto* s : services) {
    methods += s->method_count();
  }
  auto table = RouteTable::Build(services);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(static_cast<int>(table->routes().size()), methods);
}

// A service in a pool of its own, with the given rules on its methods.
class DynamicServiceTest : public ::testing::Test {
 protected:
  absl::StatusOr<RouteTable> BuildWith(
      const std::vector<std::pair<std::string, google::api::HttpRule>>& rules) {
    google::protobuf::FileDescriptorProto file;
    const std::string package = absl::StrCat("dyn", ++counter_);
    file.set_name(absl::StrCat(package, ".proto"));
    file.set_package(package);
    file.set_syntax("proto3");
    auto* request = file.add_message_type();
    request->set_name("Request");
    auto* name = request->add_field();
    name->set_name("name");
    name->set_number(1);
    name->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    name->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    auto* service = file.add_service();
    service->set_name("Dyn");
    for (const auto& [method_name, rule] : rules) {
      auto* method = service->add_method();
      method->set_name(method_name);
      method->set_input_type(absl::StrCat(".", package, ".Request"));
      method->set_output_type(absl::StrCat(".", package, ".Request"));
      *method->mutable_options()->MutableExtension(google::api::http) = rule;
    }
    const auto* built = pool_.BuildFile(file);
    if (built == nullptr) {
      return absl::InternalError("bad test file");
    }
    return RouteTable::Build({built->service(0)});
  }

  static google::api::HttpRule Get(const std::string& path) {
    google::api::HttpRule rule;
    rule.set_get(path);
    return rule;
  }

  google::protobuf::DescriptorPool pool_;
  int counter_ = 0;
};

TEST_F(DynamicServiceTest, OverlappingRoutesAreRefused) {
  auto table = BuildWith({{"A", Get("/v1/{name=things/*}")}, {"B", Get("/v1/things/{name}")}});
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(table.status().message(), HasSubstr("routes overlap"));
  EXPECT_THAT(table.status().message(), HasSubstr("dyn1.Dyn/A"));
}

TEST_F(DynamicServiceTest, SamePathOtherVerbIsFine) {
  google::api::HttpRule post;
  post.set_post("/v1/{name=things/*}");
  post.set_body("*");
  EXPECT_TRUE(BuildWith({{"A", Get("/v1/{name=things/*}")}, {"B", post}}).ok());
}

TEST_F(DynamicServiceTest, RulesNamingMissingFieldsAreRefused) {
  auto table = BuildWith({{"A", Get("/v1/{parent=things/*}")}});
  EXPECT_THAT(table.status().message(), HasSubstr("has no field `parent`"));
  google::api::HttpRule body = Get("/v1/x");
  body.set_body("payload");
  EXPECT_THAT(BuildWith({{"B", body}}).status().message(), HasSubstr("body"));
  google::api::HttpRule response = Get("/v1/y");
  response.set_response_body("name");
  EXPECT_THAT(BuildWith({{"C", response}}).status().message(), HasSubstr("response_body"));
  EXPECT_THAT(BuildWith({{"D", Get("v1/no-slash")}}).status().message(),
              HasSubstr(".Dyn.D: path template"));
}

}  // namespace
}  // namespace kaoping::gateway
