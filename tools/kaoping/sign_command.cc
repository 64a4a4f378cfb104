#include "tools/kaoping/sign_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/tls/tls_config.h"
#include "tools/kaoping/sign_appraisal.h"

namespace kaoping::cli {
namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  kaoping keygen --algorithm sm2|ed25519 --out KEY.pem [--passphrase-file FILE]\n"
    "      writes KEY.pem (private, mode 0600) and KEY.pem.pub (for the administrator)\n"
    "  kaoping sign ADDRESS regions/R/appraisals/A --key-file KEY.pem\n"
    "      --signer-key regions/R/signerKeys/K --role PARTY_SECRETARY|DISCIPLINE_SECRETARY\n"
    "      [--passphrase-file FILE] [--expect-sha256 HEX]\n"
    "      [--tls-ca FILE [--tls-cert FILE --tls-key FILE] [--tls-server-name NAME]]\n"
    "      (bearer token from $KAOPING_TOKEN)\n";

int Fail(absl::string_view message) {
  std::cerr << "kaoping: " << message << "\n";
  return 1;
}

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::string Flag(const std::string& name) const {
    auto it = flags.find(name);
    return it == flags.end() ? "" : it->second;
  }
};

// argv[2..]: --name value or --name=value, and positional arguments.
bool Parse(int argc, char** argv, Args& args) {
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      args.positional.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      args.flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      args.flags[arg.substr(2)] = argv[++i];
    } else {
      return false;
    }
  }
  return true;
}

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  if (!in || !(ss << in.rdbuf())) {
    return false;
  }
  text = ss.str();
  return true;
}

// The passphrase file's first line ("" without --passphrase-file).
bool Passphrase(const Args& args, std::string& passphrase) {
  const std::string path = args.Flag("passphrase-file");
  if (path.empty()) {
    return true;
  }
  if (!ReadFile(path, passphrase)) {
    return false;
  }
  passphrase = passphrase.substr(0, passphrase.find('\n'));
  return true;
}

int Keygen(const Args& args) {
  absl::StatusOr<signing::Algorithm> algorithm =
      signing::ParseAlgorithmName(args.Flag("algorithm"));
  if (!algorithm.ok() || args.Flag("out").empty()) {
    return Fail(absl::StrCat("keygen: --algorithm sm2|ed25519 and --out are required\n", kUsage));
  }
  std::string passphrase;
  if (!Passphrase(args, passphrase)) {
    return Fail(absl::StrCat("keygen: cannot read ", args.Flag("passphrase-file")));
  }
  absl::StatusOr<std::string> fingerprint =
      GenerateKeyFiles(*algorithm, args.Flag("out"), passphrase);
  if (!fingerprint.ok()) {
    return Fail(absl::StrCat("keygen: ", fingerprint.status().message()));
  }
  std::cout << "private key " << args.Flag("out") << " (keep it; never send it)\n"
            << "public key  " << args.Flag("out") << ".pub (give it to the administrator)\n"
            << "fingerprint " << *fingerprint << "\n";
  return 0;
}

int Sign(const Args& args) {
  if (args.positional.size() != 2 || args.Flag("key-file").empty() ||
      args.Flag("signer-key").empty()) {
    return Fail(kUsage);
  }
  SignOptions options;
  options.appraisal = args.positional[1];
  options.signer_key = args.Flag("signer-key");
  if (!v1::AppraisalSignature::Role_Parse(absl::AsciiStrToUpper(args.Flag("role")),
                                          &options.role) ||
      options.role == v1::AppraisalSignature::ROLE_UNSPECIFIED) {
    return Fail("sign: --role must be PARTY_SECRETARY or DISCIPLINE_SECRETARY");
  }
  if (!ReadFile(args.Flag("key-file"), options.private_key_pem)) {
    return Fail(absl::StrCat("sign: cannot read ", args.Flag("key-file")));
  }
  if (!Passphrase(args, options.passphrase)) {
    return Fail(absl::StrCat("sign: cannot read ", args.Flag("passphrase-file")));
  }
  options.expect_sha256_hex = absl::AsciiStrToLower(args.Flag("expect-sha256"));
  ClientTlsOptions tls;
  tls.ca_file = args.Flag("tls-ca");
  tls.cert_file = args.Flag("tls-cert");
  tls.key_file = args.Flag("tls-key");
  tls.server_name = args.Flag("tls-server-name");
  tls.enabled = !tls.ca_file.empty() || !tls.cert_file.empty();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateClientChannel(args.positional[0], tls);
  if (!channel.ok()) {
    return Fail(channel.status().ToString());
  }
  const char* token = std::getenv("KAOPING_TOKEN");
  auto context = [&]() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (token != nullptr && *token != '\0') {
      ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  };
  auto stub = v1::AppraisalService::NewStub(*channel);
  absl::StatusOr<v1::Appraisal> signed_appraisal =
      SignWithKeyFile(*stub, context, options, std::cout);
  if (!signed_appraisal.ok()) {
    return Fail(absl::StrCat("sign: ", signed_appraisal.status().ToString()));
  }
  return 0;
}

}  // namespace

bool IsSignCommand(absl::string_view command) { return command == "keygen" || command == "sign"; }

int RunSignCommand(int argc, char** argv) {
  Args args;
  if (argc < 2 || !Parse(argc, argv, args)) {
    return Fail(kUsage);
  }
  return absl::string_view(argv[1]) == "keygen" ? Keygen(args) : Sign(args);
}

}  // namespace kaoping::cli
