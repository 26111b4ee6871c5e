// HttpClient: a minimal keep-alive HTTP/1.1 client of quarryd for the CLI.
//
// One TCP connection, opened on first use and reused while the server keeps it alive. Every
// operation (resolve, connect, write, read) is bounded by the timeout. If a reused connection
// turns out to be closed by the server before any reply, the request is sent once more on a
// fresh connection. Only plain http:// URLs. Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "index/status.h"

namespace quarry::cli {

struct HttpEndpoint {
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix" (no trailing slash); prepended to every target
};

// Parses "http://host[:port][/prefix]" (scheme optional; default port 9200).
Result<HttpEndpoint> parse_http_url(std::string_view url);

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(HttpEndpoint endpoint, std::chrono::seconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the reply. Unavailable when the server cannot be reached or
  // the connection fails, Timeout when it does not answer in time.
  Result<HttpReply> request(std::string_view method, std::string_view target, std::string body,
                            std::string_view content_type);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::cli
