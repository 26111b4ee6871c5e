// The HTTP request/response values that handlers see. Handlers are plain functions
// HttpRequest -> HttpResponse: they do no I/O and never see Beast types.
// Plain values: no thread-safety concerns beyond those of std::string/std::map.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry::server {

struct HttpRequest {
  std::string method;                              // "GET", "HEAD", "POST", "PUT", "DELETE"
  std::string uri;                                 // raw request target as received ("/a%20b?x=1")
  std::string path;                                // percent-decoded path, no query string
  std::vector<std::string> segments;               // path split on '/', each percent-decoded
  std::map<std::string, std::string> params;       // query-string parameters, decoded
  std::map<std::string, std::string> path_params;  // filled by the router: {index}, {id}, ...
  std::map<std::string, std::string> headers;      // lower-case names
  std::string body;

  bool has(const std::string& p) const { return params.count(p) != 0; }
  std::string param(const std::string& p, std::string def = {}) const {
    auto it = params.find(p);
    return it == params.end() ? def : it->second;
  }
  // Elasticsearch boolean parameter: absent -> def, "" or "true" -> true, "false" -> false.
  // Anything else is an error the caller reports (see server/params.h).
  std::string path_param(const std::string& name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace quarry::server
