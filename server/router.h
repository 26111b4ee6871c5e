// Router: maps (method, path pattern) to a handler, checks query parameters against the list each
// route accepts (as Elasticsearch does: an unknown parameter is a 400 illegal_argument_exception
// "request [/x/_doc/1] contains unrecognized parameter: [foo]"), answers 405 for a known path with
// a method it lacks, and serves HEAD from the GET route with the body dropped.
//
// Patterns are '/'-separated; a segment "{name}" captures one segment into path_params[name].
// Literal segments win over captures when both match (compared left to right, so "/_search"
// beats "/{index}" and "/{index}/_doc/{id}" beats "/{index}/{type}/{id}"). A captured segment may
// start with '_': handlers reject such names themselves, as Elasticsearch does.
//
// Answers given by the router itself, in Elasticsearch's words:
//   unknown path         400 {"error":"no handler found for uri [/x?y] and method [GET]"}
//   known path, method   405 {"error":"Incorrect HTTP method for uri [/x] and method [PATCH],
//                            allowed: [GET, POST]","status":405} plus an Allow header
//   OPTIONS, known path  200, empty body, Allow header
//   unknown parameter(s) 400 illegal_argument_exception "request [/x] contains unrecognized
//                            parameter: [foo] -> did you mean [from]?"
//   handler exception    500 error JSON (type "exception")
// Global parameters accepted on every route: pretty, human, error_trace, filter_path.
//
// Built once at start-up (add() is not thread-safe), then read-only: dispatch() is safe from any
// number of threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http_types.h"

namespace quarry::server {

using Handler = std::function<HttpResponse(HttpRequest&)>;

class Router {
 public:
  // `params`: the query parameters this route accepts besides the global ones
  // (pretty, human, error_trace, filter_path, format for _cat).
  void add(const std::string& method, const std::string& pattern, Handler handler,
           std::vector<std::string> params = {});

  // Finds the route, validates parameters, calls the handler. Never throws: an exception from a
  // handler becomes a 500 error JSON.
  HttpResponse dispatch(HttpRequest& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    std::vector<std::string> params;
  };
  const Route* match(const HttpRequest& req, const std::string& method, bool* path_known) const;
  // Methods of every route whose pattern matches the request path, in registration order.
  std::vector<std::string> allowed_methods(const HttpRequest& req) const;
  // Fills req.path_params from the captures of `route`.
  static void bind_captures(const Route& route, HttpRequest& req);
  std::vector<Route> routes_;
};

}  // namespace quarry::server
