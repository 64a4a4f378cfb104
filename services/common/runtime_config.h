#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/config.h"

namespace kaoping {

// The keys the shared runtime reads (ServiceRuntime, GrpcServer, the store,
// TLS, logs, retention); a service adds its own to these.
std::span<const absl::string_view> RuntimeConfigKeys();

// `profile = local` is a development machine (deploy/local/run writes it).
// Anything else, and no profile at all, is production: a forgotten or
// misspelt profile never relaxes a check.
bool IsLocalProfile(const Config& config);

// Makes a loaded configuration ready for the runtime, in this order:
//  1. refuses a key that neither the runtime nor the service knows;
//  2. outside the local profile, sets the defaults production wants
//     (jwt_algorithm EdDSA, drain_delay 5s) and requires jwt_audience, an
//     audit key, and TLS (tls_cert_file, tls_key_file) unless
//     `insecure_plaintext = true` says plaintext is wanted (e.g. behind a
//     mesh that does TLS); HS256 is refused there.
// Errors are FAILED_PRECONDITION or INVALID_ARGUMENT naming the key.
absl::Status PrepareRuntimeConfig(Config& config, std::span<const std::string> service_keys = {});

}  // namespace kaoping
