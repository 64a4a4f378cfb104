// A service's own token (ServiceIdentity) and the mapping of a downstream
// service's failure (FromDownstream).
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/jwt.h"
#include "services/common/auth/service_identity.h"
#include "services/common/client/downstream.h"
#include "services/common/config.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

constexpr char kSecret[] = "service-identity-test-secret-0123456789abcdef";

Config LocalConfig(const std::string& extra) {
  auto config = Config::FromText(
      absl::StrCat("profile = local\njwt_key = ", kSecret, "\njwt_issuer = kaoping-test\n", extra));
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

absl::StatusOr<Principal> VerifyWithSecret(const std::string& token, const Clock& clock) {
  JwtVerifierOptions options;
  options.key = kSecret;
  options.issuer = "kaoping-test";
  auto verifier = JwtVerifier::Create(options, &clock);
  if (!verifier.ok()) {
    return verifier.status();
  }
  return (*verifier)->Verify(token);
}

TEST(ServiceIdentityTest, MintsASystemTokenWithItsRegionsAndScopesInTheLocalProfile) {
  FakeClock clock(absl::FromUnixSeconds(1800000000));
  auto identity = ServiceIdentity::FromConfig(
      LocalConfig("service_regions = 510114, 510115\nservice_scopes = archive:write,leads:read\n"),
      "results", &clock);
  ASSERT_TRUE(identity.ok()) << identity.status();
  auto token = (*identity)->Token();
  ASSERT_TRUE(token.ok()) << token.status();
  auto principal = VerifyWithSecret(*token, clock);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "service:results");
  EXPECT_TRUE(principal->IsSystem());
  EXPECT_TRUE(principal->HasScope("archive:write"));
  EXPECT_TRUE(principal->HasScope("leads:read"));
  EXPECT_TRUE(principal->CoversRegion("510115"));
  EXPECT_FALSE(principal->CoversRegion("510116"));

  // The same token while it is young; a fresh one past half its life.
  clock.Advance(absl::Minutes(10));
  EXPECT_EQ(*(*identity)->Token(), *token);
  clock.Advance(absl::Minutes(25));
  auto renewed = (*identity)->Token();
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(*renewed, *token);
  EXPECT_TRUE(VerifyWithSecret(*renewed, clock).ok());
}

TEST(ServiceIdentityTest, ReadsTheTokenFileAgainWhenItChanges) {
  const std::string path = ::testing::TempDir() + "/kaoping-service-token";
  std::ofstream(path) << "first.token.value\n";
  auto identity =
      ServiceIdentity::FromConfig(LocalConfig(absl::StrCat("service_token_file = ", path, "\n")),
                                  "results", &SystemClock::Get());
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(*(*identity)->Token(), "first.token.value");
  // A rotation: the file rewritten with another modification time.
  std::ofstream(path) << "second.token.value\n";
  struct timespec times[2] = {{0, UTIME_NOW}, {1, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_EQ(*(*identity)->Token(), "second.token.value");

  std::ofstream(path) << "";
  times[1] = {2, 0};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  auto empty = (*identity)->Token();
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(empty.status().message(), HasSubstr("holds no token"));
}

TEST(ServiceIdentityTest, WithoutTokenOrMintingKeysSaysWhatIsMissing) {
  auto identity = ServiceIdentity::FromConfig(LocalConfig(""), "results", &SystemClock::Get());
  ASSERT_TRUE(identity.ok()) << identity.status();
  auto token = (*identity)->Token();
  EXPECT_EQ(token.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(token.status().message(), HasSubstr("service_token_file"));
}

TEST(DownstreamTest, PassesTheCallersErrorsThroughAndHidesOutages) {
  EXPECT_TRUE(FromDownstream("results", grpc::Status::OK).ok());
  absl::Status not_found =
      FromDownstream("results", grpc::Status(grpc::StatusCode::NOT_FOUND, "cadre c-1 not found"));
  EXPECT_EQ(not_found.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(), "results: cadre c-1 not found");
  for (grpc::StatusCode code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED,
                                grpc::StatusCode::INTERNAL, grpc::StatusCode::RESOURCE_EXHAUSTED}) {
    absl::Status st = FromDownstream("indicators", grpc::Status(code, "10.0.0.7:50051 secret"));
    EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(st.message(), HasSubstr("indicators unavailable"));
    EXPECT_THAT(st.message(), ::testing::Not(HasSubstr("10.0.0.7")));
  }
}

TEST(DownstreamTest, ContextCarriesTheTokenAndADeadline) {
  auto context = DownstreamContext("abc.def.ghi", absl::Seconds(2));
  const auto deadline = absl::FromChrono(context->deadline());
  EXPECT_GT(deadline, absl::Now());
  EXPECT_LT(deadline, absl::Now() + absl::Seconds(3));
}

}  // namespace
}  // namespace kaoping
