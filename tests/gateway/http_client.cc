#include "tests/gateway/http_client.h"

#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kaoping::gateway::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct HttpClient::Impl {
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::string host;

  template <typename F>
  auto WithStream(F f) {
    return secure != nullptr ? f(*secure) : f(*plain);
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Connect(const std::string& address,
                                                                bool tls) {
  auto impl = std::make_unique<Impl>();
  const size_t colon = address.rfind(':');
  impl->host = address.substr(0, colon);
  tcp::resolver resolver(impl->ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(impl->host, address.substr(colon + 1), ec);
  if (ec) {
    return absl::UnavailableError(ec.message());
  }
  beast::tcp_stream stream(impl->ioc);
  stream.connect(endpoints, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("connect ", address, ": ", ec.message()));
  }
  stream.expires_after(std::chrono::seconds(30));
  if (tls) {
    impl->tls_context.set_verify_mode(ssl::verify_none);
    impl->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream),
                                                                          impl->tls_context);
    impl->secure->handshake(ssl::stream_base::client, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("TLS handshake: ", ec.message()));
    }
  } else {
    impl->plain = std::make_unique<beast::tcp_stream>(std::move(stream));
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

namespace {

template <typename Stream>
absl::StatusOr<HttpClient::Reply> ReadReply(Stream& stream, beast::flat_buffer& buffer) {
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  do {  // past interim answers (100 Continue)
    parser.emplace();
    parser->body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    bhttp::read(stream, buffer, *parser, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
    }
  } while (parser->get().result_int() / 100 == 1);
  const auto& message = parser->get();
  HttpClient::Reply reply;
  reply.status = static_cast<int>(message.result_int());
  reply.body = message.body();
  reply.keep_alive = message.keep_alive();
  for (const auto& field : message) {
    reply.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  return reply;
}

}  // namespace

absl::StatusOr<HttpClient::Reply> HttpClient::Send(const std::string& method,
                                                   const std::string& target,
                                                   const std::string& body,
                                                   const Headers& headers) {
  bhttp::request<bhttp::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, impl_->host);
  for (const auto& [name, value] : headers) {
    request.insert(name, value);
  }
  if (!body.empty() && request.find(bhttp::field::content_type) == request.end()) {
    request.set(bhttp::field::content_type, "application/json");
  }
  request.body() = body;
  request.prepare_payload();
  return impl_->WithStream([&](auto& stream) -> absl::StatusOr<Reply> {
    beast::error_code ec;
    bhttp::write(stream, request, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
    }
    return ReadReply(stream, impl_->buffer);
  });
}

absl::StatusOr<HttpClient::Reply> HttpClient::SendRaw(const std::string& bytes) {
  return impl_->WithStream([&](auto& stream) -> absl::StatusOr<Reply> {
    beast::error_code ec;
    net::write(stream, net::buffer(bytes), ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
    }
    return ReadReply(stream, impl_->buffer);
  });
}

bool HttpClient::Closed() {
  return impl_->WithStream([&](auto& stream) {
    char byte;
    beast::error_code ec;
    stream.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == ssl::error::stream_truncated ||
           ec == net::error::connection_reset;
  });
}

}  // namespace kaoping::gateway::testing
