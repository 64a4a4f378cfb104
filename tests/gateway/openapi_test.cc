// The OpenAPI document: paths as OpenAPI writes them, parameters, bodies,
// schemas in the proto3 JSON mapping. (The linter checks the whole
// document in the test command: scripts/test.)
#include "gateway/openapi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/gateway.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace kaoping::gateway {
namespace {

using ::testing::ElementsAre;

TEST(OpenApiPathTest, VariablesBecomeNamedParameters) {
  auto path = ToOpenApiPath(*PathTemplate::Parse("/v1/{name=regions/*/indicatorSets/*}:publish"));
  EXPECT_EQ(path.path, "/v1/regions/{region}/indicatorSets/{indicatorSet}:publish");
  EXPECT_THAT(path.parameters, ElementsAre("region", "indicatorSet"));
  EXPECT_THAT(path.variable_forms, ElementsAre("regions/{region}/indicatorSets/{indicatorSet}"));
  EXPECT_EQ(
      ToOpenApiPath(*PathTemplate::Parse("/v1/{name=regions/*/cadres/*/archive/entries/*}")).path,
      "/v1/regions/{region}/cadres/{cadre}/archive/entries/{entry}");
  EXPECT_EQ(ToOpenApiPath(*PathTemplate::Parse("/v1/{parent=regions/*}/vetoes")).path,
            "/v1/regions/{region}/vetoes");
  EXPECT_EQ(ToOpenApiPath(*PathTemplate::Parse("/v1/{book.name}/x")).path, "/v1/{name}/x");
  EXPECT_THAT(ToOpenApiPath(*PathTemplate::Parse("/v1/things/*/things/*")).parameters,
              ElementsAre("thing", "thing2"));
}

class OpenApiDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = GatewayOptionsFromConfig(*Config::FromText(""));
    ASSERT_TRUE(options.ok());
    GatewaySetup setup;
    setup.api_prefixes = {"kaoping/", "tests/gateway/"};
    auto api = RouteApi(*options, setup);
    ASSERT_TRUE(api.ok()) << api.status();
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    OpenApiDocument(api->routes, api->settings), &doc_)
                    .ok());
  }
  const google::protobuf::Value& At(std::vector<std::string> keys) {
    const google::protobuf::Struct* current = &doc_;
    static const google::protobuf::Value kMissing;
    for (size_t i = 0; i < keys.size(); ++i) {
      auto it = current->fields().find(keys[i]);
      if (it == current->fields().end()) {
        ADD_FAILURE() << "missing " << keys[i];
        return kMissing;
      }
      if (i + 1 == keys.size()) {
        return it->second;
      }
      current = &it->second.struct_value();
    }
    return kMissing;
  }
  google::protobuf::Struct doc_;
};

TEST_F(OpenApiDocumentTest, OperationsHaveParametersBodiesAndAnswers) {
  const auto& create = At({"paths", "/v1/regions/{region}/indicatorSets", "post"});
  EXPECT_EQ(create.struct_value().fields().at("operationId").string_value(),
            "IndicatorService_CreateIndicatorSet");
  std::vector<std::string> parameters;
  for (const auto& p : create.struct_value().fields().at("parameters").list_value().values()) {
    parameters.push_back(absl::StrCat(p.struct_value().fields().at("in").string_value(), ":",
                                      p.struct_value().fields().at("name").string_value()));
  }
  EXPECT_THAT(parameters, ElementsAre("path:region", "query:indicatorSetId", "query:source",
                                      "query:requestId", "query:validateOnly"));
  EXPECT_EQ(At({"paths", "/v1/regions/{region}/indicatorSets", "post", "requestBody", "content",
                "application/json", "schema", "$ref"})
                .string_value(),
            "#/components/schemas/kaoping.v1.IndicatorSet");
  EXPECT_EQ(At({"paths", "/v1/regions/{region}/indicatorSets", "post", "responses", "default",
                "content", "application/json", "schema", "$ref"})
                .string_value(),
            "#/components/schemas/kaoping.Error");
  // Nested query parameters, as dotted names.
  bool date_year = false;
  for (const auto& p : At({"paths", "/v1/regions/{region}/catalog:resolve", "get", "parameters"})
                           .list_value()
                           .values()) {
    date_year |= p.struct_value().fields().at("name").string_value() == "date.year";
  }
  EXPECT_TRUE(date_year);
}

TEST_F(OpenApiDocumentTest, SchemasFollowTheProto3JsonMapping) {
  const auto& set = At({"components", "schemas", "kaoping.v1.IndicatorSet", "properties"});
  const auto& fields = set.struct_value().fields();
  EXPECT_EQ(fields.at("revision").struct_value().fields().at("type").string_value(), "string")
      << "int64 is a string in JSON";
  EXPECT_EQ(fields.at("createTime").struct_value().fields().at("format").string_value(),
            "date-time");
  EXPECT_EQ(fields.at("dimensions").struct_value().fields().at("type").string_value(), "array");
  EXPECT_EQ(At({"components", "schemas", "kaoping.v1.IndicatorSet.State", "type"}).string_value(),
            "string");
  EXPECT_EQ(At({"components", "schemas", "kaoping.gatewaytest.Book", "properties", "labels",
                "additionalProperties", "type"})
                .string_value(),
            "string")
      << "maps are objects (the test protos' own schemas are there when routed)";
}

}  // namespace
}  // namespace kaoping::gateway
