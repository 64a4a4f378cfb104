#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/config.h"
#include "services/common/runtime_config.h"

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

TEST(ConfigTest, AnUnknownKeyStopsStartUpNamingItAndTheNearestKnownOne) {
  const std::string file = WriteFile("listen_address = x\naudit_key_flie = /k\n");
  const char* argv[] = {"svc", "--config", file.c_str()};
  auto config = Config::Load(3, argv);
  ASSERT_TRUE(config.ok());
  absl::Status st = PrepareRuntimeConfig(*config);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("unknown key `audit_key_flie`"));
  EXPECT_THAT(st.message(), HasSubstr(file + ":2"));
  EXPECT_THAT(st.message(), HasSubstr("did you mean `audit_key_file`?"));
  // As a flag, too; and with nothing near, no suggestion.
  const char* flags[] = {"svc", "--profile=local", "--db-statment-timeout=1s"};
  auto flagged = Config::Load(3, flags);
  ASSERT_TRUE(flagged.ok());
  EXPECT_THAT(PrepareRuntimeConfig(*flagged).message(),
              HasSubstr("`db_statment_timeout` (--db-statment-timeout); did you mean "
                        "`db_statement_timeout`?"));
  auto far = Config::FromText("profile = local\nzzz = 1");
  EXPECT_THAT(PrepareRuntimeConfig(*far).message(), ::testing::Not(HasSubstr("did you mean")));
}

TEST(ConfigTest, AServiceDeclaresItsOwnKeys) {
  auto config = Config::FromText("profile = local\nindicators_cache_size = 10");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(PrepareRuntimeConfig(*config).ok());
  const std::string own[] = {"indicators_cache_size"};
  EXPECT_TRUE(PrepareRuntimeConfig(*config, own).ok());
}

TEST(ConfigTest, EnvironmentVariablesThatAreNoKeysAreIgnoredAndListed) {
  setenv("KAOPING_DATA", "/somewhere", 1);     // deploy/local/run's
  setenv("KAOPING_TOKEN", "secret-token", 1);  // the CLI's
  setenv("KAOPING_LOG_LEVEL", "warning", 1);   // a key
  const char* argv[] = {"svc", "--profile=local"};
  auto config = Config::Load(2, argv);
  unsetenv("KAOPING_DATA");
  unsetenv("KAOPING_TOKEN");
  unsetenv("KAOPING_LOG_LEVEL");
  ASSERT_TRUE(config.ok());
  ASSERT_TRUE(PrepareRuntimeConfig(*config).ok());
  EXPECT_EQ(config->Get("log_level", ""), "warning");
  EXPECT_FALSE(config->Has("data"));
  EXPECT_THAT(config->ignored_environment(),
              ::testing::UnorderedElementsAre("KAOPING_DATA", "KAOPING_TOKEN"));
}

TEST(ConfigTest, DurationsMayBeGivenInDays) {
  auto config = Config::FromText("a = 7d\nb = 0d\nc = -1d\nd = 1.5d");
  EXPECT_EQ(*config->GetDuration("a", absl::ZeroDuration()), absl::Hours(168));
  EXPECT_EQ(*config->GetDuration("b", absl::Hours(1)), absl::ZeroDuration());
  EXPECT_FALSE(config->GetDuration("c", absl::ZeroDuration()).ok());
  EXPECT_FALSE(config->GetDuration("d", absl::ZeroDuration()).ok());
}

// A complete production configuration, from which tests take one key away.
std::map<std::string, std::string> Production() {
  return {{"profile", "production"},
          {"jwt_audience", "kaoping"},
          {"audit_key_file", "/etc/kaoping/audit.key"},
          {"tls_cert_file", "/etc/kaoping/tls.pem"},
          {"tls_key_file", "/etc/kaoping/tls.key"}};
}

TEST(ConfigTest, OutsideTheLocalProfileProductionDefaultsApplyAndChecksAreRequired) {
  auto config = Config::FromText("", Production());
  ASSERT_TRUE(PrepareRuntimeConfig(*config).ok());
  EXPECT_EQ(config->Get("jwt_algorithm", ""), "EdDSA");
  EXPECT_EQ(*config->GetDuration("drain_delay", absl::ZeroDuration()), absl::Seconds(5));
  for (const char* key : {"jwt_audience", "audit_key_file", "tls_cert_file", "tls_key_file"}) {
    auto keys = Production();
    keys.erase(key);
    auto missing = Config::FromText("", keys);
    absl::Status st = PrepareRuntimeConfig(*missing);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << key;
    EXPECT_THAT(st.message(), HasSubstr(absl::StrCat("`", key, "` is required outside the local")))
        << key;
  }
  auto hs256 = Production();
  hs256["jwt_algorithm"] = "HS256";
  auto with_hs256 = Config::FromText("", hs256);
  EXPECT_THAT(PrepareRuntimeConfig(*with_hs256).message(),
              HasSubstr("HS256 (a shared secret) is for the local profile"));
}

TEST(ConfigTest, PlaintextOutsideTheLocalProfileMustBeAskedFor) {
  auto keys = Production();
  keys.erase("tls_cert_file");
  keys.erase("tls_key_file");
  keys["insecure_plaintext"] = "true";
  auto plaintext = Config::FromText("", keys);
  EXPECT_TRUE(PrepareRuntimeConfig(*plaintext).ok());
}

TEST(ConfigTest, NoProfileOrAMisspeltOneIsProduction) {
  for (const char* profile : {"", "locl", "Local"}) {
    auto config = Config::FromText("", {{"profile", profile}});
    EXPECT_FALSE(IsLocalProfile(*config)) << profile;
    EXPECT_EQ(PrepareRuntimeConfig(*config).code(), absl::StatusCode::kFailedPrecondition);
  }
  auto local = Config::FromText("profile = local");
  ASSERT_TRUE(PrepareRuntimeConfig(*local).ok());
  EXPECT_EQ(local->Get("jwt_algorithm", "HS256"), "HS256");
  EXPECT_FALSE(local->Has("drain_delay"));
}

}  // namespace
}  // namespace kaoping
