// The v1 API obeys its own conventions (protos/README.md), read from the
// descriptors compiled into every binary: routes and field behaviour on
// every RPC, resources named alike, Lists paged alike, and no event payload
// carrying a field that reveals an identity, an opinion or contact details.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "google/api/field_behavior.pb.h"
#include "google/api/resource.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "kaoping/v1/evaluations.pb.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/privacy/event_privacy.h"

namespace kaoping {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

const std::vector<const FileDescriptor*>& ApiFiles() {
  static const auto* files = [] {
    auto* out = new std::vector<const FileDescriptor*>;
    for (const char* name :
         {"kaoping/v1/common.proto", "kaoping/v1/indicators.proto", "kaoping/v1/evaluations.proto",
          "kaoping/v1/appraisals.proto", "kaoping/v1/results.proto", "kaoping/v1/events.proto",
          "kaoping/v1/audit.proto", "kaoping/v1/privacy.proto"}) {
      const FileDescriptor* file =
          google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
      if (file != nullptr) {
        out->push_back(file);
      }
    }
    return out;
  }();
  return *files;
}

bool HasBehavior(const FieldDescriptor& field, google::api::FieldBehavior behavior) {
  const auto& options = field.options();
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == behavior) {
      return true;
    }
  }
  return false;
}

bool HasReference(const FieldDescriptor& field) {
  const auto& reference = field.options().GetExtension(google::api::resource_reference);
  return !reference.type().empty() || !reference.child_type().empty();
}

template <typename Visit>
void ForEachMessage(const Descriptor& message, Visit visit) {
  visit(message);
  for (int i = 0; i < message.nested_type_count(); ++i) {
    ForEachMessage(*message.nested_type(i), visit);
  }
}

template <typename Visit>
void ForEachApiMessage(Visit visit) {
  for (const FileDescriptor* file : ApiFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      ForEachMessage(*file->message_type(i), visit);
    }
  }
}

template <typename Visit>
void ForEachMethod(Visit visit) {
  for (const FileDescriptor* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        visit(*file->service(s)->method(m));
      }
    }
  }
}

TEST(ApiContractTest, TheWholeApiIsCompiledIn) {
  EXPECT_EQ(ApiFiles().size(), 8u);
  int methods = 0;
  ForEachMethod([&](const auto&) { ++methods; });
  EXPECT_GE(methods, 115);
}

TEST(ApiContractTest, EveryRpcHasOneHttpRoute) {
  ForEachMethod([](const google::protobuf::MethodDescriptor& method) {
    const auto& rule = method.options().GetExtension(google::api::http);
    const bool routed = !rule.get().empty() || !rule.post().empty() || !rule.patch().empty() ||
                        !rule.delete_().empty() || !rule.put().empty();
    EXPECT_TRUE(routed) << method.full_name();
    EXPECT_EQ(rule.additional_bindings_size(), 0) << method.full_name();
  });
}

TEST(ApiContractTest, EveryResourceIsNamedByAnIdentifierInItsRegion) {
  int resources = 0;
  ForEachApiMessage([&](const Descriptor& message) {
    const auto& resource = message.options().GetExtension(google::api::resource);
    if (resource.type().empty()) {
      return;
    }
    ++resources;
    EXPECT_TRUE(absl::StartsWith(resource.type(), "kaoping.api/")) << message.full_name();
    ASSERT_EQ(resource.pattern_size(), 1) << message.full_name();
    EXPECT_TRUE(absl::StartsWith(resource.pattern(0), "regions/{region}")) << message.full_name();
    const FieldDescriptor* name = message.FindFieldByNumber(1);
    ASSERT_NE(name, nullptr) << message.full_name();
    EXPECT_EQ(name->name(), "name") << message.full_name();
    EXPECT_EQ(name->type(), FieldDescriptor::TYPE_STRING) << message.full_name();
    EXPECT_TRUE(HasBehavior(*name, google::api::IDENTIFIER)) << message.full_name();
    for (const char* output : {"create_time", "update_time", "creator"}) {
      const FieldDescriptor* field = message.FindFieldByName(output);
      if (field != nullptr) {
        EXPECT_TRUE(HasBehavior(*field, google::api::OUTPUT_ONLY)) << field->full_name();
      }
    }
  });
  EXPECT_GE(resources, 30);
}

TEST(ApiContractTest, EveryRequestNamesItsTargetAsARequiredReference) {
  ForEachMethod([](const google::protobuf::MethodDescriptor& method) {
    const Descriptor& request = *method.input_type();
    for (const char* target : {"name", "parent", "region"}) {
      const FieldDescriptor* field = request.FindFieldByName(target);
      if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING) {
        continue;
      }
      EXPECT_TRUE(HasBehavior(*field, google::api::REQUIRED)) << field->full_name();
      EXPECT_TRUE(HasReference(*field)) << field->full_name();
    }
  });
}

TEST(ApiContractTest, EveryListIsPagedAlike) {
  ForEachMethod([](const google::protobuf::MethodDescriptor& method) {
    if (!absl::StartsWith(method.name(), "List")) {
      return;
    }
    const Descriptor& request = *method.input_type();
    const Descriptor& response = *method.output_type();
    const FieldDescriptor* size = request.FindFieldByName("page_size");
    const FieldDescriptor* token = request.FindFieldByName("page_token");
    const FieldDescriptor* next = response.FindFieldByName("next_page_token");
    ASSERT_NE(size, nullptr) << method.full_name();
    ASSERT_NE(token, nullptr) << method.full_name();
    ASSERT_NE(next, nullptr) << method.full_name();
    EXPECT_EQ(size->type(), FieldDescriptor::TYPE_INT32) << method.full_name();
    EXPECT_EQ(size->number(), 2) << method.full_name();
    EXPECT_EQ(token->number(), 3) << method.full_name();
  });
}

TEST(ApiContractTest, CreateAndUpdateRequestsCarryTheirResourceAsRequired) {
  ForEachMethod([](const google::protobuf::MethodDescriptor& method) {
    const bool create = absl::StartsWith(method.name(), "Create");
    const bool update = absl::StartsWith(method.name(), "Update");
    if (!create && !update) {
      return;
    }
    const Descriptor& resource = *method.output_type();
    const Descriptor& request = *method.input_type();
    const FieldDescriptor* body = nullptr;
    for (int i = 0; i < request.field_count(); ++i) {
      if (request.field(i)->message_type() == &resource) {
        body = request.field(i);
      }
    }
    ASSERT_NE(body, nullptr) << method.full_name();
    EXPECT_TRUE(HasBehavior(*body, google::api::REQUIRED)) << body->full_name();
    const auto& rule = method.options().GetExtension(google::api::http);
    EXPECT_EQ(rule.body(), body->name()) << method.full_name();
    if (update) {
      EXPECT_NE(request.FindFieldByName("update_mask"), nullptr) << method.full_name();
    }
  });
}

TEST(ApiContractTest, NoEventPayloadCarriesAnIdentityAnOpinionOrContactDetails) {
  const FileDescriptor* events = v1::Event::descriptor()->file();
  int payloads = 0;
  for (int i = 0; i < events->message_type_count(); ++i) {
    const Descriptor& payload = *events->message_type(i);
    if (&payload == v1::Event::descriptor()) {
      continue;
    }
    ++payloads;
    const absl::Status st = privacy::CheckEventPayloadType(payload);
    EXPECT_TRUE(st.ok()) << st;
  }
  EXPECT_GE(payloads, 18);
}

TEST(ApiContractTest, TheEventCheckFindsAMarkedFieldAtAnyDepth) {
  // A lead is not an event payload: its reporter and description are marked.
  const absl::Status lead = privacy::CheckEventPayloadType(*v1::Lead::descriptor());
  EXPECT_EQ(lead.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(lead.message()),
              ::testing::HasSubstr("Lead.description is OPINION_TEXT"));
  // A summary reaches the verification findings two messages down.
  const absl::Status summary = privacy::CheckEventPayloadType(*v1::SubjectSummary::descriptor());
  EXPECT_THAT(std::string(summary.message()),
              ::testing::HasSubstr("SubjectSummary.verified_leads.findings is OPINION_TEXT"));
}

}  // namespace
}  // namespace kaoping
