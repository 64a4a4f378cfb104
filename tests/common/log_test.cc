// Every line the process writes to stderr is one JSON object: ours, and what
// gRPC and protobuf log; text from callers is escaped.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <grpc/support/log.h>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/log.h"
#include "services/common/server/grpc_server.h"
#include "tests/support/subprocess.h"

namespace kaoping {
namespace {

using ::testing::HasSubstr;

// What the process writes to stderr while `body` runs.
template <typename F>
std::string CaptureStderr(F body) {
  const std::string path = ::testing::TempDir() + "/kaoping-log-test.txt";
  std::fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  const int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(file, STDERR_FILENO);
  close(file);
  body();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  return testing::TailOfFile(path, 1 << 20);
}

// Each non-empty line parsed as a JSON object.
std::vector<google::protobuf::Struct> JsonLines(const std::string& text) {
  std::vector<google::protobuf::Struct> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    google::protobuf::Struct object;
    auto st = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(line.data(), line.size()), &object);
    EXPECT_TRUE(st.ok()) << "not one JSON object: " << line;
    lines.push_back(object);
  }
  return lines;
}

std::string Field(const google::protobuf::Struct& line, const std::string& name) {
  auto it = line.fields().find(name);
  return it == line.fields().end() ? "" : it->second.string_value();
}

TEST(LogTest, JsonQuoteEscapesWhatCouldBreakALineOrReachATerminal) {
  EXPECT_EQ(JsonQuote("plain 政治"), "\"plain 政治\"");
  EXPECT_EQ(JsonQuote("a\nb\r\t\"\\"), R"("a\nb\r\t\"\\")");
  EXPECT_EQ(JsonQuote("\x1b[31m\x7f"), R"("\u001b[31m\u007f")");
  EXPECT_EQ(JsonQuote("\xc2\x85\xe2\x80\xa8\xe2\x80\xae"), R"("\u0085\u2028\u202e")");
  // Bytes that are not UTF-8 (a stray byte, an overlong form, a surrogate).
  EXPECT_EQ(JsonQuote("x\xffy\xc0\xafz\xed\xa0\x80"),
            R"("x\ufffdy\ufffd\ufffdz\ufffd\ufffd\ufffd")");
}

TEST(LogTest, CallerTextInAFieldStaysOnOneLine) {
  InitLogging("log-test", LogLevel::kInfo);
  const std::string out = CaptureStderr([] {
    LogInfo("call", {{"resource", "regions/510114/x\n{\"forged\":true}\x1b[2J"}});
  });
  auto lines = JsonLines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(Field(lines[0], "resource"), "regions/510114/x\n{\"forged\":true}\x1b[2J");
}

TEST(LogTest, GrpcAndProtobufLogLinesAreJsonToo) {
  InitLogging("log-test", LogLevel::kDebug);
  const std::string out = CaptureStderr([] {
    // gRPC itself, failing to bind an address that cannot exist.
    GrpcServerOptions options;
    options.listen_address = "256.256.256.256:1";
    EXPECT_FALSE(GrpcServer::Start(options, {}).ok());
    gpr_log(GPR_ERROR, "direct gpr line with\na newline");
    // protobuf itself, failing to parse text format.
    google::protobuf::Struct message;
    EXPECT_FALSE(google::protobuf::TextFormat::ParseFromString("not text format {", &message));
  });
  InitLogging("log-test", LogLevel::kInfo);
  auto lines = JsonLines(out);
  ASSERT_FALSE(lines.empty());
  bool grpc = false;
  bool direct = false;
  bool protobuf = false;
  for (const auto& line : lines) {
    EXPECT_EQ(Field(line, "service"), "log-test");
    grpc = grpc || Field(line, "library") == "grpc";
    direct = direct || Field(line, "msg") == "direct gpr line with\na newline";
    protobuf = protobuf || Field(line, "library") == "protobuf";
  }
  EXPECT_TRUE(grpc) << out;
  EXPECT_TRUE(direct) << out;
  EXPECT_TRUE(protobuf) << out;
}

}  // namespace
}  // namespace kaoping
