#include "services/common/http/server.h"

#include <atomic>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace kaoping::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

Responder::~Responder() {
  if (send_) {
    (*this)(ErrorResponse(absl::StatusCode::kInternal, "the request was dropped unanswered"));
  }
}

void Responder::operator()(Response response) {
  if (!send_) {
    return;
  }
  Send send = std::move(send_);
  send_ = nullptr;
  send(std::move(response));
}

struct Server::Impl {
  void Accept();
  void OnAccepted(tcp::socket socket);

  ServerOptions options;
  Handler* handler = nullptr;
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> inflight{0};
  // Answers handed over by handlers and not yet written.
  std::atomic<int64_t> writing{0};
  std::atomic<bool> stopping{false};
  // Outlives the io_context: TLS connections refer to it.
  std::optional<ssl::context> tls;
  net::io_context ioc;
  // Keeps the threads running while no operation is pending (a request
  // waiting for its handler, once the acceptor is closed).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work{
      net::make_work_guard(ioc)};
  tcp::acceptor acceptor{net::make_strand(ioc)};
  net::steady_timer accept_retry{acceptor.get_executor()};
  std::vector<std::thread> threads;
  std::string host;
  int port = 0;
  absl::Mutex shutdown_mutex;
  bool shut_down ABSL_GUARDED_BY(shutdown_mutex) = false;
};

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// One client connection: read a request, hand it to the handler, write its
// answer, and again while the client keeps the connection alive. All its
// steps run on the connection's strand.
template <typename Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(Server::Impl* server, Stream stream, std::string peer)
      : server_(server), stream_(std::move(stream)), peer_(std::move(peer)) {
    server_->connections.fetch_add(1);
  }
  ~Connection() { server_->connections.fetch_sub(1); }

  void Start() {
    if constexpr (kTls) {
      Socket().expires_after(absl::ToChronoNanoseconds(server_->options.read_timeout));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) {
                                  self->ReadHeader();
                                }
                              });
    } else {
      ReadHeader();
    }
  }

 private:
  beast::tcp_stream& Socket() { return beast::get_lowest_layer(stream_); }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    Socket().expires_after(absl::ToChronoNanoseconds(server_->options.read_timeout));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      return Fail(ec);
    }
    auto expect = parser_->get().find(bhttp::field::expect);
    if (expect != parser_->get().end() &&
        absl::EqualsIgnoreCase(absl::string_view(expect->value().data(), expect->value().size()),
                               "100-continue")) {
      // curl waits for this before sending a body over 1 KiB.
      continue_.emplace(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *continue_,
                         [self = this->shared_from_this()](beast::error_code ec, size_t) {
                           if (ec) {
                             return self->Close();
                           }
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) {
      return Fail(ec);
    }
    Dispatch(parser_->release());
  }

  // Limits are answered; a closed, timed-out or broken connection is closed.
  void Fail(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Write(ErrorResponse(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat("request headers exceed ",
                                              server_->options.max_header_bytes, " bytes"),
                                 431),
                   /*close=*/true);
    }
    if (ec == bhttp::error::body_limit) {
      return Write(ErrorResponse(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat("request body exceeds ",
                                              server_->options.max_body_bytes, " bytes"),
                                 413),
                   /*close=*/true);
    }
    if (IsParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Write(ErrorResponse(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat("malformed HTTP request: ", ec.message())),
                   /*close=*/true);
    }
    Close();
  }

  void Dispatch(bhttp::request<bhttp::string_body> message) {
    keep_alive_ = message.keep_alive();
    if (server_->inflight.fetch_add(1) >= server_->options.max_inflight) {
      server_->inflight.fetch_sub(1);
      Response busy =
          ErrorResponse(absl::StatusCode::kUnavailable, "server busy; try again shortly");
      busy.headers.push_back({"retry-after", "1"});
      return Write(std::move(busy), /*close=*/false);
    }
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.push_back({absl::AsciiStrToLower(absl::string_view(
                                     field.name_string().data(), field.name_string().size())),
                                 std::string(field.value())});
    }
    request.body = std::move(message.body());
    request.peer = peer_;
    auto self = this->shared_from_this();
    Responder respond([self](Response response) {
      self->server_->writing.fetch_add(1);
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response), /*close=*/false, /*counted=*/true);
      });
      self->server_->inflight.fetch_sub(1);
    });
    server_->handler->Handle(std::move(request), std::move(respond));
  }

  // `counted`: a handler's answer, counted in `writing` until written.
  void Write(Response response, bool close, bool counted = false) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(bhttp::field::server, "kaoping");
    response_.set(bhttp::field::content_type, response.content_type);
    for (Header& h : response.headers) {
      response_.insert(h.name, h.value);
    }
    response_.body() = std::move(response.body);
    close_after_write_ = close || !keep_alive_ || server_->stopping.load();
    response_.keep_alive(!close_after_write_);
    response_.prepare_payload();
    Socket().expires_after(absl::ToChronoNanoseconds(server_->options.write_timeout));
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this(), counted](beast::error_code ec, size_t) {
                         if (counted) {
                           self->server_->writing.fetch_sub(1);
                         }
                         if (ec || self->close_after_write_) {
                           return self->Close();
                         }
                         self->ReadHeader();
                       });
  }

  void Close() {
    if constexpr (kTls) {
      Socket().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Server::Impl* server_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  bhttp::response<bhttp::string_body> response_;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
};

absl::StatusOr<tcp::endpoint> ResolveListenAddress(const std::string& address, std::string* host) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address `", address, "`: expected host:port"));
  }
  *host = address.substr(0, colon);
  std::string bare = *host;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  net::io_context ioc;
  // Keeps the threads running while no operation is pending (a request
  // waiting for its handler, once the acceptor is closed).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work{
      net::make_work_guard(ioc)};
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto results = resolver.resolve(bare, std::to_string(port), ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address `", address, "`: ", ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

absl::Status LoadTls(const ServerOptions& options, std::optional<ssl::context>* tls) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return absl::OkStatus();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate file and a key file");
  }
  tls->emplace(ssl::context::tls_server);
  (*tls)->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  (*tls)->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS certificate ", options.tls_cert_file, ": ", ec.message()));
  }
  (*tls)->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key ", options.tls_key_file, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) {
      return;
    }
    if (ec) {
      // Out of descriptors or similar: try again shortly instead of spinning.
      LogWarning("accept failed", {{"error", ec.message()}});
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](beast::error_code) { Accept(); });
      return;
    }
    OnAccepted(std::move(socket));
    Accept();
  });
}

void Server::Impl::OnAccepted(tcp::socket socket) {
  if (connections.load() >= options.max_connections) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? "" : absl::StrCat(remote.address().to_string(), ":", remote.port());
  if (tls.has_value()) {
    std::make_shared<Connection<TlsStream>>(this, TlsStream(std::move(socket), *tls),
                                            std::move(peer))
        ->Start();
  } else {
    std::make_shared<Connection<PlainStream>>(this, PlainStream(std::move(socket)), std::move(peer))
        ->Start();
  }
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      Handler* handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = handler;
  RETURN_IF_ERROR(LoadTls(options, &impl->tls));
  ASSIGN_OR_RETURN(tcp::endpoint endpoint,
                   ResolveListenAddress(options.listen_address, &impl->host));
  beast::error_code ec;
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    impl->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address, ": ", ec.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

int Server::port() const { return impl_->port; }
std::string Server::address() const { return absl::StrCat(impl_->host, ":", impl_->port); }
bool Server::tls() const { return impl_->tls.has_value(); }
int64_t Server::connections() const { return impl_->connections.load(); }
int64_t Server::inflight() const { return impl_->inflight.load(); }

void Server::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&impl_->shutdown_mutex);
  if (impl_->shut_down) {
    return;
  }
  impl_->shut_down = true;
  impl_->stopping.store(true);
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
  });
  auto wait_until = [this](absl::Time deadline) {
    while ((impl_->inflight.load() > 0 || impl_->writing.load() > 0) && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
  };
  wait_until(absl::Now() + grace);
  if (impl_->inflight.load() > 0 || impl_->writing.load() > 0) {
    impl_->handler->CancelOutstanding();
    // A handler answers promptly once cancelled; this bound only guards a bug.
    wait_until(absl::Now() + absl::Seconds(10));
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (std::thread& t : impl_->threads) {
    t.join();
  }
  impl_->threads.clear();
}

absl::StatusOr<ServerOptions> ServerOptionsFromConfig(const Config& config,
                                                      absl::string_view prefix,
                                                      std::string listen_address) {
  ServerOptions o;
  o.listen_address = std::move(listen_address);
  auto key = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  auto positive = [&](absl::string_view name, int64_t fallback,
                      int64_t max) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(int64_t v, config.GetInt(key(name), fallback));
    if (v < 1 || v > max) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration: `", key(name), "` must be 1..", max));
    }
    return v;
  };
  ASSIGN_OR_RETURN(int64_t threads, positive("threads", o.threads, 256));
  ASSIGN_OR_RETURN(int64_t header, positive("max_header_bytes", o.max_header_bytes, 1 << 20));
  ASSIGN_OR_RETURN(int64_t body, positive("max_body_bytes", o.max_body_bytes, 256 << 20));
  ASSIGN_OR_RETURN(int64_t connections, positive("max_connections", o.max_connections, 1 << 20));
  ASSIGN_OR_RETURN(int64_t inflight, positive("max_inflight", o.max_inflight, 1 << 20));
  o.threads = static_cast<int>(threads);
  o.max_header_bytes = static_cast<size_t>(header);
  o.max_body_bytes = static_cast<size_t>(body);
  o.max_connections = static_cast<int>(connections);
  o.max_inflight = static_cast<int>(inflight);
  ASSIGN_OR_RETURN(o.read_timeout, config.GetDuration(key("read_timeout"), o.read_timeout));
  ASSIGN_OR_RETURN(o.write_timeout, config.GetDuration(key("write_timeout"), o.write_timeout));
  if (o.read_timeout <= absl::ZeroDuration() || o.write_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("configuration: `", key("read_timeout"),
                                                   "` and `", key("write_timeout"),
                                                   "` must be positive"));
  }
  o.tls_cert_file = config.Get(key("tls_cert_file"), "");
  o.tls_key_file = config.Get(key("tls_key_file"), "");
  return o;
}

}  // namespace kaoping::http
