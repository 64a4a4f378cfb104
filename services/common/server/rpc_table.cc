#include "services/common/server/rpc_table.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace kaoping::rpc_internal {

absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request) {
  grpc::ByteBuffer copy(bytes);  // shares the slices
  grpc::ProtoBufferReader reader(&copy);
  if (!reader.status().ok() || !request->ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(absl::StrCat("the request body is not a ",
                                                   request->GetDescriptor()->full_name(),
                                                   " in protobuf encoding"));
  }
  return absl::OkStatus();
}

absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* out) {
  bool own_buffer = false;
  grpc::Status st =
      grpc::SerializationTraits<google::protobuf::Message>::Serialize(response, out, &own_buffer);
  if (!st.ok()) {
    return absl::InternalError(absl::StrCat(
        "cannot serialize ", response.GetDescriptor()->full_name(), ": ", st.error_message()));
  }
  return absl::OkStatus();
}

const google::protobuf::ServiceDescriptor* FindService(absl::string_view full_name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(full_name));
}

namespace {

// What is wrong with one row of a method, if anything.
std::vector<std::string> RowProblems(const google::protobuf::MethodDescriptor& method,
                                     const RowFacts& row) {
  std::vector<std::string> problems;
  const std::string name = method.name();
  if (method.client_streaming() || method.server_streaming()) {
    problems.push_back(absl::StrCat(name, ": streaming methods are not served by a table"));
  }
  if (row.response != method.output_type()) {
    problems.push_back(absl::StrCat(name, ": the domain method returns ", row.response->full_name(),
                                    ", the RPC ", method.output_type()->full_name()));
  }
  if (!row.valid_pattern) {
    problems.push_back(absl::StrCat(name, ": the resource pattern must start regions/{region}"));
  }
  if (row.regional != (row.rule->region != RegionRelation::kNone)) {
    problems.push_back(absl::StrCat(
        name, row.regional ? ": a resource in a region needs a rule with a region relation"
                           : ": a call about no region needs RegionRelation::kNone"));
  }
  if (!row.regional && row.kind != CallKind::kRead) {
    problems.push_back(absl::StrCat(name, ": writes and audited reads are about a region"));
  }
  if (!row.rule->own_unit_roles.empty() && !row.has_unit) {
    problems.push_back(absl::StrCat(name, ": own-unit roles need a resource with units/{unit}"));
  }
  if (row.rule->own_unit_roles.Without(row.rule->roles) != RoleSet()) {
    problems.push_back(absl::StrCat(name, ": own-unit roles must be roles of the rule"));
  }
  return problems;
}

}  // namespace

absl::StatusOr<std::vector<size_t>> MatchRows(const google::protobuf::ServiceDescriptor* service,
                                              const std::vector<RowFacts>& rows) {
  std::vector<std::string> problems;
  std::vector<size_t> order;
  std::vector<bool> used(rows.size(), false);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service->method(i);
    std::vector<size_t> matching;
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].request == method.input_type()) {
        matching.push_back(r);
        used[r] = true;
      }
    }
    if (matching.size() != 1) {
      problems.push_back(absl::StrCat(method.name(), ": ", matching.size(), " rows (one needed)"));
      continue;
    }
    for (std::string& problem : RowProblems(method, rows[matching[0]])) {
      problems.push_back(std::move(problem));
    }
    order.push_back(matching[0]);
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!used[r]) {
      problems.push_back(absl::StrCat("a row takes ", rows[r].request->full_name(),
                                      ", the request of no method of ", service->full_name()));
    }
  }
  if (!problems.empty()) {
    return absl::InternalError(absl::StrCat("the RPC table of ", service->full_name(),
                                            " is wrong: ", absl::StrJoin(problems, "; ")));
  }
  return order;
}

}  // namespace kaoping::rpc_internal
