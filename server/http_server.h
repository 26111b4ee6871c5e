// HttpServer: the Boost.Beast asynchronous HTTP/1.1 listener. I/O threads read and write
// (keep-alive, pipelining bounded, read timeout); each complete request is handed to a bounded
// worker pool that runs Router::dispatch off the I/O threads, then the response is written back on
// the connection's strand. Applies the generic Elasticsearch behaviours around every handler:
// X-Elastic-Product header, content types (application/json, application/x-ndjson,
// application/vnd.elasticsearch+json;compatible-with=8), ?pretty, ?filter_path, ?error_trace,
// HEAD without a body, the body limit (413), and 429 when the worker queue is full.
//
// Connections: HTTP/1.1 and 1.0, keep-alive, one request at a time per connection (pipelined
// requests wait in the read buffer), "Expect: 100-continue" answered, idle_timeout on every read
// and write. Errors the server answers itself (all with X-Elastic-Product): 413 kTooLarge when
// the body passes max_body_bytes (then the connection closes), 400 for malformed HTTP or a bad
// percent-encoding, 429 es_rejected_execution_exception when max_queued_requests requests wait.
//
// Usage:
//   Router router;  router.add("GET", "/", handler);
//   HttpServer server(HttpServerOptions{...}, router);    // router must outlive the server
//   auto port = server.start();  if (!port.ok()) ...      // binds (SO_REUSEADDR) and listens
//   std::thread t([&] { server.run(); });  ...  server.stop();  t.join();
//
// Thread-safety: construct, then start() and run() from one thread; stop() may be called from
// any thread (e.g. a signal handler strand). Handlers run on the worker threads, concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "index/status.h"
#include "server/router.h"

namespace quarry::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 9200;
  std::size_t max_body_bytes = 100 * 1024 * 1024;  // http.max_content_length
  int io_threads = 1;
  int worker_threads = 4;
  std::size_t max_queued_requests = 1000;
  std::chrono::seconds idle_timeout{300};  // a read or write making no progress is dropped
  std::size_t max_header_bytes = 64 * 1024;  // request line plus headers
};

// Fills req.uri, req.path, req.segments and req.params from a request target
// ("/my%20index/_doc/1?refresh=wait_for&q=a+b"). Path segments are split on '/' (empty ones
// dropped) and then percent-decoded, so "%2F" stays inside its segment; in the query string '+'
// is a space. Errors: kInvalidArgument for a bad escape, worded as Elasticsearch does.
Status parse_target(std::string_view target, HttpRequest& req);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port (useful with port 0). Errors: kIOError.
  Result<unsigned short> start();
  // Blocks until stop(): runs the I/O threads.
  void run();
  // Stops accepting, lets in-flight requests finish, and makes run() return.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::server
