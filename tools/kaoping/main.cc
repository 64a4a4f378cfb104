// kaoping: the operator's command line.
//
//   kaoping token  --key-file F --issuer I --sub S --roles R[,R] --regions C[,C]
//                  [--scopes S[,S]] [--unit U] [--cadre C] [--ttl 8h] [--algorithm HS256]
//   kaoping call   ADDRESS Service/Method [JSON]     (token from $KAOPING_TOKEN)
//   kaoping health ADDRESS [SERVICE]
//   kaoping audit-verify DATABASE_URL [--key-file AUDIT_KEY_FILE]
//   kaoping methods
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/audit/audit_log.h"
#include "services/common/auth/jwt.h"
#include "services/common/client/generic_call.h"
#include "services/common/db/database.h"

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  kaoping token --key-file FILE --issuer ISS --sub SUBJECT --roles R1,R2 --regions 510114\n"
    "                [--scopes s1,s2] [--unit U] [--cadre C] [--ttl 8h] [--algorithm HS256]\n"
    "  kaoping call ADDRESS Service/Method [JSON]   (bearer token from $KAOPING_TOKEN)\n"
    "  kaoping health ADDRESS [SERVICE]\n"
    "  kaoping audit-verify DATABASE_URL [--key-file AUDIT_KEY_FILE]\n"
    "  kaoping methods\n";

int Fail(const std::string& message) {
  std::cerr << "kaoping: " << message << "\n";
  return 1;
}

std::map<std::string, std::string> Flags(int argc, char** argv, int first) {
  std::map<std::string, std::string> flags;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      continue;
    }
    size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      flags[arg.substr(2)] = argv[++i];
    }
  }
  return flags;
}

std::vector<std::string> List(const std::string& csv) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(csv, ',', absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

int Token(int argc, char** argv) {
  auto flags = Flags(argc, argv, 2);
  for (const char* required : {"key-file", "issuer", "sub", "regions"}) {
    if (!flags.contains(required)) {
      return Fail(absl::StrCat("token: --", required, " is required\n", kUsage));
    }
  }
  std::ifstream in(flags["key-file"], std::ios::binary);
  if (!in) {
    return Fail(absl::StrCat("token: cannot read ", flags["key-file"]));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto algorithm =
      kaoping::ParseJwtAlgorithm(flags.contains("algorithm") ? flags["algorithm"] : "HS256");
  if (!algorithm.ok()) {
    return Fail(algorithm.status().ToString());
  }
  const std::string key = kaoping::KeyFromFile(*algorithm, ss.str());
  absl::Duration ttl = absl::Hours(8);
  if (flags.contains("ttl") && !absl::ParseDuration(flags["ttl"], &ttl)) {
    return Fail("token: --ttl must be a duration such as 8h");
  }
  kaoping::JwtClaims claims;
  claims.subject = flags["sub"];
  claims.issuer = flags["issuer"];
  claims.roles = List(flags["roles"]);
  claims.regions = List(flags["regions"]);
  claims.scopes = List(flags["scopes"]);
  claims.unit = flags["unit"];
  claims.cadre = flags["cadre"];
  claims.issued_at = absl::Now();
  claims.expiry = absl::Now() + ttl;
  auto token = kaoping::SignJwt(*algorithm, key, claims);
  if (!token.ok()) {
    return Fail(token.status().ToString());
  }
  std::cout << *token << "\n";
  return 0;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

int Call(int argc, char** argv) {
  if (argc < 4) {
    return Fail(kUsage);
  }
  std::string json = argc >= 5 ? argv[4] : "{}";
  if (json == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    json = ss.str();
  }
  kaoping::CallMetadata metadata;
  if (const char* token = std::getenv("KAOPING_TOKEN"); token != nullptr && *token != '\0') {
    metadata["authorization"] = absl::StrCat("Bearer ", token);
  }
  auto channel = Channel(argv[2]);
  auto response = kaoping::CallJson(*channel, argv[3], json, metadata, absl::Seconds(30));
  if (!response.ok()) {
    return Fail(response.status().ToString());
  }
  std::cout << *response << "\n";
  return 0;
}

int Health(int argc, char** argv) {
  if (argc < 3) {
    return Fail(kUsage);
  }
  auto channel = Channel(argv[2]);
  auto serving = kaoping::CheckHealth(*channel, argc >= 4 ? argv[3] : "", absl::Seconds(5));
  if (!serving.ok()) {
    return Fail(serving.status().ToString());
  }
  std::cout << (*serving ? "SERVING" : "NOT_SERVING") << "\n";
  return *serving ? 0 : 1;
}

int AuditVerify(int argc, char** argv) {
  if (argc < 3) {
    return Fail(kUsage);
  }
  auto flags = Flags(argc, argv, 3);
  std::string key;
  if (flags.contains("key-file")) {
    std::ifstream in(flags["key-file"], std::ios::binary);
    if (!in) {
      return Fail(absl::StrCat("audit-verify: cannot read ", flags["key-file"]));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    key = kaoping::KeyFromFile(kaoping::JwtAlgorithm::kHs256, ss.str());
  }
  kaoping::db::DatabaseOptions options;
  options.create_if_missing = false;  // verifying never creates a database
  auto db = kaoping::db::OpenDatabase(argv[2], options);
  if (!db.ok()) {
    return Fail(db.status().ToString());
  }
  auto result = kaoping::VerifyAuditLog(**db, key);
  if (!result.ok()) {
    return Fail(result.status().ToString());
  }
  for (const auto& problem : result->problems) {
    std::cout << "TAMPERED " << problem << "\n";
  }
  std::cout << (result->ok() ? "audit log intact: " : "audit log damaged: ") << result->entries
            << " entries in " << result->regions << " regions\n";
  return result->ok() ? 0 : 3;
}

int Methods() {
  // Make sure the compiled-in API is linked (its descriptors register on load).
  kaoping::v1::IndicatorSet touch;
  (void)touch;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* service : {"kaoping.v1.IndicatorService", "kaoping.v1.EvaluationService",
                              "kaoping.v1.AppraisalService", "kaoping.v1.ResultsService"}) {
    const auto* s = pool->FindServiceByName(service);
    if (s == nullptr) {
      continue;
    }
    for (int i = 0; i < s->method_count(); ++i) {
      std::cout << s->name() << "/" << s->method(i)->name() << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  if (command == "token") {
    return Token(argc, argv);
  }
  if (command == "call") {
    return Call(argc, argv);
  }
  if (command == "health") {
    return Health(argc, argv);
  }
  if (command == "audit-verify") {
    return AuditVerify(argc, argv);
  }
  if (command == "methods") {
    return Methods();
  }
  std::cerr << kUsage;
  return 2;
}
