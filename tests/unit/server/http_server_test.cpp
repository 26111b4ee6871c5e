// Drives a real HttpServer on an ephemeral port with a Beast synchronous client.
#include "server/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <future>
#include <thread>

namespace quarry::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;

class Client {
 public:
  explicit Client(unsigned short port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void write(http::verb method, const std::string& target, const std::string& body = {},
             const std::vector<std::pair<std::string, std::string>>& headers = {},
             unsigned version = 11) {
    http::request<http::string_body> req{method, target, version};
    req.set(http::field::host, "localhost");
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
  }

  Response read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  Response send(http::verb method, const std::string& target, const std::string& body = {},
                const std::vector<std::pair<std::string, std::string>>& headers = {},
                unsigned version = 11) {
    write(method, target, body, headers, version);
    return read(method == http::verb::head);
  }

  // True when the server has closed the connection (a read ends with EOF or reset).
  bool closed_by_server() {
    beast::error_code ec;
    char c;
    socket_.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  tcp::socket& socket() { return socket_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// A gate that blocking handlers wait on.
struct Gate {
  std::promise<void> entered;
  std::promise<void> open;
  std::shared_future<void> opened{open.get_future().share()};
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_);
    Result<unsigned short> port = server_->start();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = port.value();
    runner_ = std::async(std::launch::async, [this] { server_->run(); });
  }

  void SetUp() override {
    router_.add("GET", "/", [](HttpRequest&) {
      return HttpResponse::json(200, R"({"name":"quarry","tagline":"You Know, for Search"})");
    });
    router_.add("GET", "/{index}/_doc/{id}", [](HttpRequest& req) {
      return HttpResponse::json(200, R"({"_index":")" + req.path_param("index") +
                                         R"(","_id":")" + req.path_param("id") + R"(","q":")" +
                                         req.param("q") + R"("})");
    }, {"q"});
    router_.add("POST", "/echo", [](HttpRequest& req) {
      return HttpResponse::json(200, R"({"length":)" + std::to_string(req.body.size()) + "}");
    });
    router_.add("GET", "/block", [this](HttpRequest&) {
      if (gate_) {
        std::call_once(entered_once_, [this] { gate_->entered.set_value(); });
        gate_->opened.wait();
      }
      return HttpResponse::json(200, R"({"blocked":false})");
    });
  }

  void TearDown() override { stop_and_wait(); }

  // Stops the server and checks that run() returns.
  void stop_and_wait() {
    if (!server_) return;
    server_->stop();
    ASSERT_EQ(runner_.wait_for(std::chrono::seconds(10)), std::future_status::ready)
        << "run() did not return after stop()";
    server_.reset();
  }

  static std::string header(const Response& res, http::field f) {
    return std::string(res[f]);
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::future<void> runner_;
  unsigned short port_ = 0;
  std::unique_ptr<Gate> gate_;
  std::once_flag entered_once_;
};

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start({});
  Client c(port_);
  Response a = c.send(http::verb::get, "/");
  EXPECT_EQ(a.result_int(), 200);
  EXPECT_EQ(a.body(), R"({"name":"quarry","tagline":"You Know, for Search"})");
  EXPECT_TRUE(a.keep_alive());
  Response b = c.send(http::verb::get, "/my%20idx/_doc/a%2Fb?q=x+y");
  EXPECT_EQ(b.result_int(), 200);
  EXPECT_EQ(b.body(), R"({"_index":"my idx","_id":"a/b","q":"x y"})");
}

TEST_F(HttpServerTest, ProductHeaderAndContentType) {
  start({});
  Client c(port_);
  Response ok = c.send(http::verb::get, "/");
  EXPECT_EQ(header(ok, http::field::content_type), "application/json");
  EXPECT_EQ(std::string(ok["X-Elastic-Product"]), "Elasticsearch");
  Response missing = c.send(http::verb::get, "/nope/nope");
  EXPECT_EQ(missing.result_int(), 400);
  EXPECT_EQ(std::string(missing["X-Elastic-Product"]), "Elasticsearch");
  Response vnd = c.send(http::verb::get, "/", {},
                        {{"Accept", "application/vnd.elasticsearch+json;compatible-with=8"}});
  EXPECT_EQ(header(vnd, http::field::content_type),
            "application/vnd.elasticsearch+json;compatible-with=8");
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  start({});
  Client c(port_);
  Response head = c.send(http::verb::head, "/");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(std::string(head["X-Elastic-Product"]), "Elasticsearch");
  // The connection is still in sync: the next request gets its own answer.
  Response get = c.send(http::verb::get, "/");
  EXPECT_EQ(get.body(), R"({"name":"quarry","tagline":"You Know, for Search"})");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413ThenClose) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  Client small(port_);
  EXPECT_EQ(small.send(http::verb::post, "/echo", std::string(1000, 'x')).body(),
            R"({"length":1000})");

  Client c(port_);
  Response res = c.send(http::verb::post, "/echo", std::string(4096, 'x'));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_NE(res.body().find(R"("type":"content_too_long_exception")"), std::string::npos)
      << res.body();
  EXPECT_NE(res.body().find(R"("status":413)"), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, UnknownParameterIs400) {
  start({});
  Client c(port_);
  Response res = c.send(http::verb::get, "/i/_doc/1?foo=bar");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_NE(res.body().find("request [/i/_doc/1] contains unrecognized parameter: [foo]"),
            std::string::npos)
      << res.body();
  EXPECT_TRUE(res.keep_alive()) << "an error answer keeps the connection";
}

TEST_F(HttpServerTest, PrettyAndFilterPath) {
  start({});
  Client c(port_);
  Response pretty = c.send(http::verb::get, "/?pretty");
  EXPECT_EQ(pretty.body(),
            "{\n  \"name\" : \"quarry\",\n  \"tagline\" : \"You Know, for Search\"\n}\n");
  Response filtered = c.send(http::verb::get, "/?filter_path=tag*");
  EXPECT_EQ(filtered.body(), R"({"tagline":"You Know, for Search"})");
}

TEST_F(HttpServerTest, UnsupportedContentTypeIs406) {
  start({});
  Client c(port_);
  Response res = c.send(http::verb::post, "/echo", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(res.result_int(), 406);
  EXPECT_EQ(res.body(), R"({"error":"Content-Type header [text/plain] is not supported","status":406})");
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAlive) {
  start({});
  Client c(port_);
  Response res = c.send(http::verb::get, "/", {}, {}, 10);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.version(), 10u);
  EXPECT_TRUE(c.closed_by_server());

  Client k(port_);
  Response first = k.send(http::verb::get, "/", {}, {{"Connection", "keep-alive"}}, 10);
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(k.send(http::verb::get, "/", {}, {{"Connection", "keep-alive"}}, 10).result_int(),
            200);
}

TEST_F(HttpServerTest, ExpectContinueIsAnswered) {
  start({});
  Client c(port_);
  const std::string body = R"({"a":1})";
  net::write(c.socket(), net::buffer("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                     "application/json\r\nExpect: 100-continue\r\n"
                                     "Content-Length: " + std::to_string(body.size()) +
                                     "\r\n\r\n"));
  Response cont = c.read();
  EXPECT_EQ(cont.result_int(), 100);
  net::write(c.socket(), net::buffer(body));
  Response res = c.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"length":7})");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  start({});
  Client c(port_);
  net::write(c.socket(), net::buffer(std::string("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")));
  Response res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_NE(res.body().find("invalid escape sequence"), std::string::npos) << res.body();
}

TEST_F(HttpServerTest, FullWorkerQueueIs429) {
  gate_ = std::make_unique<Gate>();
  HttpServerOptions o;
  o.worker_threads = 1;
  o.max_queued_requests = 1;
  start(o);
  Client busy(port_), queued(port_), rejected(port_);
  busy.write(http::verb::get, "/block");
  gate_->entered.get_future().wait();  // the only worker is now taken
  queued.write(http::verb::get, "/block");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it reach the queue
  Response res = rejected.send(http::verb::get, "/block");
  EXPECT_EQ(res.result_int(), 429);
  EXPECT_NE(res.body().find(R"("type":"es_rejected_execution_exception")"), std::string::npos)
      << res.body();
  gate_->open.set_value();
  EXPECT_EQ(busy.read().result_int(), 200);
  EXPECT_EQ(queued.read().result_int(), 200);
}

TEST_F(HttpServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  gate_ = std::make_unique<Gate>();
  start({});
  Client idle(port_);
  EXPECT_EQ(idle.send(http::verb::get, "/").result_int(), 200);
  Client inflight(port_);
  inflight.write(http::verb::get, "/block");
  gate_->entered.get_future().wait();

  server_->stop();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_EQ(runner_.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "run() must wait for the request in flight";
  gate_->open.set_value();
  Response res = inflight.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"blocked":false})");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(runner_.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_THROW(Client late(port_), boost::system::system_error);
}

TEST_F(HttpServerTest, ManyConnectionsOnSeveralIoThreads) {
  HttpServerOptions o;
  o.io_threads = 2;
  o.worker_threads = 3;
  start(o);
  std::vector<std::future<int>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::async(std::launch::async, [this, i] {
      Client c(port_);
      int ok = 0;
      for (int j = 0; j < 20; ++j) {
        const std::string id = std::to_string(i) + "-" + std::to_string(j);
        Response r = c.send(http::verb::get, "/idx/_doc/" + id);
        if (r.body() == R"({"_index":"idx","_id":")" + id + R"(","q":""})") ++ok;
      }
      return ok;
    }));
  }
  for (auto& f : clients) EXPECT_EQ(f.get(), 20);
}

TEST_F(HttpServerTest, StartReportsBindFailure) {
  start({});
  HttpServerOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  Router empty;
  // SO_REUSEADDR does not allow two listeners on the same port.
  HttpServer second(o, empty);
  Result<unsigned short> r = second.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIOError);
}

}  // namespace
}  // namespace quarry::server
