#include "services/common/runtime_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr absl::string_view kRuntimeKeys[] = {
    "profile",
    "listen_address",
    "database_url",
    "redis_url",
    "jwt_algorithm",
    "jwt_key",
    "jwt_key_file",
    "jwt_issuer",
    "jwt_audience",
    "jwt_leeway",
    "audit_key",
    "audit_key_file",
    "audit_checkpoint_interval",
    "log_level",
    "shutdown_grace",
    "drain_delay",
    "db_max_connections",
    "db_connect_timeout",
    "db_statement_timeout",
    "handler_threads",
    "handler_queue",
    "handler_queue_bytes",
    "tls_cert_file",
    "tls_key_file",
    "tls_client_ca_file",
    "tls_ca_file",
    "tls_client_cert_file",
    "tls_client_key_file",
    "tls_server_name",
    "insecure_plaintext",
    "idempotency_retention",
    "consumed_event_retention",
    "outbox_retention",
    "purge_interval",
    "service_token_file",
    "service_regions",
    "service_scopes",
    "metrics_address",
};

absl::Status RequiredOutsideLocal(const Config& config, absl::string_view key,
                                  absl::string_view why) {
  if (config.Has(key)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("configuration: `", key, "` is required outside the local profile (", why,
                   "); set it, or `profile = local` on a development machine"));
}

absl::Status CheckProduction(Config& config) {
  config.SetDefault("jwt_algorithm", "EdDSA");
  config.SetDefault("drain_delay", "5s");
  if (absl::AsciiStrToUpper(config.Get("jwt_algorithm", "")) == "HS256") {
    return absl::FailedPreconditionError(
        "configuration: `jwt_algorithm` HS256 (a shared secret) is for the local profile; "
        "outside it tokens are signed with an asymmetric key: EdDSA or RS256");
  }
  RETURN_IF_ERROR(RequiredOutsideLocal(config, "jwt_audience",
                                       "a token minted for another system must not pass here"));
  if (!config.Has("audit_key") && !config.Has("audit_key_file")) {
    RETURN_IF_ERROR(RequiredOutsideLocal(config, "audit_key_file",
                                         "the audit chain is keyed outside the database"));
  }
  ASSIGN_OR_RETURN(bool plaintext, config.GetBool("insecure_plaintext", false));
  if (!plaintext) {
    for (absl::string_view key : {"tls_cert_file", "tls_key_file"}) {
      RETURN_IF_ERROR(RequiredOutsideLocal(
          config, key, "calls are served over TLS; `insecure_plaintext = true` says otherwise"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::span<const absl::string_view> RuntimeConfigKeys() { return kRuntimeKeys; }

bool IsLocalProfile(const Config& config) { return config.Get("profile", "") == "local"; }

absl::Status PrepareRuntimeConfig(Config& config, std::span<const std::string> service_keys) {
  std::vector<absl::string_view> known(std::begin(kRuntimeKeys), std::end(kRuntimeKeys));
  known.insert(known.end(), service_keys.begin(), service_keys.end());
  RETURN_IF_ERROR(config.CheckKnownKeys(known));
  if (IsLocalProfile(config)) {
    return absl::OkStatus();
  }
  return CheckProduction(config);
}

}  // namespace kaoping
