#include "services/common/client/generic_call.h"

#include <future>

#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace kaoping {
namespace {

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

const google::protobuf::MethodDescriptor* FindMethod(absl::string_view method) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::string name(method);
  if (!absl::StartsWith(name, "kaoping.")) {
    name = absl::StrCat("kaoping.v1.", name);
  }
  size_t slash = name.rfind('/');
  if (slash == std::string::npos) {
    return nullptr;
  }
  const auto* service = pool->FindServiceByName(name.substr(0, slash));
  return service == nullptr ? nullptr : service->FindMethodByName(name.substr(slash + 1));
}

}  // namespace

absl::StatusOr<std::string> CallRaw(grpc::Channel& channel, const std::string& full_method,
                                    const std::string& request, const CallMetadata& metadata,
                                    absl::Duration deadline) {
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  for (const auto& [k, v] : metadata) {
    context.AddMetadata(k, v);
  }
  grpc::ByteBuffer request_buffer = ToByteBuffer(request);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, full_method, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return FromByteBuffer(response_buffer);
}

absl::StatusOr<std::string> CallJson(grpc::Channel& channel, absl::string_view method,
                                     absl::string_view json, const CallMetadata& metadata,
                                     absl::Duration deadline) {
  const google::protobuf::MethodDescriptor* descriptor = FindMethod(method);
  if (descriptor == nullptr) {
    return absl::NotFoundError(absl::StrCat("no method ", method, " in the kaoping API"));
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(descriptor->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype(descriptor->output_type())->New());
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), request.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request JSON: ", parsed.message().as_string()));
  }
  const std::string full_method =
      absl::StrCat("/", descriptor->service()->full_name(), "/", descriptor->name());
  auto bytes = CallRaw(channel, full_method, request->SerializeAsString(), metadata, deadline);
  if (!bytes.ok()) {
    return bytes.status();
  }
  if (!response->ParseFromString(*bytes)) {
    return absl::DataLossError("response does not parse");
  }
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(*response, &out, options);
  return out;
}

absl::StatusOr<bool> CheckHealth(grpc::Channel& channel, const std::string& service,
                                 absl::Duration deadline) {
  // HealthCheckRequest { string service = 1; } and HealthCheckResponse
  // { ServingStatus status = 1; }, encoded by hand: two fields are not worth
  // a copy of health.proto.
  if (service.size() > 127) {
    return absl::InvalidArgumentError("service: name too long for a health check");
  }
  std::string request;
  if (!service.empty()) {
    request.push_back(0x0a);
    request.push_back(static_cast<char>(service.size()));
    request.append(service);
  }
  auto response = CallRaw(channel, "/grpc.health.v1.Health/Check", request, {}, deadline);
  if (!response.ok()) {
    return response.status();
  }
  return response->size() == 2 && (*response)[0] == 0x08 && (*response)[1] == 1;
}

}  // namespace kaoping
