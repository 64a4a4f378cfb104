#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/config.h"
#include "services/common/http/message.h"

// An HTTP/1.1 server on Boost.Beast (asio): keep-alive, limits on header and
// body size, read and write time, connections and requests in flight, TLS
// when a certificate is configured. Requests over a limit are answered by
// the server itself (431, 413, 503) and never reach the handler. Beast stays
// inside server.cc: includers see only these types.
namespace kaoping::http {

// Answers one request. Call it exactly once, from any thread; a responder
// dropped without being called answers 500, so a connection never hangs.
class Responder {
 public:
  using Send = absl::AnyInvocable<void(Response)>;
  explicit Responder(Send send) : send_(std::move(send)) {}
  Responder(Responder&&) = default;
  Responder& operator=(Responder&&) = default;
  ~Responder();

  void operator()(Response response);

 private:
  Send send_;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Must not block: long work continues elsewhere and calls `respond` later.
  virtual void Handle(Request request, Responder respond) = 0;
  // Shutdown's grace is over: answer whatever is still outstanding now.
  virtual void CancelOutstanding() {}
};

struct ServerOptions {
  // host:port; port 0 picks a free one (tests).
  std::string listen_address = "127.0.0.1:0";
  int threads = 2;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
  // To read one whole request, and the longest a keep-alive connection idles.
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  int max_connections = 10000;
  // Requests handed to the handler and not yet answered; beyond, 503.
  int max_inflight = 1000;
  // PEM files; both set serve HTTPS only.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// From configuration keys with a prefix, e.g. "http_": <prefix>threads,
// <prefix>max_header_bytes, <prefix>max_body_bytes, <prefix>read_timeout,
// <prefix>write_timeout, <prefix>max_connections, <prefix>max_inflight,
// <prefix>tls_cert_file, <prefix>tls_key_file; `listen_address` is given.
absl::StatusOr<ServerOptions> ServerOptionsFromConfig(const Config& config,
                                                      absl::string_view prefix,
                                                      std::string listen_address);

class Server {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       Handler* handler);
  // Shutdown(0) if not done.
  ~Server();

  int port() const;
  // host:port actually bound.
  std::string address() const;
  bool tls() const;

  int64_t connections() const;
  int64_t inflight() const;

  // Stops accepting, lets requests in flight finish within `grace`, asks the
  // handler to answer the rest, and stops. Idempotent.
  void Shutdown(absl::Duration grace);

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kaoping::http
