// The web pages served by the gateway from memory: every file below the web
// root and the vendored ECharts, content types, ETags and 304, gzip, the
// headers that keep every asset local, refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/gateway/gateway_fixture.h"

namespace kaoping::gateway::testing {
namespace {

using ::testing::HasSubstr;

class WebFilesTest : public GatewayTest {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            absl::StrCat("kaoping-web-", getpid(), "-",
                         ::testing::UnitTest::GetInstance()->random_seed());
    std::filesystem::create_directories(root_ / "web" / "js");
    std::filesystem::create_directories(root_ / "node_modules" / "echarts" / "dist");
    Write("web/index.html", "<!doctype html><title>考评</title>");
    Write("web/js/app.js", std::string(4000, 'a'));
    Write("node_modules/echarts/dist/echarts.min.js", "/* echarts */");
    Configure({{"web_root", (root_ / "web").string()},
               {"web_vendor_root", (root_ / "node_modules").string()}});
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Write(const std::string& path, const std::string& text) {
    std::ofstream(root_ / path) << text;
  }

  std::filesystem::path root_;
};

TEST_F(WebFilesTest, PagesAndVendoredScriptsAreServedLocally) {
  auto index = Call("GET", "/web/");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_THAT(index.body, HasSubstr("考评"));
  EXPECT_THAT(index.headers["content-security-policy"], HasSubstr("default-src 'self'"));
  EXPECT_THAT(index.headers["content-security-policy"], ::testing::Not(HasSubstr("http")));
  EXPECT_EQ(index.headers["x-content-type-options"], "nosniff");
  auto echarts = Call("GET", "/web/vendor/echarts.min.js");
  ASSERT_EQ(echarts.status, 200);
  EXPECT_EQ(echarts.body, "/* echarts */");
  EXPECT_EQ(echarts.headers["content-type"], "text/javascript; charset=utf-8");
  auto root = Call("GET", "/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.headers["location"], "/web/");
}

TEST_F(WebFilesTest, RevisitsGet304AndLargeFilesComeGzipped) {
  auto first = Call("GET", "/web/js/app.js");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Call("GET", "/web/js/app.js", "", {{"if-none-match", etag}}).status, 304);
  auto zipped = Call("GET", "/web/js/app.js", "", {{"accept-encoding", "gzip, br"}});
  EXPECT_EQ(zipped.headers["content-encoding"], "gzip");
  EXPECT_LT(zipped.body.size(), 200u);
}

TEST_F(WebFilesTest, UnknownPagesAndOtherMethodsAreRefused) {
  EXPECT_EQ(Call("GET", "/web/nope.html").status, 404);
  EXPECT_EQ(Call("GET", "/web/../gateway.conf").status, 404);
  EXPECT_EQ(Call("POST", "/web/index.html", "x").status, 405);
  // The API is untouched.
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

TEST_F(WebFilesTest, AMissingVendoredScriptStopsStartUp) {
  std::filesystem::remove(root_ / "node_modules/echarts/dist/echarts.min.js");
  auto config = MakeConfig();
  ASSERT_TRUE(config.ok());
  auto started = Gateway::Start(*config);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(started.status().message(), HasSubstr("echarts.min.js"));
}

}  // namespace
}  // namespace kaoping::gateway::testing
