#include "services/common/tls/tls_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/api/pagination.h"
#include "services/common/runtime_config.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

absl::StatusOr<std::string> ReadPem(absl::string_view what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat(what, ": ", path, " cannot be read"));
  }
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " holds no PEM block"));
  }
  return text.str();
}

// Both of a pair, or neither.
absl::Status RequirePair(const Config& config, absl::string_view a, absl::string_view b) {
  if (config.Has(a) != config.Has(b)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", a, "` and `", b, "` go together: set both or neither"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromConfig(
    const Config& config) {
  RETURN_IF_ERROR(RequirePair(config, "tls_cert_file", "tls_key_file"));
  if (!config.Has("tls_cert_file")) {
    if (config.Has("tls_client_ca_file")) {
      return absl::InvalidArgumentError(
          "configuration: `tls_client_ca_file` needs `tls_cert_file` and `tls_key_file`");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain,
                   ReadPem("configuration: `tls_cert_file`", config.Get("tls_cert_file", "")));
  ASSIGN_OR_RETURN(pair.private_key,
                   ReadPem("configuration: `tls_key_file`", config.Get("tls_key_file", "")));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (config.Has("tls_client_ca_file")) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem("configuration: `tls_client_ca_file`",
                                                     config.Get("tls_client_ca_file", "")));
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<ClientTlsOptions> ClientTlsFromConfig(const Config& config) {
  RETURN_IF_ERROR(RequirePair(config, "tls_client_cert_file", "tls_client_key_file"));
  ASSIGN_OR_RETURN(bool plaintext, config.GetBool("insecure_plaintext", false));
  ClientTlsOptions tls;
  tls.ca_file = config.Get("tls_ca_file", "");
  tls.cert_file = config.Get("tls_client_cert_file", "");
  tls.key_file = config.Get("tls_client_key_file", "");
  tls.server_name = config.Get("tls_server_name", "");
  tls.enabled =
      !tls.ca_file.empty() || !tls.cert_file.empty() || !(IsLocalProfile(config) || plaintext);
  return tls;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateClientChannel(absl::string_view address,
                                                                   const ClientTlsOptions& tls) {
  grpc::ChannelArguments arguments;
  // Answers up to what a server may send (a page is cut at 2 MiB, but some
  // responses, e.g. a resolved catalog, are not paged).
  arguments.SetMaxReceiveMessageSize(static_cast<int>(kMaxResponseBytes));
  arguments.SetMaxSendMessageSize(static_cast<int>(kMaxResponseBytes));
  if (!tls.enabled) {
    return grpc::CreateCustomChannel(std::string(address), grpc::InsecureChannelCredentials(),
                                     arguments);
  }
  grpc::SslCredentialsOptions options;
  if (!tls.ca_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem("TLS CA file", tls.ca_file));
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS: a client certificate and its key go together: give both or neither");
  }
  if (!tls.cert_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_cert_chain, ReadPem("TLS client certificate", tls.cert_file));
    ASSIGN_OR_RETURN(options.pem_private_key, ReadPem("TLS client key", tls.key_file));
  }
  if (!tls.server_name.empty()) {
    arguments.SetSslTargetNameOverride(tls.server_name);
  }
  return grpc::CreateCustomChannel(std::string(address), grpc::SslCredentials(options), arguments);
}

}  // namespace kaoping
