// HttpServer: the Boost.Beast asynchronous HTTP/1.1 listener. I/O threads read and write
// (keep-alive, pipelining bounded, read timeout); each complete request is handed to a bounded
// worker pool that runs Router::dispatch off the I/O threads, then the response is written back on
// the connection's strand. Applies the generic Elasticsearch behaviours around every handler:
// X-Elastic-Product header, content types (application/json, application/x-ndjson,
// application/vnd.elasticsearch+json;compatible-with=8), ?pretty, ?filter_path, ?error_trace,
// HEAD without a body, the body limit (413), and 429 when the worker queue is full.
//
// Thread-safety: construct, then run() from one thread; stop() may be called from any thread
// (e.g. a signal handler strand).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

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
};

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
