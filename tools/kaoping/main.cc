// kaoping: the operator's command line.
//
//   kaoping token  --key-file F --issuer I --sub S --roles R[,R] --regions C[,C]
//                  [--scopes S[,S]] [--unit U] [--cadre C] [--ttl 8h] [--algorithm HS256]
//                  [--audience AUD]
//   kaoping call   ADDRESS Service/Method [JSON]     (token from $KAOPING_TOKEN)
//   kaoping health ADDRESS [SERVICE]
//   kaoping audit-checkpoint DATABASE_URL [--key-file AUDIT_KEY_FILE]
//   kaoping audit-verify DATABASE_URL [--key-file AUDIT_KEY_FILE] [--checkpoint FILE]
//   kaoping methods
//   kaoping keygen, kaoping sign   (sign_command.h: a signer's key and signature)
//   kaoping roster import|export ADDRESS --region R ...   (roster_command.h)
// call and health take --tls-ca FILE [--tls-cert FILE --tls-key FILE]
// [--tls-server-name NAME], before or after the command.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "kaoping/v1/indicators.pb.h"
#include "services/common/audit/audit_checkpoint.h"
#include "services/common/audit/audit_verify.h"
#include "services/common/auth/jwt.h"
#include "services/common/client/generic_call.h"
#include "services/common/db/database.h"
#include "services/common/tls/tls_config.h"
#include "tools/kaoping/roster_command.h"
#include "tools/kaoping/sign_command.h"

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  kaoping token --key-file FILE --issuer ISS --sub SUBJECT --roles R1,R2 --regions 510114\n"
    "                [--scopes s1,s2] [--unit U] [--cadre C] [--ttl 8h] [--algorithm HS256]\n"
    "                [--audience AUD]   (EdDSA/RS256: --key-file is the PEM private key)\n"
    "  kaoping call ADDRESS Service/Method [JSON]   (bearer token from $KAOPING_TOKEN)\n"
    "  kaoping health ADDRESS [SERVICE]\n"
    "      call and health over TLS: --tls-ca CA_FILE [--tls-cert FILE --tls-key FILE]\n"
    "      [--tls-server-name NAME]\n"
    "  kaoping audit-checkpoint DATABASE_URL [--key-file AUDIT_KEY_FILE]   (prints a checkpoint)\n"
    "  kaoping audit-verify DATABASE_URL [--key-file AUDIT_KEY_FILE] [--checkpoint FILE]\n"
    "  kaoping methods\n"
    "  kaoping keygen ... | kaoping sign ...   (signer keys, appraisal signatures; see `kaoping\n"
    "      keygen` and `kaoping sign` without arguments)\n"
    "  kaoping roster import|export ADDRESS --region R ...   (`kaoping roster` for more)\n";

int Fail(const std::string& message) {
  std::cerr << "kaoping: " << message << "\n";
  return 1;
}

// The command line split into the command, its positional arguments and
// its --flags (--name value or --name=value, anywhere on the line).
struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;

  bool Has(const std::string& flag) const { return flags.contains(flag); }
  std::string Flag(const std::string& flag) const {
    auto it = flags.find(flag);
    return it == flags.end() ? "" : it->second;
  }
};

absl::StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "-") {
      (args.command.empty() ? args.command : args.positional.emplace_back()) = arg;
      continue;
    }
    size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      args.flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      args.flags[arg.substr(2)] = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    }
  }
  return args;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (!in || !(ss << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  return ss.str();
}

std::vector<std::string> List(const std::string& csv) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(csv, ',', absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

int Token(const Args& args) {
  for (const char* required : {"key-file", "issuer", "sub", "regions"}) {
    if (!args.Has(required)) {
      return Fail(absl::StrCat("token: --", required, " is required\n", kUsage));
    }
  }
  auto key_text = ReadWholeFile(args.Flag("key-file"));
  if (!key_text.ok()) {
    return Fail(absl::StrCat("token: ", key_text.status().message()));
  }
  auto algorithm =
      kaoping::ParseJwtAlgorithm(args.Has("algorithm") ? args.Flag("algorithm") : "HS256");
  if (!algorithm.ok()) {
    return Fail(algorithm.status().ToString());
  }
  const std::string key = kaoping::KeyFromFile(*algorithm, *key_text);
  absl::Duration ttl = absl::Hours(8);
  if (args.Has("ttl") && !absl::ParseDuration(args.Flag("ttl"), &ttl)) {
    return Fail("token: --ttl must be a duration such as 8h");
  }
  kaoping::JwtClaims claims;
  claims.subject = args.Flag("sub");
  claims.issuer = args.Flag("issuer");
  claims.roles = List(args.Flag("roles"));
  claims.regions = List(args.Flag("regions"));
  claims.scopes = List(args.Flag("scopes"));
  claims.unit = args.Flag("unit");
  claims.cadre = args.Flag("cadre");
  claims.audience = args.Flag("audience");
  claims.issued_at = absl::Now();
  claims.expiry = absl::Now() + ttl;
  auto token = kaoping::SignJwt(*algorithm, key, claims);
  if (!token.ok()) {
    return Fail(token.status().ToString());
  }
  std::cout << *token << "\n";
  return 0;
}

// Plaintext unless --tls-ca (or a client certificate) is given.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const Args& args,
                                                       const std::string& address) {
  kaoping::ClientTlsOptions tls;
  tls.ca_file = args.Flag("tls-ca");
  tls.cert_file = args.Flag("tls-cert");
  tls.key_file = args.Flag("tls-key");
  tls.server_name = args.Flag("tls-server-name");
  tls.enabled = !tls.ca_file.empty() || !tls.cert_file.empty();
  return kaoping::CreateClientChannel(address, tls);
}

int Call(const Args& args) {
  if (args.positional.size() < 2) {
    return Fail(kUsage);
  }
  std::string json = args.positional.size() >= 3 ? args.positional[2] : "{}";
  if (json == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    json = ss.str();
  }
  kaoping::CallMetadata metadata;
  if (const char* token = std::getenv("KAOPING_TOKEN"); token != nullptr && *token != '\0') {
    metadata["authorization"] = absl::StrCat("Bearer ", token);
  }
  auto channel = Channel(args, args.positional[0]);
  if (!channel.ok()) {
    return Fail(channel.status().ToString());
  }
  auto response =
      kaoping::CallJson(**channel, args.positional[1], json, metadata, absl::Seconds(30));
  if (!response.ok()) {
    return Fail(response.status().ToString());
  }
  std::cout << *response << "\n";
  return 0;
}

int Health(const Args& args) {
  if (args.positional.empty()) {
    return Fail(kUsage);
  }
  auto channel = Channel(args, args.positional[0]);
  if (!channel.ok()) {
    return Fail(channel.status().ToString());
  }
  auto serving = kaoping::CheckHealth(
      **channel, args.positional.size() >= 2 ? args.positional[1] : "", absl::Seconds(5));
  if (!serving.ok()) {
    return Fail(serving.status().ToString());
  }
  std::cout << (*serving ? "SERVING" : "NOT_SERVING") << "\n";
  return *serving ? 0 : 1;
}

// The audit key from --key-file ("" without one: an unkeyed log).
absl::StatusOr<std::string> AuditKey(const Args& args) {
  if (!args.Has("key-file")) {
    return std::string();
  }
  auto text = ReadWholeFile(args.Flag("key-file"));
  if (!text.ok()) {
    return text.status();
  }
  return kaoping::KeyFromFile(kaoping::JwtAlgorithm::kHs256, *text);
}

// Opens an audited database for reading: never creates one.
absl::StatusOr<std::unique_ptr<kaoping::db::Database>> OpenAudited(const Args& args) {
  kaoping::db::DatabaseOptions options;
  options.create_if_missing = false;
  return kaoping::db::OpenDatabase(args.positional[0], options);
}

int AuditCheckpoint(const Args& args) {
  if (args.positional.empty()) {
    return Fail(kUsage);
  }
  auto key = AuditKey(args);
  if (!key.ok()) {
    return Fail(absl::StrCat("audit-checkpoint: ", key.status().message()));
  }
  auto db = OpenAudited(args);
  if (!db.ok()) {
    return Fail(db.status().ToString());
  }
  std::vector<std::string> left_out;
  auto checkpoint = kaoping::TakeAuditCheckpoint(**db, *key, absl::Now(), &left_out);
  if (!checkpoint.ok()) {
    return Fail(checkpoint.status().ToString());
  }
  std::cout << kaoping::AuditCheckpointJson(*checkpoint) << "\n";
  for (const auto& region : left_out) {
    std::cerr << "TAMPERED region " << region
              << ": its chain head does not match its seal; left out of the checkpoint\n";
  }
  return left_out.empty() ? 0 : 3;
}

int AuditVerify(const Args& args) {
  if (args.positional.empty()) {
    return Fail(kUsage);
  }
  auto key = AuditKey(args);
  if (!key.ok()) {
    return Fail(absl::StrCat("audit-verify: ", key.status().message()));
  }
  std::optional<kaoping::AuditCheckpoint> checkpoint;
  if (args.Has("checkpoint")) {
    auto text = ReadWholeFile(args.Flag("checkpoint"));
    if (!text.ok()) {
      return Fail(absl::StrCat("audit-verify: ", text.status().message()));
    }
    auto parsed = kaoping::ParseAuditCheckpoint(*text, *key);
    if (!parsed.ok()) {
      return Fail(absl::StrCat("audit-verify: ", parsed.status().message()));
    }
    checkpoint = std::move(*parsed);
  }
  auto db = OpenAudited(args);
  if (!db.ok()) {
    return Fail(db.status().ToString());
  }
  auto result =
      kaoping::VerifyAuditLog(**db, *key, checkpoint.has_value() ? &*checkpoint : nullptr);
  if (!result.ok()) {
    return Fail(result.status().ToString());
  }
  for (const auto& problem : result->problems) {
    std::cout << "TAMPERED " << problem << "\n";
  }
  if (result->more_problems > 0) {
    std::cout << "TAMPERED … and " << result->more_problems << " more findings\n";
  }
  std::cout << (result->ok() ? "audit log intact: " : "audit log damaged: ") << result->entries
            << " entries in " << result->regions << " regions";
  if (checkpoint.has_value()) {
    std::cout << "; checked against the checkpoint of "
              << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", checkpoint->time, absl::UTCTimeZone())
              << " (" << checkpoint->heads.size() << " regions)";
  }
  std::cout << "\n";
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
  if (argc >= 2 && kaoping::cli::IsSignCommand(argv[1]))
    return kaoping::cli::RunSignCommand(argc, argv);
  auto args = ParseArgs(argc, argv);
  if (!args.ok() || args->command.empty()) {
    std::cerr << (args.ok() ? "" : absl::StrCat("kaoping: ", args.status().message(), "\n"))
              << kUsage;
    return 2;
  }
  const std::string& command = args->command;
  if (command == "token") {
    return Token(*args);
  }
  if (command == "call") {
    return Call(*args);
  }
  if (command == "health") {
    return Health(*args);
  }
  if (command == "audit-checkpoint") {
    return AuditCheckpoint(*args);
  }
  if (command == "audit-verify") {
    return AuditVerify(*args);
  }
  if (command == "methods") {
    return Methods();
  }
  if (command == "roster") {
    return kaoping::cli::Roster(args->positional, args->flags);
  }
  std::cerr << kUsage;
  return 2;
}
