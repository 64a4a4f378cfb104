#include "bench/gateway/load.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace kaoping::bench {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// When each phase ends, and what the connections recorded in the window.
class Window {
 public:
  explicit Window(const LoadOptions& options)
      : start_(absl::Now()),
        measure_from_(start_ + options.warmup),
        end_(measure_from_ + options.measure),
        measure_(options.measure) {}

  // Records a finished request; false once the window is over.
  bool Record(absl::Time sent, absl::Time done, bool ok, std::vector<double>* latencies) {
    if (sent >= measure_from_ && done <= end_) {
      if (ok) {
        latencies->push_back(absl::ToDoubleMilliseconds(done - sent));
      } else {
        errors_.fetch_add(1);
      }
    }
    return done < end_;
  }

  LoadResult Summarize(std::vector<std::vector<double>>& per_connection) const {
    std::vector<double> all;
    for (auto& v : per_connection) {
      all.insert(all.end(), v.begin(), v.end());
    }
    LoadResult result;
    result.errors = errors_.load();
    if (all.empty()) {
      return result;
    }
    std::sort(all.begin(), all.end());
    result.requests_per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(measure_);
    result.p50_ms = all[all.size() / 2];
    result.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    return result;
  }

  absl::Time end() const { return end_; }

 private:
  absl::Time start_;
  absl::Time measure_from_;
  absl::Time end_;
  absl::Duration measure_;
  std::atomic<int64_t> errors_{0};
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, const std::string& request, Window* window,
                 std::vector<double>* latencies, std::atomic<int>* running, absl::Duration interval)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        request_(request),
        window_(window),
        latencies_(latencies),
        running_(running),
        interval_(interval) {}

  // Paced: the first request after `offset`, then one every interval.
  void Start(absl::Duration offset) {
    if (interval_ == absl::ZeroDuration()) {
      return Send();
    }
    next_ = absl::Now() + offset;
    Schedule();
  }

 private:
  void Schedule() {
    timer_.expires_after(
        absl::ToChronoNanoseconds(std::max(next_ - absl::Now(), absl::ZeroDuration())));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        return self->Stop();
      }
      self->Send();
    });
  }

  void Send() {
    sent_ = interval_ == absl::ZeroDuration() ? absl::Now() : next_;
    net::async_write(stream_, net::buffer(request_),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) {
                         return self->Stop();
                       }
                       self->Read();
                     });
  }

  void Read() {
    response_ = {};
    bhttp::async_read(
        stream_, buffer_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
          const bool ok = !ec && self->response_.result_int() == 200;
          if (ec || !self->window_->Record(self->sent_, absl::Now(), ok, self->latencies_)) {
            return self->Stop();
          }
          if (self->interval_ == absl::ZeroDuration()) {
            return self->Send();
          }
          self->next_ += self->interval_;
          self->Schedule();
        });
  }
  void Stop() { running_->fetch_sub(1); }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  const std::string& request_;
  Window* window_;
  std::vector<double>* latencies_;
  std::atomic<int>* running_;
  absl::Duration interval_;
  beast::flat_buffer buffer_;
  bhttp::response<bhttp::string_body> response_;
  absl::Time sent_;
  absl::Time next_;
};

void WaitUntilStopped(const std::atomic<int>& running, absl::Time end) {
  while (running.load() > 0 && absl::Now() < end + absl::Seconds(30)) {
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace

LoadResult RunHttpLoad(const std::string& address, const std::string& request,
                       const LoadOptions& options) {
  net::io_context ioc;
  const size_t colon = address.rfind(':');
  const tcp::endpoint endpoint(net::ip::make_address(address.substr(0, colon)),
                               static_cast<unsigned short>(std::stoi(address.substr(colon + 1))));
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < options.connections; ++i) {
    tcp::socket socket(net::make_strand(ioc));
    beast::error_code ec;
    socket.connect(endpoint, ec);
    socket.set_option(tcp::no_delay(true), ec);
    if (!ec) {
      sockets.push_back(std::move(socket));
    }
  }
  // Connecting is not measured.
  Window window(options);
  std::vector<std::vector<double>> latencies(sockets.size());
  std::atomic<int> running{static_cast<int>(sockets.size())};
  const absl::Duration interval =
      options.rate > 0 ? absl::Seconds(static_cast<double>(sockets.size()) / options.rate)
                       : absl::ZeroDuration();
  for (size_t i = 0; i < sockets.size(); ++i) {
    latencies[i].reserve(100000);
    // Paced connections spread over one interval, not all at once.
    std::make_shared<HttpConnection>(std::move(sockets[i]), request, &window, &latencies[i],
                                     &running, interval)
        ->Start(interval * static_cast<double>(i) / static_cast<double>(sockets.size()));
  }
  std::thread io([&] { ioc.run(); });
  WaitUntilStopped(running, window.end());
  ioc.stop();
  io.join();
  return window.Summarize(latencies);
}

LoadResult RunGrpcLoad(const std::string& address, const std::string& method,
                       const std::string& request_bytes, const std::string& authorization,
                       const LoadOptions& options) {
  struct Caller {
    std::unique_ptr<grpc::GenericStub> stub;
    std::unique_ptr<grpc::ClientContext> context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    absl::Time sent;
  };
  std::vector<std::vector<double>> latencies(options.connections);
  std::vector<std::unique_ptr<Caller>> callers;
  for (int i = 0; i < options.connections; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto caller = std::make_unique<Caller>();
    caller->stub = std::make_unique<grpc::GenericStub>(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    grpc::Slice slice(request_bytes);
    caller->request = grpc::ByteBuffer(&slice, 1);
    latencies[i].reserve(100000);
    callers.push_back(std::move(caller));
  }
  std::atomic<int> running{options.connections};
  auto window = std::make_unique<Window>(options);
  std::function<void(int)> call = [&](int i) {
    Caller& c = *callers[i];
    c.context = std::make_unique<grpc::ClientContext>();
    c.context->AddMetadata("authorization", authorization);
    c.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    c.sent = absl::Now();
    c.stub->UnaryCall(
        c.context.get(), method, grpc::StubOptions(), &c.request, &c.response,
        [&, i](grpc::Status status) {
          if (!window->Record(callers[i]->sent, absl::Now(), status.ok(), &latencies[i])) {
            running.fetch_sub(1);
            return;
          }
          call(i);
        });
  };
  for (int i = 0; i < options.connections; ++i) {
    call(i);
  }
  WaitUntilStopped(running, window->end());
  return window->Summarize(latencies);
}

}  // namespace kaoping::bench
