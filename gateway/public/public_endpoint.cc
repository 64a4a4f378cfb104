#include "gateway/public/public_endpoint.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/upstreams.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "kaoping/v1/evaluations.grpc.pb.h"
#include "services/common/client/downstream.h"
#include "services/common/crypto.h"
#include "services/common/http/utf8.h"
#include "services/common/log.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {

enum class PublicKind { kChallenge, kListNotices, kGetNotice, kSubmitReport, kRedeem, kNone };

struct PublicEndpoint::Call {
  PublicKind kind = PublicKind::kNone;
  std::string region_code;
  std::string notice;  // regions/{r}/publicNotices/{n}
  std::string query;
  std::string body;
};

namespace {

constexpr absl::string_view kPrefix = "/public/v1/";

http::Response Error(const absl::Status& status) {
  return http::ErrorResponse(status.code(), status.message());
}

http::Response Json(const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) {
    return Error(absl::InternalError("the answer does not print as JSON"));
  }
  http::Response response{200, "application/json", std::move(json), {}};
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

bool IsId(absl::string_view id) {
  if (id.empty() || id.size() > 100) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<double> Rate(const Config& config, absl::string_view key, double fallback) {
  if (!config.Has(key)) {
    return fallback;
  }
  double value = 0;
  if (!absl::SimpleAtod(config.Get(key, ""), &value) || !(value > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", key, "` must be a number > 0"));
  }
  return value;
}

// A JSON object's string member, taken out of it.
std::string TakeString(google::protobuf::Struct* object, const std::string& key) {
  auto it = object->mutable_fields()->find(key);
  if (it == object->mutable_fields()->end()) {
    return "";
  }
  std::string value = it->second.string_value();
  object->mutable_fields()->erase(it);
  return value;
}

absl::Status ParseBody(const std::string& body, google::protobuf::Message* message) {
  auto parsed = google::protobuf::util::JsonStringToMessage(body.empty() ? "{}" : body, message);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: ", http::QuotableUtf8(std::string(parsed.message()), 300)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PublicEndpointOptions> PublicEndpointOptionsFromConfig(const Config& config) {
  PublicEndpointOptions o;
  o.client_header = config.Get("public_client_header", "");
  ASSIGN_OR_RETURN(o.read_rate, Rate(config, "public_read_rate", o.read_rate));
  ASSIGN_OR_RETURN(o.read_burst, Rate(config, "public_read_burst", o.read_burst));
  ASSIGN_OR_RETURN(o.report_rate, Rate(config, "public_report_rate", o.report_rate));
  ASSIGN_OR_RETURN(o.report_burst, Rate(config, "public_report_burst", o.report_burst));
  ASSIGN_OR_RETURN(o.redeem_rate, Rate(config, "public_redeem_rate", o.redeem_rate));
  ASSIGN_OR_RETURN(o.redeem_burst, Rate(config, "public_redeem_burst", o.redeem_burst));
  ASSIGN_OR_RETURN(int64_t bits, config.GetInt("public_challenge_bits", o.challenge_bits));
  if (bits < 8 || bits > 28) {
    return absl::InvalidArgumentError("configuration: `public_challenge_bits` must be 8..28");
  }
  o.challenge_bits = static_cast<int>(bits);
  ASSIGN_OR_RETURN(o.deadline, config.GetDuration("public_timeout", o.deadline));
  if (const std::string file = config.Get("public_challenge_key_file", ""); !file.empty()) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().size() < 16) {
      return absl::InvalidArgumentError(absl::StrCat(
          "configuration: `public_challenge_key_file`: cannot read 16 bytes or more from ", file));
    }
    o.challenge_key = text.str();
  }
  return o;
}

namespace {

PublicEndpoint::Call Route(absl::string_view method, absl::string_view path) {
  PublicEndpoint::Call call;
  absl::string_view rest = path;
  if (!absl::ConsumePrefix(&rest, kPrefix)) {
    return call;
  }
  if (rest == "challenge") {
    call.kind = method == "GET" ? PublicKind::kChallenge : PublicKind::kNone;
    return call;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
  if (parts.size() < 2 || parts[0] != "regions") {
    return call;
  }
  absl::string_view region = parts[1];
  if (parts.size() == 2 && absl::ConsumeSuffix(&region, ":redeemInvitationCode")) {
    call.kind = method == "POST" ? PublicKind::kRedeem : PublicKind::kNone;
  } else if (parts.size() == 3 && parts[2] == "publicNotices") {
    call.kind = method == "GET" ? PublicKind::kListNotices : PublicKind::kNone;
  } else if (parts.size() == 4 && parts[2] == "publicNotices") {
    absl::string_view notice = parts[3];
    const bool report = absl::ConsumeSuffix(&notice, ":submitReport");
    if (!IsId(notice)) {
      return call;
    }
    call.notice = absl::StrCat("regions/", region, "/publicNotices/", notice);
    call.kind = (report ? method == "POST" : method == "GET")
                    ? (report ? PublicKind::kSubmitReport : PublicKind::kGetNotice)
                    : PublicKind::kNone;
  }
  call.region_code = std::string(region);
  if (!IsValidRegionCode(call.region_code)) {
    call.kind = PublicKind::kNone;
  }
  return call;
}

}  // namespace

PublicEndpoint::PublicEndpoint(PublicEndpointOptions options, Upstream* evaluations,
                               const ServiceIdentity* identity,
                               std::unique_ptr<RaterTokenSigner> rater_tokens, const Clock* clock)
    : options_(options),
      evaluations_(evaluations),
      identity_(identity),
      rater_tokens_(std::move(rater_tokens)),
      clock_(clock),
      proof_of_work_(options.challenge_key, options.challenge_bits, options.challenge_lifetime,
                     clock),
      reads_(options.read_rate, options.read_burst, clock),
      reports_(options.report_rate, options.report_burst, clock),
      redemptions_(options.redeem_rate, options.redeem_burst, clock),
      pool_(options.threads, 1000, size_t{64} << 20) {}

PublicEndpoint::~PublicEndpoint() { pool_.Shutdown(); }

absl::string_view PublicEndpoint::Claims(absl::string_view path) const {
  return absl::StartsWith(path, kPrefix) ? "public" : "";
}

void PublicEndpoint::Handle(http::Request request, http::Responder respond) {
  absl::string_view target = request.target;
  const size_t question = target.find('?');
  Call call = Route(request.method, target.substr(0, question));
  if (call.kind == PublicKind::kNone) {
    return respond(Error(absl::NotFoundError(
        absl::StrCat("no public route for ", http::QuotableUtf8(request.method), " ",
                     http::QuotableUtf8(target.substr(0, question), 300)))));
  }
  if (question != absl::string_view::npos) {
    call.query = std::string(target.substr(question + 1));
  }
  RateLimiter& limiter = call.kind == PublicKind::kSubmitReport ? reports_
                         : call.kind == PublicKind::kRedeem     ? redemptions_
                                                                : reads_;
  absl::Duration retry_after;
  if (!limiter.Allow(ClientAddress(request, options_.client_header), &retry_after)) {
    http::Response limited = Error(absl::ResourceExhaustedError(
        absl::StrCat("too many requests from this address; retry after ",
                     absl::FormatDuration(absl::Ceil(retry_after, absl::Seconds(1))))));
    limited.headers.push_back(
        {"retry-after", absl::StrCat(std::max<int64_t>(
                            1, absl::ToInt64Seconds(absl::Ceil(retry_after, absl::Seconds(1)))))});
    return respond(std::move(limited));
  }
  if (call.kind == PublicKind::kChallenge) {
    return respond(Challenge());
  }
  call.body = std::move(request.body);
  auto responder = std::make_shared<http::Responder>(std::move(respond));
  auto task = [this, call = std::move(call), responder](bool run) {
    (*responder)(run ? Serve(call) : Error(absl::UnavailableError("the gateway is shutting down")));
  };
  if (!pool_.TrySubmit(std::move(task), 0)) {
    (*responder)(Error(absl::UnavailableError("busy; try again shortly")));
  }
}

http::Response PublicEndpoint::Serve(const Call& call) {
  if (evaluations_ == nullptr) {
    return Error(absl::UnavailableError(
        "kaoping.v1.EvaluationService is not available: this deployment runs no upstream for it"));
  }
  switch (call.kind) {
    case PublicKind::kListNotices:
      return ListNotices(call);
    case PublicKind::kGetNotice:
      return GetNotice(call);
    case PublicKind::kSubmitReport:
      return SubmitReport(call);
    case PublicKind::kRedeem:
      return Redeem(call);
    default:
      return Error(absl::InternalError("unrouted public call"));
  }
}

absl::StatusOr<std::string> PublicEndpoint::ServiceToken() const {
  auto token = identity_ == nullptr ? absl::FailedPreconditionError("no service identity")
                                    : identity_->Token();
  if (!token.ok()) {
    return absl::UnavailableError(
        absl::StrCat("public access is not configured on this gateway (its own credential: ",
                     token.status().message(), ")"));
  }
  return token;
}

http::Response PublicEndpoint::Challenge() const {
  const ProofOfWork::Challenge challenge = proof_of_work_.Issue();
  http::Response response;
  response.body = absl::StrCat(
      "{\"challenge\":\"", challenge.token, "\",\"bits\":", challenge.bits, ",\"expireTime\":\"",
      absl::FormatTime(absl::RFC3339_sec, challenge.expire_time, absl::UTCTimeZone()), "\"}");
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

http::Response PublicEndpoint::ListNotices(const Call& call) {
  v1::ListPublicNoticesRequest request;
  request.set_parent(absl::StrCat("regions/", call.region_code));
  for (absl::string_view pair : absl::StrSplit(call.query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    int size = 0;
    if (kv.first == "pageToken") {
      request.set_page_token(std::string(kv.second));
    } else if (kv.first == "pageSize" && absl::SimpleAtoi(kv.second, &size)) {
      request.set_page_size(size);
    } else {
      return Error(absl::InvalidArgumentError(
          absl::StrCat("query parameter ", http::QuotableUtf8(kv.first, 40),
                       ": a public list takes pageSize (a number) and pageToken")));
    }
  }
  auto token = ServiceToken();
  if (!token.ok()) {
    return Error(token.status());
  }
  auto context = DownstreamContext(*token, options_.deadline);
  v1::ListPublicNoticesResponse response;
  grpc::Status status = v1::EvaluationService::NewStub(evaluations_->NextChannel())
                            ->ListPublicNotices(context.get(), request, &response);
  return status.ok() ? Json(response) : Error(FromDownstream("evaluations", status));
}

http::Response PublicEndpoint::GetNotice(const Call& call) {
  if (!call.query.empty()) {
    return Error(absl::InvalidArgumentError("a public notice takes no query parameters"));
  }
  v1::GetPublicNoticeRequest request;
  request.set_name(call.notice);
  auto token = ServiceToken();
  if (!token.ok()) {
    return Error(token.status());
  }
  auto context = DownstreamContext(*token, options_.deadline);
  v1::PublicNotice notice;
  grpc::Status status = v1::EvaluationService::NewStub(evaluations_->NextChannel())
                            ->GetPublicNotice(context.get(), request, &notice);
  return status.ok() ? Json(notice) : Error(FromDownstream("evaluations", status));
}

http::Response PublicEndpoint::SubmitReport(const Call& call) {
  google::protobuf::Struct object;
  if (absl::Status parsed = ParseBody(call.body, &object); !parsed.ok()) {
    return Error(parsed);
  }
  const std::string challenge = TakeString(&object, "challenge");
  const std::string nonce = TakeString(&object, "nonce");
  if (absl::Status solved = proof_of_work_.Verify(challenge, nonce); !solved.ok()) {
    return Error(solved);
  }
  for (const char* set_here : {"name", "requestId", "request_id"}) {
    if (object.fields().contains(set_here)) {
      return Error(absl::InvalidArgumentError(
          absl::StrCat(set_here, ": set by the gateway (the path and the challenge)")));
    }
  }
  std::string json;
  v1::SubmitPublicReportRequest request;
  if (!google::protobuf::util::MessageToJsonString(object, &json).ok()) {
    return Error(absl::InvalidArgumentError("request body: not a JSON object"));
  }
  if (absl::Status parsed = ParseBody(json, &request); !parsed.ok()) {
    return Error(parsed);
  }
  request.set_name(call.notice);
  // One challenge, one report: a replay gets the first receipt.
  request.set_request_id(absl::StrCat("public-report-", ProofOfWork::IdOf(challenge)));
  auto token = ServiceToken();
  if (!token.ok()) {
    return Error(token.status());
  }
  auto context = DownstreamContext(*token, options_.deadline);
  v1::SubmitPublicReportResponse receipt;
  grpc::Status status = v1::EvaluationService::NewStub(evaluations_->NextChannel())
                            ->SubmitPublicReport(context.get(), request, &receipt);
  return status.ok() ? Json(receipt) : Error(FromDownstream("evaluations", status));
}

http::Response PublicEndpoint::Redeem(const Call& call) {
  if (rater_tokens_ == nullptr) {
    return Error(absl::UnavailableError(
        "access codes cannot be redeemed here: the gateway has no key to sign rater tokens "
        "(rater_token_key_file)"));
  }
  v1::RedeemInvitationCodeRequest request;
  if (absl::Status parsed = ParseBody(call.body, &request); !parsed.ok()) {
    return Error(parsed);
  }
  if (!request.region().empty()) {
    return Error(absl::InvalidArgumentError("region: set by the path"));
  }
  if (request.access_code().empty() || request.access_code().size() > 64) {
    return Error(absl::InvalidArgumentError("access_code: must be 1..64 characters"));
  }
  if (request.request_id().empty()) {
    request.set_request_id(absl::StrCat("redeem-", HexEncode(RandomBytes(12))));
  } else if (!IsId(request.request_id())) {
    return Error(
        absl::InvalidArgumentError("request_id: at most 100 letters, digits, '-', '_' or '.'"));
  }
  request.set_region(absl::StrCat("regions/", call.region_code));
  auto token = ServiceToken();
  if (!token.ok()) {
    return Error(token.status());
  }
  auto context = DownstreamContext(*token, options_.deadline);
  v1::RedeemInvitationCodeResponse redeemed;
  grpc::Status status = v1::EvaluationService::NewStub(evaluations_->NextChannel())
                            ->RedeemInvitationCode(context.get(), request, &redeemed);
  if (!status.ok()) {
    return Error(FromDownstream("evaluations", status));
  }
  const absl::Time now = clock_->Now();
  const absl::Time window_end = absl::FromUnixNanos(
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(redeemed.window_end_time()));
  absl::Time expiry;
  auto rater_token =
      rater_tokens_->Sign(redeemed.rater_principal(), call.region_code,
                          redeemed.has_window_end_time() ? window_end : now, now, &expiry);
  if (!rater_token.ok()) {
    return Error(absl::InternalError("the rater token cannot be signed"));
  }
  http::Response response;
  response.body = absl::StrCat(
      "{\"token\":\"", *rater_token, "\",\"invitation\":", JsonQuote(redeemed.invitation()),
      ",\"requestId\":", JsonQuote(request.request_id()), ",\"expireTime\":\"",
      absl::FormatTime(absl::RFC3339_sec, expiry, absl::UTCTimeZone()), "\"}");
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

}  // namespace kaoping::gateway
