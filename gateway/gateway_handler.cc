#include "gateway/gateway_handler.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/transcoder.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/common/http/utf8.h"
#include "services/common/log.h"

namespace kaoping::gateway {

using google::protobuf::Message;

struct GatewayHandler::Call {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  size_t route_index = 0;
  Upstream* upstream = nullptr;
  http::Responder respond{nullptr};
  absl::Time start;
  Asked asked;
};

namespace {

constexpr absl::string_view kHealthz = R"({"status":"SERVING"})";

http::Response Refusal(absl::StatusCode code, absl::string_view message, int http_status = 0) {
  return http::ErrorResponse(code, message, http_status);
}

// The JSON of each google.protobuf.Any in a serialized google.rpc.Status
// (grpc-status-details-bin): types this binary knows print as their JSON,
// others as {"@type", "value" (base64)}.
std::vector<std::string> DetailsJson(const std::string& status_bytes) {
  using google::protobuf::internal::WireFormatLite;
  std::vector<std::string> out;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(status_bytes.data()),
                                            static_cast<int>(status_bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (tag != WireFormatLite::MakeTag(3, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
      if (!WireFormatLite::SkipField(&in, tag)) {
        break;
      }
      continue;
    }
    std::string bytes;
    google::protobuf::Any any;
    uint32_t length = 0;
    if (!in.ReadVarint32(&length) || !in.ReadString(&bytes, static_cast<int>(length)) ||
        !any.ParseFromString(bytes)) {
      break;
    }
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(any, &json).ok()) {
      std::string value;
      absl::Base64Escape(any.value(), &value);
      json = absl::StrCat("{\"@type\":", JsonQuote(any.type_url()), ",\"value\":\"", value, "\"}");
    }
    out.push_back(std::move(json));
  }
  return out;
}

}  // namespace

GatewayHandler::GatewayHandler(HandlerDeps deps) : deps_(std::move(deps)) {
  for (const Route& route : deps_.routes->routes()) {
    grpc_paths_.push_back(absl::StrCat("/", route.full_method));
  }
}

GatewayHandler::~GatewayHandler() {
  CancelOutstanding();
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](absl::flat_hash_set<Call*>* calls) { return calls->empty(); }, &outstanding_));
}

void GatewayHandler::CancelOutstanding() {
  absl::MutexLock lock(&mutex_);
  for (Call* call : outstanding_) {
    call->context.TryCancel();
  }
}

std::optional<http::Response> GatewayHandler::ServeOwn(const http::Request& request,
                                                       absl::string_view path) const {
  if (path != "/openapi.json" && path != "/healthz") {
    return std::nullopt;
  }
  if (request.method != "GET") {
    http::Response response = Refusal(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("method ", http::QuotableUtf8(request.method), " not allowed; allowed: GET"),
        405);
    response.headers.push_back({"allow", "GET"});
    return response;
  }
  http::Response response;
  response.body = path == "/healthz" ? std::string(kHealthz) : deps_.openapi_json;
  return response;
}

void GatewayHandler::Handle(http::Request request, http::Responder respond) {
  const absl::Time start = absl::Now();
  absl::string_view target = request.target;
  const size_t question = target.find('?');
  const absl::string_view path = target.substr(0, question);
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);
  Asked asked{request.method, http::QuotableUtf8(path, 300), request.peer};
  if (auto own = ServeOwn(request, path); own.has_value()) {
    return Reply(path == "/healthz" ? "healthz" : "openapi", start, asked, *std::move(own),
                 respond);
  }
  for (OwnRoutes* own : deps_.own_routes) {
    if (absl::string_view label = own->Claims(path); !label.empty()) {
      http::Responder logged([this, label = std::string(label), start, asked,
                              respond = std::move(respond)](http::Response response) mutable {
        Reply(label, start, asked, std::move(response), respond);
      });
      return own->Handle(std::move(request), std::move(logged));
    }
  }
  RouteTable::Match match = deps_.routes->Find(request.method, path);
  if (match.outcome == RouteTable::Match::Outcome::kFound &&
      deps_.settings[match.route - deps_.routes->routes().data()].internal) {
    match.outcome = RouteTable::Match::Outcome::kNoRoute;  // as if it did not exist
  }
  switch (match.outcome) {
    case RouteTable::Match::Outcome::kFound:
      break;
    case RouteTable::Match::Outcome::kNoRoute:
      return Reply("unrouted", start, asked,
                   Refusal(absl::StatusCode::kNotFound,
                           absl::StrCat("no route for ", http::QuotableUtf8(request.method), " ",
                                        asked.path)),
                   respond);
    case RouteTable::Match::Outcome::kWrongMethod: {
      const std::string allowed = absl::StrJoin(match.allowed, ", ");
      http::Response response =
          Refusal(absl::StatusCode::kUnimplemented,
                  absl::StrCat("method ", http::QuotableUtf8(request.method), " not allowed on ",
                               asked.path, "; allowed: ", allowed),
                  405);
      response.headers.push_back({"allow", allowed});
      return Reply("unrouted", start, asked, std::move(response), respond);
    }
    case RouteTable::Match::Outcome::kBadPath:
      return Reply("unrouted", start, asked,
                   Refusal(absl::StatusCode::kInvalidArgument, match.error), respond);
  }
  const size_t index = match.route - deps_.routes->routes().data();
  const Route& route = *match.route;
  if (auto refused = Authenticate(request, &asked.subject); refused.has_value()) {
    return Reply(route.full_method, start, asked, *std::move(refused), respond);
  }
  auto call = std::make_unique<Call>();
  call->route_index = index;
  call->start = start;
  if (auto refused = Transcode(match, query, request, call.get()); refused.has_value()) {
    return Reply(route.full_method, start, asked, *std::move(refused), respond);
  }
  if (auto refused = ChooseUpstream(index, path, call.get()); refused.has_value()) {
    return Reply(route.full_method, start, asked, *std::move(refused), respond);
  }
  call->context.AddMetadata("authorization", *request.Find("authorization"));
  call->context.set_deadline(absl::ToChronoTime(start + deps_.settings[index].deadline));
  call->respond = std::move(respond);
  call->asked = std::move(asked);
  StartCall(std::move(call));
}

std::optional<http::Response> GatewayHandler::Authenticate(const http::Request& request,
                                                           std::string* subject) const {
  std::vector<absl::string_view> values;
  for (const http::Header& h : request.headers) {
    if (h.name == "authorization") {
      if (h.value.size() > deps_.max_token_bytes) {
        // Refused here: forwarded, it would exceed gRPC's metadata limit.
        return Refusal(
            absl::StatusCode::kInvalidArgument,
            absl::StrCat("authorization header exceeds ", deps_.max_token_bytes, " bytes"), 431);
      }
      values.emplace_back(h.value);
    }
  }
  auto authenticated = deps_.authenticator->AuthenticateAuthorization(values);
  if (!authenticated.ok()) {
    http::Response response =
        Refusal(authenticated.status().code(), authenticated.status().message());
    response.headers.push_back({"www-authenticate", "Bearer"});
    return response;
  }
  const Principal* principal = authenticated->get();
  *subject = principal->subject;
  absl::Duration retry_after;
  if (principal->IsSystem() && !deps_.rate_limiter->Allow(principal->subject, &retry_after)) {
    deps_.metrics->RecordRateLimited();
    http::Response response =
        Refusal(absl::StatusCode::kResourceExhausted,
                absl::StrCat("rate limit of client ", http::QuotableUtf8(principal->subject),
                             " exceeded; retry after ", absl::FormatDuration(retry_after)));
    response.headers.push_back(
        {"retry-after", absl::StrCat(std::max<int64_t>(
                            1, absl::ToInt64Seconds(absl::Ceil(retry_after, absl::Seconds(1)))))});
    return response;
  }
  return std::nullopt;
}

std::optional<http::Response> GatewayHandler::Transcode(const RouteTable::Match& match,
                                                        absl::string_view query,
                                                        const http::Request& request,
                                                        Call* call) const {
  const std::string* content_type = request.Find("content-type");
  if (!request.body.empty() && content_type != nullptr &&
      !absl::StartsWithIgnoreCase(*content_type, "application/json")) {
    return Refusal(absl::StatusCode::kInvalidArgument,
                   "request body must be JSON (Content-Type: application/json)", 415);
  }
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      match.route->method->input_type());
  std::unique_ptr<Message> message(prototype->New());
  if (absl::Status st = BuildRequest(match, query, request.body, message.get()); !st.ok()) {
    return Refusal(st.code(), st.message());
  }
  if (message->ByteSizeLong() > static_cast<size_t>(kMaxUpstreamMessageBytes)) {
    return Refusal(absl::StatusCode::kInvalidArgument, "request too large for the service", 413);
  }
  bool own_buffer = false;
  grpc::Status st =
      grpc::SerializationTraits<Message>::Serialize(*message, &call->request, &own_buffer);
  if (!st.ok()) {
    return Refusal(absl::StatusCode::kInternal, "request does not serialize");
  }
  return std::nullopt;
}

std::optional<http::Response> GatewayHandler::ChooseUpstream(size_t index, absl::string_view path,
                                                             Call* call) const {
  const Route& route = deps_.routes->routes()[index];
  const std::string& collection = deps_.settings[index].upstream_collection;
  std::string what = route.method->service()->full_name();
  if (collection.empty()) {
    call->upstream = deps_.upstreams->For(route.method->service());
  } else {
    // ".../auditLogs/indicators/records": the API named after the collection.
    const std::string marker = absl::StrCat("/", collection, "/");
    const size_t at = path.find(marker);
    absl::string_view api =
        at == absl::string_view::npos ? absl::string_view() : path.substr(at + marker.size());
    api = api.substr(0, api.find_first_of("/:"));
    auto upstream = deps_.upstreams->ForApi(api);
    if (!upstream.ok()) {
      return Refusal(upstream.status().code(),
                     absl::StrCat(collection, ": ", upstream.status().message()));
    }
    call->upstream = *upstream;
    what = absl::StrCat(what, " of ", api);
  }
  if (call->upstream == nullptr) {
    return Refusal(absl::StatusCode::kUnavailable,
                   absl::StrCat(what,
                                " is not available: this deployment runs no upstream for it; try "
                                "again once it is deployed"));
  }
  return std::nullopt;
}

void GatewayHandler::StartCall(std::unique_ptr<Call> owned) {
  Call* call = owned.release();
  {
    absl::MutexLock lock(&mutex_);
    outstanding_.insert(call);
  }
  call->upstream->NextStub().UnaryCall(
      &call->context, grpc_paths_[call->route_index], grpc::StubOptions(), &call->request,
      &call->response, [this, call](grpc::Status status) { OnCallDone(call, status); });
}

void GatewayHandler::OnCallDone(Call* raw, const grpc::Status& status) {
  std::unique_ptr<Call> call(raw);
  const Route& route = deps_.routes->routes()[call->route_index];
  deps_.metrics->RecordUpstream(route.full_method,
                                static_cast<absl::StatusCode>(status.error_code()));
  http::Response response;
  if (!status.ok()) {
    response = UpstreamError(*call, status);
  } else {
    const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
        route.method->output_type());
    std::unique_ptr<Message> message(prototype->New());
    auto json = grpc::SerializationTraits<Message>::Deserialize(&call->response, message.get()).ok()
                    ? ResponseToJson(route, *message)
                    : absl::InternalError("the service's answer does not parse");
    response = json.ok() ? http::Response{200, "application/json", *std::move(json), {}}
                         : Refusal(json.status().code(), json.status().message());
  }
  Reply(route.full_method, call->start, call->asked, std::move(response), call->respond);
  call.reset();
  absl::MutexLock lock(&mutex_);
  outstanding_.erase(raw);
}

http::Response GatewayHandler::UpstreamError(const Call& call, const grpc::Status& status) const {
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  const Route& route = deps_.routes->routes()[call.route_index];
  const std::string& service = route.method->service()->full_name();
  std::string message = status.error_message();
  if (code == absl::StatusCode::kUnavailable && !call.upstream->Reachable()) {
    LogWarning("upstream unreachable", {{"service", service},
                                        {"address", call.upstream->address()},
                                        {"error", status.error_message()}});
    message = absl::StrCat(service,
                           " is unavailable: the gateway cannot reach it; try again "
                           "shortly");
  } else if (code == absl::StatusCode::kDeadlineExceeded) {
    message = absl::StrCat(service, " did not answer within ",
                           absl::FormatDuration(deps_.settings[call.route_index].deadline));
  }
  http::Response response;
  response.status = http::HttpStatusForCode(code);
  response.body = http::ErrorBody(code, message, DetailsJson(status.error_details()));
  if (code == absl::StatusCode::kUnauthenticated) {
    response.headers.push_back({"www-authenticate", "Bearer"});
  }
  return response;
}

void GatewayHandler::Reply(absl::string_view route, absl::Time start, const Asked& asked,
                           http::Response response, http::Responder& respond) const {
  const absl::Duration latency = absl::Now() - start;
  deps_.metrics->RecordRequest(route, response.status, latency);
  LogInfo("request", {{"method", asked.method},
                      {"path", asked.path},
                      {"route", route},
                      {"status", response.status},
                      {"ms", absl::ToDoubleMilliseconds(latency)},
                      {"principal", asked.subject},
                      {"peer", asked.peer}});
  respond(std::move(response));
}

}  // namespace kaoping::gateway
