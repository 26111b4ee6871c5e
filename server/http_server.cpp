#include "server/http_server.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/es_error.h"
#include "server/response_format.h"

namespace quarry::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// ---------------------------------------------------------------------------------------------
// Request target parsing.

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Elasticsearch's RestUtils.decodeComponent, with its error messages.
Status percent_decode(std::string_view s, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_is_space) {
      *out += ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) {
        return Status::InvalidArgument("unterminated escape sequence at end of string: " +
                                       std::string(s));
      }
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("invalid escape sequence `%" + std::string(1, s[i + 1]) +
                                       std::string(1, s[i + 2]) + "' at index " +
                                       std::to_string(i) + " of: " + std::string(s));
      }
      *out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      *out += c;
    }
  }
  return Status::Ok();
}

}  // namespace

Status parse_target(std::string_view target, HttpRequest& req) {
  req.uri.assign(target);
  req.segments.clear();
  req.params.clear();
  std::size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  QUARRY_RETURN_IF_ERROR(percent_decode(raw_path, false, &req.path));
  if (req.path.empty()) req.path = "/";
  std::size_t start = 0;
  while (start < raw_path.size()) {
    std::size_t slash = raw_path.find('/', start);
    if (slash == std::string_view::npos) slash = raw_path.size();
    if (slash > start) {
      std::string seg;
      QUARRY_RETURN_IF_ERROR(percent_decode(raw_path.substr(start, slash - start), false, &seg));
      req.segments.push_back(std::move(seg));
    }
    start = slash + 1;
  }

  start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key, value;
    QUARRY_RETURN_IF_ERROR(percent_decode(pair.substr(0, eq), true, &key));
    if (eq != std::string_view::npos) {
      QUARRY_RETURN_IF_ERROR(percent_decode(pair.substr(eq + 1), true, &value));
    }
    req.params[std::move(key)] = std::move(value);  // the last occurrence wins, as in ES
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// The bounded worker pool: handlers run here, never on an I/O thread.

namespace {

class WorkerPool {
 public:
  WorkerPool(int threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { work(); });
  }
  ~WorkerPool() { shutdown(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when max_queued jobs already wait (or the pool is shut down): the caller answers 429.
  bool try_submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || queue_.size() >= max_queued_) return false;
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
  }

  // Runs the jobs already queued, then joins the threads. Idempotent.
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  std::size_t max_queued() const { return max_queued_; }
  std::size_t threads() const { return threads_.size(); }

 private:
  void work() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  const std::size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class Session;

// Everything the server shares with its sessions.
struct ServerCore {
  ServerCore(HttpServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        ioc(std::max(1, options.io_threads)),
        acceptor(net::make_strand(ioc)),
        pool(options.worker_threads, options.max_queued_requests) {}

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void stop();

  // The full handling of one request, on a worker thread.
  HttpResponse handle(HttpRequest& req) const;

  const HttpServerOptions options;
  const Router& router;
  net::io_context ioc;  // declared before everything that posts to it
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::mutex sessions_mu;
  std::vector<std::weak_ptr<Session>> sessions;
  WorkerPool pool;  // destroyed first: its queued jobs still post to ioc
};

// One connection: run -> do_read -> on_header [-> 100 Continue] -> on_read -> worker pool ->
// send (back on the strand) -> on_write -> do_read | do_close. All members are touched only on
// the connection's strand, except those the worker gets by value.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& server)
      : stream_(std::move(socket)), server_(server) {}

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

  // From any thread: an idle connection closes now, a busy one after its response.
  void stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stop_requested_ = true;
      if (self->state_ == State::kReading || self->state_ == State::kDraining) {
        self->stream_.cancel();
      }
    });
  }

 private:
  enum class State { kReading, kBusy, kDraining };

  void do_read() {
    if (stop_requested_) return do_close(false);
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    stream_.expires_after(server_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    auto expect = req[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                      req.version());
      stream_.expires_after(server_.options.idle_timeout);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                          if (wec) return self->do_close(false);
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(server_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return send_local(Status(Code::kTooLarge,
                               "request body is larger than the limit of [" +
                                   std::to_string(server_.options.max_body_bytes) +
                                   "] bytes (http.max_content_length)"));
    }
    if (ec == http::error::header_limit) {
      return send_local(Status::InvalidArgument(
          "request line and headers are larger than [" +
          std::to_string(server_.options.max_header_bytes) + "] bytes"));
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return send_local(Status::InvalidArgument("invalid HTTP request: " + ec.message()));
    }
    // end of stream, timeout, reset, cancelled by stop(): nothing to answer.
    do_close(false);
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    state_ = State::kBusy;
    stream_.expires_never();  // the handler may take long; the write sets its own deadline
    auto& msg = parser_->get();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();

    HttpRequest req;
    req.method = std::string(msg.method_string());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += "," + std::string(field.value());
    }
    req.body = std::move(msg.body());
    Status target = parse_target(msg.target(), req);
    if (!target.ok()) {
      HttpResponse res = error_response(target);
      finalize_response(req, res);
      return send(std::move(res), false);
    }

    // The work guard keeps run() alive while the request is on a worker, even after stop().
    auto job = [self = shared_from_this(), req = std::move(req),
                work = net::make_work_guard(server_.ioc)]() mutable {
      HttpResponse res = self->server_.handle(req);
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->send(std::move(res), true); });
    };
    // A failed try_submit leaves the job (and its captured request) untouched: rebuild the minimal
    // request needed to format the 429 from the header we still hold.
    if (!server_.pool.try_submit(std::move(job))) {
      HttpRequest small;
      small.headers["accept"] = std::string(msg[http::field::accept]);
      Status st = Status::Overloaded(
          "rejected execution of request [" + std::string(msg.method_string()) + " " +
          std::string(msg.target()) + "] on worker pool [threads = " +
          std::to_string(server_.pool.threads()) +
          ", queue capacity = " + std::to_string(server_.pool.max_queued()) + "]");
      HttpResponse res = error_response(st);
      finalize_response(small, res);
      send(std::move(res), true);
    }
  }

  // An answer made on the I/O thread for a request that could not be read; the connection closes.
  void send_local(const Status& st) {
    state_ = State::kBusy;
    HttpRequest none;
    HttpResponse res = error_response(st);
    finalize_response(none, res);
    send(std::move(res), false);
  }

  void send(HttpResponse res, bool may_keep_alive) {
    auto out = std::make_shared<http::response<http::string_body>>();
    out->version(version_);
    out->result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) out->set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) out->insert(name, value);
    out->body() = std::move(res.body);
    out->keep_alive(may_keep_alive && keep_alive_ && !stop_requested_ &&
                    !server_.stopping.load());
    out->prepare_payload();
    const bool close = !out->keep_alive();
    stream_.expires_after(server_.options.idle_timeout);
    http::async_write(stream_, *out,
                      [self = shared_from_this(), out, close](beast::error_code ec, std::size_t) {
                        self->on_write(ec, close);
                      });
  }

  void on_write(beast::error_code ec, bool close) {
    if (ec) return do_close(false);
    if (close || stop_requested_) return do_close(true);
    do_read();
  }

  // Half-closes, then (when `drain`) reads and discards what the client still sends until it
  // closes too, so that unread request bytes do not turn our close into a reset that destroys
  // the response in flight (a 413 is sent before the body has been read).
  void do_close(bool drain) {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!drain || stop_requested_ || ec) {
      stream_.socket().close(ec);
      return;
    }
    state_ = State::kDraining;
    stream_.expires_after(std::chrono::seconds(2));
    drain_buffer_.resize(16 * 1024);
    stream_.async_read_some(net::buffer(drain_buffer_),
                            beast::bind_front_handler(&Session::on_drain, shared_from_this()));
  }

  void on_drain(beast::error_code ec, std::size_t) {
    if (ec || stop_requested_) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return;
    }
    stream_.async_read_some(net::buffer(drain_buffer_),
                            beast::bind_front_handler(&Session::on_drain, shared_from_this()));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::vector<char> drain_buffer_;
  ServerCore& server_;
  State state_ = State::kReading;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool stop_requested_ = false;
};

// ---------------------------------------------------------------------------------------------

HttpResponse ServerCore::handle(HttpRequest& req) const {
  HttpResponse res;
  try {
    if (auto rejected = check_content_type(req)) {
      res = std::move(*rejected);
    } else {
      res = router.dispatch(req);
    }
    finalize_response(req, res);
  } catch (const std::exception& e) {
    res = error_response(Status::Internal(e.what()));
    res.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
  } catch (...) {
    res = error_response(Status::Internal("unknown exception while handling the request"));
    res.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
  }
  if (req.method == "HEAD") res.body.clear();
  return res;
}

void ServerCore::do_accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping.load() || ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (!ec) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), *this);
    {
      std::lock_guard<std::mutex> lock(sessions_mu);
      std::erase_if(sessions, [](const std::weak_ptr<Session>& w) { return w.expired(); });
      sessions.push_back(session);
    }
    session->run();
    // stop() may have taken its snapshot of the sessions just before this one was registered.
    if (stopping.load()) session->stop();
  }
  do_accept();
}

void ServerCore::stop() {
  if (stopping.exchange(true)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    for (auto& w : sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->stop();
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options, const Router& router) : core(std::move(options), router) {}
  ServerCore core;
};

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() {
  impl_->core.stop();
  impl_->core.pool.shutdown();
}

Result<unsigned short> HttpServer::start() {
  ServerCore& s = impl_->core;
  beast::error_code ec;
  const std::string where = "[" + s.options.host + ":" + std::to_string(s.options.port) + "]";
  tcp::resolver resolver(s.ioc);
  auto results = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::IOError("cannot resolve " + where + ": " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    return Status::IOError("cannot listen on " + where + ": " + ec.message());
  }
  unsigned short port = s.acceptor.local_endpoint(ec).port();
  if (ec) return Status::IOError("cannot read the bound port of " + where + ": " + ec.message());
  s.do_accept();
  return port;
}

void HttpServer::run() {
  ServerCore& s = impl_->core;
  std::vector<std::thread> extra;
  for (int i = 1; i < s.options.io_threads; ++i) extra.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (std::thread& t : extra) t.join();
}

void HttpServer::stop() { impl_->core.stop(); }

}  // namespace quarry::server
