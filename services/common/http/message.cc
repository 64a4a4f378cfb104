#include "services/common/http/message.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/http/utf8.h"
#include "services/common/log.h"

namespace kaoping::http {

const std::string* Request::Find(absl::string_view name) const {
  for (const Header& h : headers) {
    if (h.name == name) {
      return &h.value;
    }
  }
  return nullptr;
}

int Request::Count(absl::string_view name) const {
  int n = 0;
  for (const Header& h : headers) {
    n += h.name == name ? 1 : 0;
  }
  return n;
}

int HttpStatusForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    default:
      return 500;
  }
}

std::string ErrorBody(absl::StatusCode code, absl::string_view message,
                      const std::vector<std::string>& details_json) {
  return absl::StrCat("{\"code\":", static_cast<int>(code),
                      ",\"message\":", JsonQuote(QuotableUtf8(message, 4096)), ",\"details\":[",
                      absl::StrJoin(details_json, ","), "]}");
}

Response ErrorResponse(absl::StatusCode code, absl::string_view message, int http_status) {
  Response response;
  response.status = http_status != 0 ? http_status : HttpStatusForCode(code);
  response.body = ErrorBody(code, message);
  return response;
}

}  // namespace kaoping::http
