// The HTTP server on its own: TLS, the in-flight limit, connection limits,
// read timeouts, a dropped responder, graceful shutdown.
#include "services/common/http/server.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "tests/gateway/http_client.h"
#include "tests/gateway/test_certificate.h"

namespace kaoping::http {
namespace {

using gateway::testing::HttpClient;
using ::testing::HasSubstr;

// Answers "ok", or holds requests to /hold until released.
class TestHandler final : public Handler {
 public:
  void Handle(Request request, Responder respond) override {
    if (request.target == "/drop") {
      return;  // the responder's destructor answers 500
    }
    if (request.target == "/hold") {
      absl::MutexLock lock(&mutex_);
      held_.push_back(std::move(respond));
      return;
    }
    Response response;
    response.body = "{\"echo\":\"" + request.method + " " + request.target + "\"}";
    respond(std::move(response));
  }
  void CancelOutstanding() override {
    cancelled_ = true;
    Release();
  }
  void Release() {
    absl::MutexLock lock(&mutex_);
    for (Responder& r : held_) {
      r(ErrorResponse(absl::StatusCode::kCancelled, "released"));
    }
    held_.clear();
  }
  int held() {
    absl::MutexLock lock(&mutex_);
    return static_cast<int>(held_.size());
  }
  std::atomic<bool> cancelled_{false};

 private:
  absl::Mutex mutex_;
  std::vector<Responder> held_ ABSL_GUARDED_BY(mutex_);
};

void WaitForHeld(TestHandler& handler, int n) {
  for (int i = 0; i < 1000 && handler.held() < n; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
}

TEST(HttpServerTest, ServesTlsWhenConfigured) {
  auto certificate = gateway::testing::MakeTestCertificate();
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  TestHandler handler;
  ServerOptions options;
  options.tls_cert_file = certificate->cert_file;
  options.tls_key_file = certificate->key_file;
  auto server = Server::Start(options, &handler);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE((*server)->tls());
  auto client = HttpClient::Connect((*server)->address(), /*tls=*/true);
  ASSERT_TRUE(client.ok()) << client.status();
  auto reply = (*client)->Send("GET", "/x");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, R"({"echo":"GET /x"})");
  // Plain HTTP on the TLS port gets nothing.
  auto plain = HttpClient::Connect((*server)->address());
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE((*plain)->Send("GET", "/x").ok());
}

TEST(HttpServerTest, RequestsBeyondTheInflightLimitAre503) {
  TestHandler handler;
  ServerOptions options;
  options.max_inflight = 2;
  auto server = Server::Start(options, &handler);
  ASSERT_TRUE(server.ok());
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&] {
      auto client = HttpClient::Connect((*server)->address());
      auto reply = (*client)->Send("GET", "/hold");
      EXPECT_TRUE(reply.ok());
    });
  }
  WaitForHeld(handler, 2);
  EXPECT_EQ((*server)->inflight(), 2);
  auto client = HttpClient::Connect((*server)->address());
  auto busy = (*client)->Send("GET", "/x");
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->headers["retry-after"], "1");
  handler.Release();
  for (auto& t : holders) {
    t.join();
  }
  EXPECT_EQ((*client)->Send("GET", "/x")->status, 200) << "the connection stays usable";
}

TEST(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  TestHandler handler;
  ServerOptions options;
  options.max_connections = 1;
  auto server = Server::Start(options, &handler);
  auto first = HttpClient::Connect((*server)->address());
  ASSERT_EQ((*first)->Send("GET", "/x")->status, 200);
  auto second = HttpClient::Connect((*server)->address());
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE((*second)->Send("GET", "/x").ok());
  EXPECT_EQ((*first)->Send("GET", "/x")->status, 200);
}

TEST(HttpServerTest, IdleConnectionsTimeOut) {
  TestHandler handler;
  ServerOptions options;
  options.read_timeout = absl::Milliseconds(200);
  auto server = Server::Start(options, &handler);
  auto client = HttpClient::Connect((*server)->address());
  ASSERT_EQ((*client)->Send("GET", "/x")->status, 200);
  EXPECT_TRUE((*client)->Closed());
}

TEST(HttpServerTest, ADroppedResponderAnswers500) {
  TestHandler handler;
  auto server = Server::Start(ServerOptions{}, &handler);
  auto client = HttpClient::Connect((*server)->address());
  auto reply = (*client)->Send("GET", "/drop");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 500);
  EXPECT_THAT(reply->body, HasSubstr("dropped unanswered"));
  EXPECT_EQ((*server)->inflight(), 0);
}

TEST(HttpServerTest, ShutdownCancelsWhatOutlivesTheGrace) {
  TestHandler handler;
  auto server = Server::Start(ServerOptions{}, &handler);
  std::thread holder([&] {
    auto client = HttpClient::Connect((*server)->address());
    auto reply = (*client)->Send("GET", "/hold");
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->status, 499);
  });
  WaitForHeld(handler, 1);
  (*server)->Shutdown(absl::Milliseconds(100));
  holder.join();
  EXPECT_TRUE(handler.cancelled_);
  EXPECT_FALSE(HttpClient::Connect((*server)->address()).ok()) << "no longer accepting";
}

}  // namespace
}  // namespace kaoping::http
