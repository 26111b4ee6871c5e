// Keep-alive HTTP client over Beast (see http_client.h). Asynchronous operations driven by a
// private io_context give every step a deadline, which Beast's synchronous calls cannot.
#include "server/cli/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

namespace quarry::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Result<HttpEndpoint> parse_http_url(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    return Status::InvalidArgument("https is not supported: use an http:// URL");
  }
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (authority.empty()) return Status::InvalidArgument("no host in URL [" + std::string(url) + "]");
  HttpEndpoint ep;
  std::string_view host = authority;
  std::string_view port = "9200";
  if (authority.front() == '[') {  // [::1]:9200
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("bad IPv6 host in URL [" + std::string(url) + "]");
    }
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return Status::InvalidArgument("bad URL [" + std::string(url) + "]");
      }
      port = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  unsigned port_number = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (host.empty() || ec != std::errc() || p != port.data() + port.size() || port_number == 0 ||
      port_number > 65535) {
    return Status::InvalidArgument("bad host or port in URL [" + std::string(url) + "]");
  }
  ep.host = std::string(host);
  ep.port = std::string(port);
  ep.base_path = std::string(path);
  return ep;
}

struct HttpClient::Impl {
  HttpEndpoint endpoint;
  std::chrono::seconds timeout;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the queued asynchronous work to completion.
  void run() {
    ioc.restart();
    ioc.run();
  }

  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
      stream.reset();
    }
    buffer.clear();
  }

  Status connect() {
    close();
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    run();
    if (ec) return Status::Unavailable("cannot resolve " + endpoint.host + ": " + ec.message());
    stream.emplace(ioc);
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      stream.reset();
      return Status::Unavailable("cannot connect to " + endpoint.host + ":" + endpoint.port +
                                 ": " + ec.message());
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    return Status::Ok();
  }

  // One exchange on the current connection. `replied` tells whether any reply bytes came back.
  Result<HttpReply> exchange(http::request<http::string_body>& req, bool& replied) {
    beast::error_code ec;
    replied = false;
    stream->expires_after(timeout);
    http::async_write(*stream, req, [&](beast::error_code e, size_t) { ec = e; });
    run();
    if (ec) return failure("sending the request", ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(512ULL << 20);
    parser.header_limit(64 * 1024);
    stream->expires_after(timeout);
    http::async_read(*stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    run();
    replied = parser.got_some();
    if (ec) return failure("reading the response", ec);
    auto res = parser.release();
    HttpReply reply;
    reply.status = static_cast<int>(res.result_int());
    reply.body = std::move(res.body());
    if (!res.keep_alive()) close();
    return reply;
  }

  Status failure(const char* what, const beast::error_code& ec) {
    close();
    if (ec == beast::error::timeout) {
      return Status::Timeout(std::string("timed out ") + what);
    }
    return Status::Unavailable(std::string("connection failed while ") + what + ": " +
                               ec.message());
  }
};

HttpClient::HttpClient(HttpEndpoint endpoint, std::chrono::seconds timeout)
    : impl_(new Impl{std::move(endpoint), timeout, {}, {}, {}}) {}

HttpClient::~HttpClient() { impl_->close(); }

Result<HttpReply> HttpClient::request(std::string_view method, std::string_view target,
                                      std::string body, std::string_view content_type) {
  http::request<http::string_body> req;
  req.method(http::string_to_verb(method));
  req.target(impl_->endpoint.base_path + std::string(target));
  req.version(11);
  req.set(http::field::host, impl_->endpoint.host + ":" + impl_->endpoint.port);
  req.set(http::field::user_agent, "quarry-cli");
  req.keep_alive(true);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();

  const bool reused = impl_->stream.has_value();
  if (!reused) QUARRY_RETURN_IF_ERROR(impl_->connect());
  bool replied = false;
  Result<HttpReply> reply = impl_->exchange(req, replied);
  // A kept-alive connection the server has meanwhile closed: retry once on a new connection.
  if (!reply.ok() && reused && !replied && reply.status().code() == Code::kUnavailable) {
    QUARRY_RETURN_IF_ERROR(impl_->connect());
    reply = impl_->exchange(req, replied);
  }
  return reply;
}

}  // namespace quarry::cli
