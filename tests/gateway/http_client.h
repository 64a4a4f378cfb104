#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kaoping::gateway::testing {

// A blocking HTTP/1.1 client for tests (Boost.Beast), keeping its
// connection alive between requests; TLS optional (certificates not
// verified: tests use a self-signed one).
class HttpClient {
 public:
  static absl::StatusOr<std::unique_ptr<HttpClient>> Connect(const std::string& address,
                                                             bool tls = false);
  ~HttpClient();

  struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    bool keep_alive = true;
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;

  absl::StatusOr<Reply> Send(const std::string& method, const std::string& target,
                             const std::string& body = "", const Headers& headers = {});
  // Writes raw bytes and reads one answer (malformed requests).
  absl::StatusOr<Reply> SendRaw(const std::string& bytes);
  // True once the server has closed the connection.
  bool Closed();

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kaoping::gateway::testing
