#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/config.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& text) {
  std::string path = ::testing::TempDir() + "/kaoping-config-test.conf";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, FlagsOverrideEnvironmentOverrideFile) {
  const std::string file = WriteFile(
      "# comment\nlisten_address = 0.0.0.0:1\ndatabase_url = sqlite:a.db\nlog_level=debug\n");
  setenv("KAOPING_DATABASE_URL", "sqlite:from-env.db", 1);
  setenv("KAOPING_LOG_LEVEL", "warning", 1);
  const char* argv[] = {"svc", "--config", file.c_str(), "--log-level=error"};
  auto config = Config::Load(4, argv);
  unsetenv("KAOPING_DATABASE_URL");
  unsetenv("KAOPING_LOG_LEVEL");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(*config->Require("listen_address"), "0.0.0.0:1");
  EXPECT_EQ(*config->Require("database_url"), "sqlite:from-env.db");
  EXPECT_EQ(config->Get("log_level", "info"), "error");
  EXPECT_EQ(config->source(), file);
}

TEST(ConfigTest, MissingRequiredValueNamesTheKeyAndWhereToSetIt) {
  auto config = Config::FromText("listen_address = x");
  ASSERT_TRUE(config.ok());
  auto missing = config->Require("database_url");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("`database_url` is required"));
  EXPECT_THAT(missing.status().message(), HasSubstr("KAOPING_DATABASE_URL"));
}

TEST(ConfigTest, TypedValuesAreChecked) {
  auto config = Config::FromText("n = 12\nbad_n = twelve\nd = 250ms\nbad_d = soon\nb = true");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(*config->GetInt("n", 0), 12);
  EXPECT_EQ(*config->GetInt("absent", 7), 7);
  EXPECT_THAT(config->GetInt("bad_n", 0).status().message(),
              HasSubstr("`bad_n` must be an integer"));
  EXPECT_EQ(*config->GetDuration("d", absl::ZeroDuration()), absl::Milliseconds(250));
  EXPECT_FALSE(config->GetDuration("bad_d", absl::ZeroDuration()).ok());
  EXPECT_TRUE(*config->GetBool("b", false));
}

TEST(ConfigTest, MalformedFileIsRejectedWithTheLine) {
  auto config = Config::FromText("a = 1\nthis line has no equals\n");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr(":2:"));
  const char* argv[] = {"svc", "--config", "/nonexistent/kaoping.conf"};
  EXPECT_EQ(Config::Load(3, argv).status().code(), absl::StatusCode::kNotFound);
  const char* stray[] = {"svc", "positional"};
  EXPECT_EQ(Config::Load(2, stray).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTest, SecretsComeInlineOrFromAFileNotBoth) {
  const std::string file = WriteFile("s3cret-from-file");
  auto from_file = Config::FromText("jwt_key_file = " + file);
  EXPECT_EQ(*from_file->RequireSecret("jwt_key"), "s3cret-from-file");
  auto inline_key = Config::FromText("jwt_key = abc");
  EXPECT_EQ(*inline_key->RequireSecret("jwt_key"), "abc");
  auto both = Config::FromText("jwt_key = abc\njwt_key_file = " + file);
  EXPECT_EQ(both->RequireSecret("jwt_key").status().code(), absl::StatusCode::kInvalidArgument);
  auto none = Config::FromText("");
  EXPECT_THAT(none->RequireSecret("jwt_key").status().message(), HasSubstr("jwt_key_file"));
  auto unreadable = Config::FromText("jwt_key_file = /nonexistent/key");
  EXPECT_EQ(unreadable->RequireSecret("jwt_key").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kaoping
