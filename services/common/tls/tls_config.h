#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/config.h"

// TLS for every listener and every client, from configuration:
//   server   tls_cert_file, tls_key_file (PEM); tls_client_ca_file makes it
//            mutual: a client must present a certificate that CA signed.
//   client   tls_ca_file (the CA that signed the servers' certificates;
//            without it the system's roots), tls_client_cert_file and
//            tls_client_key_file for mutual TLS, tls_server_name when the
//            address is not the name in the certificate.
// Plaintext only where the profile allows it: the local profile, or
// `insecure_plaintext = true` (runtime_config.h).
namespace kaoping {

// Plaintext when no certificate is configured (runtime_config.h decides
// whether that is allowed); a key without a certificate, or the other way
// round, or a client CA without either, is an error naming the key.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromConfig(
    const Config& config);

// How a client reaches servers.
struct ClientTlsOptions {
  bool enabled = false;     // false: plaintext
  std::string ca_file;      // "": the system's roots
  std::string cert_file;    // a client certificate, for mutual TLS
  std::string key_file;     // its private key
  std::string server_name;  // expected in the server's certificate, if not the address's host
};

// Service-to-service calls: TLS unless the local profile or
// insecure_plaintext allows plaintext and no tls_ca_file is set.
absl::StatusOr<ClientTlsOptions> ClientTlsFromConfig(const Config& config);

// A channel to `address` with those credentials (files are read now, so a
// missing one is an error naming it, not a failed call later), sending and
// receiving messages up to kMaxResponseBytes (api/pagination.h).
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateClientChannel(absl::string_view address,
                                                                   const ClientTlsOptions& tls);

}  // namespace kaoping
