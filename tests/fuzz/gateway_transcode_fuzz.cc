// libFuzzer target: an HTTP request (method, target, body) through the
// gateway's request-to-protobuf path, on every route of the API and of the
// test protos. Input: "METHOD\nTARGET\nBODY…". Nothing may crash, leak,
// read out of bounds or hang; whatever builds must serialize and print.
//
//   scripts/test runs it for 30 s (build/fuzz, clang-15, -fsanitize=fuzzer,address).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/route_table.h"
#include "gateway/transcoder.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"

namespace {

const kaoping::gateway::RouteTable& Routes() {
  static const auto* routes = [] {
    auto built = kaoping::gateway::RouteTable::Build(
        kaoping::gateway::CompiledServices({"kaoping/", "tests/gateway/"}));
    if (!built.ok()) {
      std::abort();
    }
    return new kaoping::gateway::RouteTable(*std::move(built));
  }();
  return *routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first = input.find('\n');
  if (first == absl::string_view::npos) {
    return 0;
  }
  const absl::string_view method = input.substr(0, first);
  absl::string_view rest = input.substr(first + 1);
  const size_t second = rest.find('\n');
  const absl::string_view target = rest.substr(0, second);
  const absl::string_view body =
      second == absl::string_view::npos ? absl::string_view() : rest.substr(second + 1);
  const size_t question = target.find('?');
  const kaoping::gateway::RouteTable::Match match =
      Routes().Find(method, target.substr(0, question));
  if (match.outcome != kaoping::gateway::RouteTable::Match::Outcome::kFound) {
    return 0;
  }
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          match.route->method->input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);
  if (!kaoping::gateway::BuildRequest(match, query, body, request.get()).ok()) {
    return 0;
  }
  std::string bytes;
  if (!request->SerializeToString(&bytes)) {
    std::abort();
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(*request, &json);
  return 0;
}
