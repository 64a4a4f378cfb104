#include "services/common/events/redis_client.h"

#include <hiredis/hiredis.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kaoping {
namespace {

// hiredis wants arguments as parallel arrays of pointers and lengths (binary safe).
struct Argv {
  explicit Argv(const std::vector<std::string>& args) {
    for (const auto& a : args) {
      data.push_back(a.data());
      sizes.push_back(a.size());
    }
  }
  int count() const { return static_cast<int>(data.size()); }
  std::vector<const char*> data;
  std::vector<size_t> sizes;
};

absl::StatusOr<RedisReply> Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_NIL:
      out.type = RedisReply::Type::kNil;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) {
        auto e = Convert(r->element[i]);
        if (!e.ok()) {
          return e.status();
        }
        out.elements.push_back(std::move(*e));
      }
      break;
    case REDIS_REPLY_ERROR:
      return absl::FailedPreconditionError(
          absl::StrCat("redis: ", absl::string_view(r->str, r->len)));
    default:
      return absl::InternalError("redis: unexpected reply type");
  }
  return out;
}

}  // namespace

absl::StatusOr<RedisOptions> ParseRedisUrl(absl::string_view url) {
  RedisOptions options;
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "redis://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis url: \"", url, "\" must start with redis://"));
  }
  size_t at = rest.rfind('@');
  if (at != absl::string_view::npos) {
    absl::string_view auth = rest.substr(0, at);
    size_t colon = auth.find(':');
    options.password =
        std::string(colon == absl::string_view::npos ? auth : auth.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  size_t slash = rest.find('/');
  if (slash != absl::string_view::npos) {
    absl::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !absl::SimpleAtoi(db, &options.database)) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis url: database \"", db, "\" is not a number"));
    }
    rest = rest.substr(0, slash);
  }
  size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos) {
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &options.port) || options.port <= 0 ||
        options.port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("redis url: bad port in \"", url, "\""));
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("redis url: no host in \"", url, "\""));
  }
  options.host = std::string(rest);
  return options;
}

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() {
  absl::MutexLock lock(&mutex_);
  Disconnect();
}

void RedisClient::Disconnect() {
  if (context_ != nullptr) {
    redisFree(context_);
    context_ = nullptr;
  }
}

absl::Status RedisClient::EnsureConnected() {
  if (context_ != nullptr) {
    return absl::OkStatus();
  }
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                            absl::ToTimeval(options_.connect_timeout));
  if (c == nullptr || c->err != 0) {
    std::string message = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) {
      redisFree(c);
    }
    return absl::UnavailableError(
        absl::StrCat("redis ", options_.host, ":", options_.port, " unavailable: ", message));
  }
  redisSetTimeout(c, absl::ToTimeval(options_.command_timeout));
  context_ = c;
  // `c`, not context_: the lock analysis does not follow mutex_ into a lambda.
  auto run = [c](std::vector<std::string> args) -> absl::Status {
    Argv argv(args);
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(c, argv.count(), argv.data.data(), argv.sizes.data()));
    if (reply == nullptr) {
      return absl::UnavailableError("redis: connection lost during set-up");
    }
    auto converted = Convert(reply);
    freeReplyObject(reply);
    return converted.status();
  };
  absl::Status st = absl::OkStatus();
  if (!options_.password.empty()) {
    st = run({"AUTH", options_.password});
  }
  if (st.ok() && options_.database != 0) {
    st = run({"SELECT", std::to_string(options_.database)});
  }
  if (!st.ok()) {
    Disconnect();
  }
  return st;
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) {
    return replies.status();
  }
  return std::move(replies->front());
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  absl::MutexLock lock(&mutex_);
  // A connection that sat idle may have died with a Redis restart: one retry
  // on a fresh connection. (Commands here are idempotent or absorbed by
  // idempotent consumers: XADD of an event twice, XACK twice.)
  const bool reused = context_ != nullptr;
  auto replies = PipelineOnce(commands);
  if (!replies.ok() && reused && replies.status().code() == absl::StatusCode::kUnavailable) {
    replies = PipelineOnce(commands);
  }
  return replies;
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::PipelineOnce(
    const std::vector<std::vector<std::string>>& commands) {
  if (auto st = EnsureConnected(); !st.ok()) {
    return st;
  }
  for (const auto& args : commands) {
    Argv argv(args);
    if (redisAppendCommandArgv(context_, argv.count(), argv.data.data(), argv.sizes.data()) !=
        REDIS_OK) {
      Disconnect();
      return absl::UnavailableError("redis: cannot queue a command");
    }
  }
  std::vector<RedisReply> out;
  absl::Status first_error = absl::OkStatus();
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      std::string message = context_->errstr;
      Disconnect();
      return absl::UnavailableError(absl::StrCat("redis: connection lost: ", message));
    }
    auto* reply = static_cast<redisReply*>(raw);
    auto converted = Convert(reply);
    freeReplyObject(reply);
    if (!converted.ok()) {
      if (first_error.ok()) {
        first_error = converted.status();
      }
      out.emplace_back();
      continue;
    }
    out.push_back(std::move(*converted));
  }
  if (!first_error.ok()) {
    return first_error;
  }
  return out;
}

}  // namespace kaoping
